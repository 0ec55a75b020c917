// concatVideos with the real ffmpeg: stream copy for matching clips, re-encode for mixed ones.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../engine/errors';
import { concatVideos, decodeFrames, encodeVideo, probeMedia, probeVideo } from '../../engine/media';
import { movingSquare, tempDir, writeSineWav } from './media-fixtures';

let dir: string;
let cleanup: () => void;
let clipA: string; // 64x64, 8 fps, 16 frames, no audio
let clipB: string; // 64x64, 8 fps, 8 frames, no audio; a quote and a space in its name (concat list escaping)
let clipWide: string; // 96x48, 12 fps, 12 frames, with audio
let tone: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('concat'));
  clipA = (await encodeVideo(movingSquare(64, 64, 16), path.join(dir, 'a.mp4'), { width: 64, height: 64, fps: 8 })).output;
  clipB = (await encodeVideo(movingSquare(64, 64, 8, 5), path.join(dir, "b it's.mp4"), { width: 64, height: 64, fps: 8 })).output;
  tone = path.join(dir, 'tone.wav');
  writeSineWav(tone, 5, 48_000, 2);
  clipWide = (await encodeVideo(movingSquare(96, 48, 12), path.join(dir, 'wide.mp4'), { width: 96, height: 48, fps: 12, audio: tone })).output;
});
afterAll(() => cleanup());

describe('concatVideos', () => {
  it('joins matching clips by stream copy, frames in order', async () => {
    const result = await concatVideos([clipA, clipB], path.join(dir, 'copy.mp4'));
    expect(result).toMatchObject({ method: 'copy', width: 64, height: 64, fps: 8 });
    expect(result.duration).toBeCloseTo(3, 3);
    const info = await probeVideo(result.output);
    expect(info.video).toMatchObject({ codec: 'h264', frameCount: 24, width: 64, height: 64 });
    // The 17th frame of the join is the first frame of clip B.
    const joined = await decodeFrames(result.output);
    const b = await decodeFrames(clipB, { maxFrames: 1 });
    const size = 64 * 64 * 3;
    expect(Buffer.from(joined.frames.subarray(16 * size, 17 * size)).equals(Buffer.from(b.frames))).toBe(true);
  });

  it('re-encodes mixed clips to one size and rate, keeping each clip in sync with silence where a clip has no audio', async () => {
    const result = await concatVideos([clipA, clipWide], path.join(dir, 'mixed.mp4'), { fps: 8 });
    expect(result).toMatchObject({ method: 'reencode', width: 64, height: 64, fps: 8 });
    expect(result.duration).toBeCloseTo(2 + 1, 3);
    const info = await probeMedia(result.output);
    expect(info.video).toMatchObject({ codec: 'h264', pixelFormat: 'yuv420p', width: 64, height: 64, fps: 8, frameCount: 24 });
    expect(info.audio).toMatchObject({ codec: 'aac', channels: 2, sampleRate: 48_000 });
    expect(Math.abs((info.audio?.duration ?? 0) - 3)).toBeLessThan(0.06);
  });

  it('replaces the audio with a given track fitted to the total length', async () => {
    for (const mode of ['auto', 'reencode'] as const) {
      const result = await concatVideos([clipA, clipB], path.join(dir, `music-${mode}.mp4`), { audio: tone, mode });
      expect(result.method).toBe(mode === 'auto' ? 'copy' : 'reencode');
      const info = await probeMedia(result.output);
      expect(info.video?.frameCount).toBe(24);
      expect(info.audio?.codec).toBe('aac');
      expect(Math.abs((info.audio?.duration ?? 0) - 3)).toBeLessThan(0.06);
    }
  });

  it('refuses no clips, a missing clip, and an existing output; leaves no temporary files', async () => {
    await expect(concatVideos([], path.join(dir, 'none.mp4'))).rejects.toMatchObject({ code: 'NO_INPUTS' });
    const missing = await concatVideos([clipA, path.join(dir, 'ghost.mp4')], path.join(dir, 'ghost-out.mp4')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AiprodError);
    expect((missing as AiprodError).message).toContain('ghost.mp4');
    await expect(concatVideos([clipA], clipB)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
