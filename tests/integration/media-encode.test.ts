// encodeVideo / probeVideo / decodeFrames / thumbnails with the real ffmpeg and sharp.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../engine/errors';
import { decodeFrames, encodeVideo, probeMedia, probeVideo, splitFrames, thumbnail, contactSheet } from '../../engine/media';
import { movingSquare, psnrBytes, tempDir, writeSineWav } from './media-fixtures';

const W = 64;
const H = 64;
const N = 16;
const FPS = 8;

let dir: string;
let cleanup: () => void;
let square: string;
const source = movingSquare(W, H, N);

async function rejection(promise: Promise<unknown>): Promise<AiprodError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AiprodError);
  return error as AiprodError;
}

/** Only the files a user would see plus any leftover temporary ones. */
const filesIn = (d: string): string[] => readdirSync(d).sort();

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('encode'));
  square = (await encodeVideo(source, path.join(dir, 'square.mp4'), { width: W, height: H, fps: FPS, quality: 'high' })).output;
});
afterAll(() => cleanup());

describe('encodeVideo', () => {
  it('writes H.264 yuv420p with the given size, frame count and rate (ffprobe and ffmpeg-only probes agree)', async () => {
    const viaFfprobe = await probeVideo(square);
    const viaFfmpeg = await probeVideo(square, { useFfprobe: false });
    for (const info of [viaFfprobe, viaFfmpeg]) {
      expect(info.video).toMatchObject({ codec: 'h264', pixelFormat: 'yuv420p', width: W, height: H, frameCount: N, fps: FPS });
      expect(info.duration).toBeCloseTo(N / FPS, 2);
      expect(info.audio).toBeNull();
    }
    expect(viaFfprobe.probedWith).toBe('ffprobe');
    expect(viaFfmpeg.probedWith).toBe('ffmpeg');
    // +faststart: the index (moov) comes before the media data (mdat).
    const bytes = readFileSync(square).toString('latin1');
    expect(bytes.indexOf('moov')).toBeGreaterThan(0);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
  });

  it('round-trips through decodeFrames within 35 dB PSNR at high quality', async () => {
    const decoded = await decodeFrames(square);
    expect(decoded).toMatchObject({ frameCount: N, width: W, height: H, fps: FPS, channels: 3 });
    expect(decoded.frames.length).toBe(source.length);
    expect(psnrBytes(source, decoded.frames)).toBeGreaterThan(35);
    // A different clip decodes far from this one: the PSNR bar is not met by any video.
    expect(psnrBytes(movingSquare(W, H, N, 5), decoded.frames)).toBeLessThan(25);
  });

  it('decodes with maxFrames and a new size', async () => {
    const decoded = await decodeFrames(square, { maxFrames: 5, size: { width: 32, height: 24 } });
    expect(decoded).toMatchObject({ frameCount: 5, width: 32, height: 24 });
    expect(decoded.frames.length).toBe(5 * 32 * 24 * 3);
  });

  it('accepts frames from an async iterable and pads odd sizes to even', async () => {
    const w = 63;
    const h = 47;
    const frames = movingSquare(w, h, 6);
    async function* produce(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setImmediate(r));
        yield frames.subarray(i * w * h * 3, (i + 1) * w * h * 3);
      }
    }
    const result = await encodeVideo(produce(), path.join(dir, 'odd.mp4'), { width: w, height: h, fps: 12, quality: 'draft' });
    expect(result).toMatchObject({ frames: 6, width: 64, height: 48, crf: 26 });
    const info = await probeVideo(result.output);
    expect(info.video).toMatchObject({ width: 64, height: 48, frameCount: 6, fps: 12 });
  });

  it('streams large frames through the pipe (many drain cycles)', async () => {
    const w = 640;
    const h = 360;
    const count = 24;
    let produced = 0;
    function* produce(): Generator<Uint8Array> {
      const frame = new Uint8Array(w * h * 3);
      for (let i = 0; i < count; i++) {
        frame.fill(i * 10);
        produced++;
        yield frame.slice();
      }
    }
    const result = await encodeVideo(produce(), path.join(dir, 'large.mp4'), { width: w, height: h, fps: 24, quality: 'draft' });
    expect(produced).toBe(count);
    expect((await probeVideo(result.output)).video.frameCount).toBe(count);
  });

  it.each([
    ['longer', 3.5],
    ['shorter', 0.8],
  ])('muxes a %s WAV as AAC fitted to the video length', async (name, seconds) => {
    const wav = path.join(dir, `tone-${name}.wav`);
    writeSineWav(wav, seconds);
    const result = await encodeVideo(source, path.join(dir, `with-audio-${name}.mp4`), { width: W, height: H, fps: FPS, audio: wav });
    expect(result.audio).toBe(true);
    const info = await probeMedia(result.output);
    expect(info.audio).toMatchObject({ codec: 'aac', channels: 1, sampleRate: 44_100 });
    // The video lasts N/FPS = 2 s; AAC frames are 1024 samples (23 ms), so allow two of them.
    expect(Math.abs((info.audio?.duration ?? 0) - N / FPS)).toBeLessThan(0.05);
    expect(info.video?.frameCount).toBe(N);
  });

  it('refuses an existing output unless overwrite is set, leaving it untouched', async () => {
    const target = path.join(dir, 'exists.mp4');
    writeFileSync(target, 'precious');
    const error = await rejection(encodeVideo(source, target, { width: W, height: H, fps: FPS }));
    expect(error.code).toBe('OUTPUT_EXISTS');
    expect(error.kind).toBe('input');
    expect(error.message).toContain(target);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    const replaced = await encodeVideo(source, target, { width: W, height: H, fps: FPS, overwrite: true });
    expect((await probeVideo(replaced.output)).video.frameCount).toBe(N);
  });

  it('refuses a missing folder and an unwritable one, naming them', async () => {
    const missing = path.join(dir, 'no-such-folder', 'x.mp4');
    const e1 = await rejection(encodeVideo(source, missing, { width: W, height: H, fps: FPS }));
    expect(e1.code).toBe('OUTPUT_DIR_MISSING');
    expect(e1.message).toContain(path.dirname(missing));
    // /sys refuses new files even to root.
    const e2 = await rejection(encodeVideo(source, '/sys/aiprod-test.mp4', { width: W, height: H, fps: FPS }));
    expect(e2.code).toBe('OUTPUT_NOT_WRITABLE');
    expect(e2.message).toContain('/sys');
  });

  it('removes the partial file when a frame of the wrong size arrives mid-stream', async () => {
    const sub = tempDir('badframe');
    try {
      async function* produce(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 4; i++) yield source.subarray(i * W * H * 3, (i + 1) * W * H * 3);
        yield new Uint8Array(100);
      }
      const error = await rejection(encodeVideo(produce(), path.join(sub.dir, 'bad.mp4'), { width: W, height: H, fps: FPS }));
      expect(error.code).toBe('FRAME_SIZE_MISMATCH');
      expect(error.message).toContain('frame 4');
      expect(filesIn(sub.dir)).toEqual([]);
    } finally {
      sub.cleanup();
    }
  });

  it('kills ffmpeg and removes the partial file when aborted mid-stream', async () => {
    const sub = tempDir('abort');
    try {
      const controller = new AbortController();
      async function* produce(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 1000; i++) {
          if (i === 8) controller.abort();
          await new Promise((r) => setImmediate(r));
          yield source.subarray((i % N) * W * H * 3, ((i % N) + 1) * W * H * 3);
        }
      }
      const error = await rejection(encodeVideo(produce(), path.join(sub.dir, 'aborted.mp4'), { width: W, height: H, fps: FPS, signal: controller.signal }));
      expect(error.code).toBe('ABORTED');
      expect(filesIn(sub.dir)).toEqual([]);
    } finally {
      sub.cleanup();
    }
  });

  it('rejects an empty frame source, a bad buffer length and bad options before starting', async () => {
    expect((await rejection(encodeVideo(new Uint8Array(0), path.join(dir, 'empty.mp4'), { width: W, height: H, fps: FPS }))).code).toBe('NO_FRAMES');
    expect((await rejection(encodeVideo(new Uint8Array(W * H * 3 + 1), path.join(dir, 'odd-bytes.mp4'), { width: W, height: H, fps: FPS }))).code).toBe('FRAME_SIZE_MISMATCH');
    expect((await rejection(encodeVideo(source, path.join(dir, 'q.mp4'), { width: W, height: H, fps: FPS, quality: 60 }))).code).toBe('QUALITY_INVALID');
    expect((await rejection(encodeVideo(source, path.join(dir, 'f.mp4'), { width: W, height: H, fps: 0 }))).code).toBe('FPS_INVALID');
    const noAudio = await rejection(encodeVideo(source, path.join(dir, 'a.mp4'), { width: W, height: H, fps: FPS, audio: path.join(dir, 'missing.wav') }));
    expect(noAudio.code).toBe('FILE_NOT_FOUND');
    expect(noAudio.message).toContain('missing.wav');
    expect(filesIn(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(filesIn(dir)).not.toContain('empty.mp4');
  });
});

