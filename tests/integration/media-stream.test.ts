// streamVideoFrames: several videos through one ffmpeg process, frame by frame, with the real ffmpeg.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames, encodeVideo, streamVideoFrames } from '../../engine/media';
import type { StreamInfo } from '../../engine/media';
import { movingSquare, tempDir } from './media-fixtures';

let dir: string;
let cleanup: () => void;
let first: string; // 64x48, 10 frames
let second: string; // 32x32, 6 frames

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('stream'));
  first = (await encodeVideo(movingSquare(64, 48, 10), path.join(dir, 'first.mp4'), { width: 64, height: 48, fps: 10 })).output;
  second = (await encodeVideo(movingSquare(32, 32, 6, 4), path.join(dir, 'second.mp4'), { width: 32, height: 32, fps: 6 })).output;
});
afterAll(() => cleanup());

describe('streamVideoFrames', () => {
  it('delivers every frame of each video in order, identical to decodeFrames, after onStart', async () => {
    const seen: { stream: number; index: number; frame: Uint8Array }[] = [];
    let started: readonly StreamInfo[] = [];
    const result = await streamVideoFrames([first, second], {}, {
      onStart(streams) {
        expect(seen).toHaveLength(0);
        started = streams;
      },
      onFrame(stream, index, frame) {
        seen.push({ stream: stream.index, index, frame });
      },
    });
    expect(started.map((s) => [s.width, s.height, s.fps])).toEqual([
      [64, 48, 10],
      [32, 32, 6],
    ]);
    expect(result.frameCounts).toEqual([10, 6]);
    for (const k of [0, 1]) {
      const mine = seen.filter((s) => s.stream === k);
      expect(mine.map((s) => s.index)).toEqual([...Array(k === 0 ? 10 : 6).keys()]);
      const whole = await decodeFrames(k === 0 ? first : second);
      const joined = Buffer.concat(mine.map((s) => s.frame));
      expect(joined.equals(Buffer.from(whole.frames))).toBe(true);
    }
  });

  it('stops ffmpeg and rejects with the handler error when a handler throws', async () => {
    let calls = 0;
    const stop = new Error('enough');
    await expect(
      streamVideoFrames([first], { pixelFormat: 'luma' }, {
        onFrame() {
          calls++;
          if (calls === 3) throw stop;
        },
      }),
    ).rejects.toBe(stop);
    expect(calls).toBe(3);
  });

  it('honours maxFrames and an abort', async () => {
    const counts = await streamVideoFrames([first, second], { maxFrames: 4 }, { onFrame: () => undefined });
    expect(counts.frameCounts).toEqual([4, 4]);
    const controller = new AbortController();
    controller.abort();
    await expect(streamVideoFrames([first], { signal: controller.signal }, { onFrame: () => undefined })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
