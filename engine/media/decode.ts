// Video -> raw frames held in memory: {frames, frameCount, width, height, fps}. Built on
// streamVideoFrames (one ffmpeg process for all the videos given); for long videos prefer the
// stream, which never holds more than a few frames.
import { inputError, workError } from '../errors';
import { streamVideoFrames } from './frame-stream';
import type { FrameStreamOptions, RawPixelFormat } from './frame-stream';

export type { RawPixelFormat } from './frame-stream';

export interface DecodeOptions extends FrameStreamOptions {
  /** Refuse to hold more than this many bytes of frames in all (default 1 GiB); use maxFrames for long videos. */
  maxBytes?: number;
}

export interface DecodedVideo {
  file: string;
  /** Frame-major pixels: frameCount * height * width * channels bytes. */
  frames: Uint8Array;
  frameCount: number;
  width: number;
  height: number;
  fps: number;
  pixelFormat: RawPixelFormat;
  channels: 1 | 3;
}

const DEFAULT_MAX_BYTES = 1024 ** 3;

/** Decodes several videos in one ffmpeg process; results are in the order of `files`. */
export async function decodeVideos(files: readonly string[], options: DecodeOptions = {}): Promise<DecodedVideo[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const collected: Uint8Array[][] = files.map(() => []);
  let total = 0;
  const { streams } = await streamVideoFrames(files, options, {
    onFrame(stream, _index, frame) {
      total += frame.byteLength;
      if (total > maxBytes) {
        throw inputError('DECODE_TOO_LARGE', `decoding ${files.join(' and ')} needs more than ${maxBytes} bytes of memory; decode fewer frames (maxFrames) or a smaller size`);
      }
      (collected[stream.index] as Uint8Array[]).push(frame);
    },
  });
  return streams.map((s) => {
    const parts = collected[s.index] ?? [];
    const frameBytes = s.width * s.height * s.channels;
    const frames = new Uint8Array(parts.length * frameBytes);
    parts.forEach((p, i) => frames.set(p, i * frameBytes));
    return { file: s.file, frames, frameCount: parts.length, width: s.width, height: s.height, fps: s.fps, pixelFormat: s.pixelFormat, channels: s.channels };
  });
}

/** Decodes one video to raw frames: {frames, frameCount, width, height, fps}. */
export async function decodeFrames(video: string, options: DecodeOptions = {}): Promise<DecodedVideo> {
  const [decoded] = await decodeVideos([video], options);
  if (decoded === undefined) throw workError('DECODE_FAILED', `nothing was decoded from ${video}`);
  return decoded;
}

/** Views (no copies) of each frame of a decoded video. */
export function splitFrames(video: Pick<DecodedVideo, 'frames' | 'frameCount' | 'width' | 'height' | 'channels'>): Uint8Array[] {
  const bytes = video.width * video.height * video.channels;
  return Array.from({ length: video.frameCount }, (_, i) => video.frames.subarray(i * bytes, (i + 1) * bytes));
}
