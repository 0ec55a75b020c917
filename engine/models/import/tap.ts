import { Transform } from 'node:stream';

/** A pass-through that reports each chunk; an exception from `onChunk` fails the stream with it. */
export function tap(onChunk: (chunk: Buffer) => void, onEnd?: () => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        onChunk(chunk);
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        onEnd?.();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
