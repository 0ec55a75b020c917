// A project's timeline exported with the real ffmpeg: trims applied frame-exactly, audio clips at
// their places and the mix fitted to the timeline, progress reported, unrendered shots named,
// and a cancelled export leaving nothing behind.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../engine/errors';
import { decodeFrames, encodeVideo, ffmpegInfo, probeMedia } from '../../engine/media';
import { exportTimeline } from '../../engine/projects/export';
import { newProjectDocument, type Project, type Shot } from '../../engine/projects';
import { noiseFrames, tempDir, writeSineWav } from './media-fixtures';

const SIZE = 32;
const FPS = 8;

/** Flat grey frames whose level tells their index: frame i is (20 + 12 i) everywhere. */
function levelFrames(count: number): Uint8Array {
  const frame = SIZE * SIZE * 3;
  const out = new Uint8Array(count * frame);
  for (let i = 0; i < count; i++) out.fill(20 + 12 * i, i * frame, (i + 1) * frame);
  return out;
}

function meanOfFrame(frames: Uint8Array, index: number): number {
  const bytes = SIZE * SIZE * 3;
  let sum = 0;
  for (let i = index * bytes; i < (index + 1) * bytes; i++) sum += frames[i] as number;
  return sum / bytes;
}

function shot(id: string, frames: number, trimIn: number, trimOut: number, rendered: boolean): Shot {
  return {
    id,
    name: '',
    prompt: id,
    negativePrompt: '',
    seed: 1,
    seedLocked: true,
    tier: 'eco',
    model: 'aiprod-nano',
    durationFrames: frames,
    trimIn,
    trimOut,
    ...(rendered ? { lastRender: { jobId: `job-${id}`, output: `renders/${id}/job-${id}.mp4` } } : {}),
  };
}

/** RMS of the file's audio (mono, 8 kHz) between two times, decoded by ffmpeg outside the engine. */
function audioRms(file: string, ffmpeg: string): (from: number, to: number) => number {
  const run = spawnSync(ffmpeg, ['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', '8000', '-f', 's16le', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`ffmpeg could not decode the audio of ${file}: ${run.stderr.toString()}`);
  const pcm = run.stdout;
  return (from, to) => {
    let sum = 0;
    let n = 0;
    for (let i = Math.floor(from * 8000); i < Math.floor(to * 8000) && i * 2 + 1 < pcm.length; i++) {
      const v = pcm.readInt16LE(i * 2);
      sum += v * v;
      n++;
    }
    return Math.sqrt(sum / Math.max(1, n));
  };
}

let dir: string;
let cleanup: () => void;
let project: Project;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('timeline-export'));
  for (const [id, frames] of [
    ['a', 16],
    ['b', 8],
  ] as const) {
    mkdirSync(path.join(dir, 'renders', id), { recursive: true });
    await encodeVideo(levelFrames(frames), path.join(dir, 'renders', id, `job-${id}.mp4`), { width: SIZE, height: SIZE, fps: FPS, quality: 'high' });
  }
  mkdirSync(path.join(dir, 'audio'));
  writeSineWav(path.join(dir, 'audio', 'beep.wav'), 0.5, 48_000, 1, 440);
  writeSineWav(path.join(dir, 'audio', 'long.wav'), 3, 44_100, 2, 660);
  project = {
    ...newProjectDocument('Harbour: take 2/3', new Date('2026-11-23T10:00:00Z')),
    shots: [shot('a', 16, 4, 2, true), shot('b', 8, 0, 3, true)],
    audio: [
      { id: 'beep', file: 'audio/beep.wav', name: 'beep.wav', startSec: 0.5, durationSec: 0.5 },
      { id: 'long', file: 'audio/long.wav', name: 'long.wav', startSec: 1.4, durationSec: 3, gainDb: -6 },
    ],
  };
});
afterAll(() => cleanup());