describe('probe and decode errors', () => {
  it('names a file that is not media, and one that does not exist', async () => {
    const text = path.join(dir, 'not-a-video.mp4');
    writeFileSync(text, 'this is text, not video\n'.repeat(50));
    for (const useFfprobe of [true, false]) {
      const error = await rejection(probeVideo(text, { useFfprobe }));
      expect(error.code).toBe('MEDIA_UNREADABLE');
      expect(error.message).toContain(text);
    }
    const decodeError = await rejection(decodeFrames(text));
    expect(decodeError.code).toBe('MEDIA_UNREADABLE');
    expect(decodeError.message).toContain(text);
    const missing = await rejection(probeVideo(path.join(dir, 'nope.mp4')));
    expect(missing.code).toBe('FILE_NOT_FOUND');
  });

  it('refuses a video-less file as a video', async () => {
    const wav = path.join(dir, 'only-audio.wav');
    writeSineWav(wav, 0.5);
    const info = await probeMedia(wav);
    expect(info.video).toBeNull();
    expect(info.audio).toMatchObject({ codec: 'pcm_s16le', channels: 1, sampleRate: 44_100 });
    expect((await rejection(probeVideo(wav))).code).toBe('NOT_A_VIDEO');
    expect((await rejection(decodeFrames(wav))).code).toBe('NOT_A_VIDEO');
  });
});

describe('thumbnails', () => {
  it.each(['png', 'jpeg', 'webp'] as const)('a %s thumbnail of a decoded frame decodes back at the asked size', async (format) => {
    const decoded = await decodeFrames(square, { maxFrames: 1 });
    const [frame] = splitFrames(decoded);
    const image = await thumbnail(frame as Uint8Array, W, H, { width: 32, format });
    const meta = await sharp(image).metadata();
    expect(meta).toMatchObject({ format, width: 32, height: 32 });
  });

  it('a contact sheet lays frames out in the asked grid', async () => {
    const decoded = await decodeFrames(square);
    const sheet = await contactSheet(splitFrames(decoded), W, H, { columns: 4, tileWidth: 32, gap: 2 });
    const meta = await sharp(sheet).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 4 * 32 + 5 * 2, height: 4 * 32 + 5 * 2 });
  });
});