describe('exportTimeline', () => {
  it('joins the trimmed renders in order, places the audio, and is exactly as long as the timeline', async () => {
    const fractions: number[] = [];
    const result = await exportTimeline(dir, project, { now: () => new Date('2026-11-23T12:34:56.789Z'), onProgress: (p) => fractions.push(p.fraction) });
    // (16 - 4 - 2) + (8 - 0 - 3) = 15 frames at 8 fps.
    expect(result.frames).toBe(15);
    expect(result.durationSec).toBeCloseTo(15 / FPS, 9);
    expect(path.relative(dir, result.output)).toBe(path.join('exports', 'Harbour_ take 2_3-2026-11-23T12-34-56Z.mp4'));

    const info = await probeMedia(result.output);
    expect(info.video).toMatchObject({ codec: 'h264', pixelFormat: 'yuv420p', width: SIZE, height: SIZE, fps: FPS, frameCount: 15 });
    expect(Math.abs((info.video?.duration ?? 0) - 15 / FPS)).toBeLessThan(1 / FPS);
    expect(info.audio).toMatchObject({ codec: 'aac', channels: 2, sampleRate: 48_000 });
    expect(Math.abs((info.audio?.duration ?? 0) - 15 / FPS)).toBeLessThan(1 / FPS);

    // Frame 0 is shot a's frame 4 (trimIn), frame 9 its frame 13; frame 10 is shot b's frame 0.
    const decoded = await decodeFrames(result.output);
    expect(decoded.frameCount).toBe(15);
    expect(Math.abs(meanOfFrame(decoded.frames, 0) - (20 + 12 * 4))).toBeLessThan(4);
    expect(Math.abs(meanOfFrame(decoded.frames, 9) - (20 + 12 * 13))).toBeLessThan(4);
    expect(Math.abs(meanOfFrame(decoded.frames, 10) - (20))).toBeLessThan(4);
    expect(Math.abs(meanOfFrame(decoded.frames, 14) - (20 + 12 * 4))).toBeLessThan(4);

    // Silence, the beep from 0.5 s to 1.0 s, silence, the long clip from 1.4 s to the end.
    const rms = audioRms(result.output, (await ffmpegInfo()).path);
    expect(rms(0.05, 0.45)).toBeLessThan(50);
    expect(rms(0.6, 0.9)).toBeGreaterThan(3000);
    expect(rms(1.05, 1.35)).toBeLessThan(50);
    expect(rms(1.5, 1.8)).toBeGreaterThan(1500);

    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f >= (fractions[i - 1] as number))).toBe(true);
  });

  it('refuses a timeline with unrendered shots, naming them, and writes nothing', async () => {
    const partial: Project = { ...project, shots: [project.shots[0] as Shot, { ...shot('c', 8, 0, 0, false), name: 'Gulls' }, shot('d', 8, 0, 0, false)] };
    const before = readdirSync(path.join(dir, 'exports'));
    const error = await exportTimeline(dir, partial).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiprodError);
    expect(error).toMatchObject({ code: 'EXPORT_UNRENDERED', kind: 'input' });
    expect((error as Error).message).toBe('2 shots have no render yet: Gulls, Shot 3. Render them before exporting.');
    expect(readdirSync(path.join(dir, 'exports'))).toEqual(before);
  });

  it('refuses a render that is gone from the folder, naming the shot', async () => {
    const gone: Project = { ...project, shots: [{ ...(project.shots[0] as Shot), name: 'Dawn', lastRender: { jobId: 'x', output: 'renders/a/missing.mp4' } }] };
    await expect(exportTimeline(dir, gone, { output: path.join(dir, 'gone.mp4') })).rejects.toMatchObject({ code: 'EXPORT_FILE_MISSING', message: expect.stringContaining('Dawn (renders/a/missing.mp4)') });
    expect(readdirSync(dir)).not.toContain('gone.mp4');
  });

  it('stops when cancelled and leaves no file, not even a partial one', async () => {
    // A long re-encode: one 240-frame clip used ten times.
    mkdirSync(path.join(dir, 'renders', 'long'), { recursive: true });
    await encodeVideo(noiseFrames(128, 128, 240), path.join(dir, 'renders', 'long', 'job-long.mp4'), { width: 128, height: 128, fps: FPS, quality: 'draft' });
    const long = { ...shot('long', 240, 0, 0, true), lastRender: { jobId: 'job-long', output: 'renders/long/job-long.mp4' } };
    const many: Project = { ...project, shots: Array.from({ length: 10 }, (_, i) => ({ ...long, id: `long${i}` })) };
    const out = path.join(dir, 'cancelled');
    mkdirSync(out);
    const controller = new AbortController();
    const error = await exportTimeline(dir, many, { output: path.join(out, 'film.mp4'), signal: controller.signal, onProgress: () => controller.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED' });
    expect(readdirSync(out)).toEqual([]);
  });
});
