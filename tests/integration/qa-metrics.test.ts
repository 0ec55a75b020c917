// engine/qa on real videos, against ffmpeg's own `ssim` and `psnr` filters run on the same files,
// and the `aiprod qa` command through the CLI dispatcher.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/aiprod';
import type { CliIO } from '../../cli/output';
import type { AiprodError } from '../../engine/errors';
import { decodeFrames, encodeVideo, ffmpegQualityMetrics } from '../../engine/media';
import { rgbToLuma } from '../../engine/qa/luma';
import { analyseVideo } from '../../engine/qa/report';
import { movingSquare, noiseFrames, tempDir } from './media-fixtures';

const W = 96;
const H = 64;
const N = 12;

let dir: string;
let cleanup: () => void;
let reference: string;
let degraded: string;
let shorter: string;
let smaller: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('qa'));
  // Fine texture over the moving square: detail that a low-quality encode visibly loses.
  const texture = noiseFrames(W, H, 1, 7);
  const frames = movingSquare(W, H, N, 3).map((v, i) => Math.max(0, Math.min(255, v + (texture[i % texture.length]! % 41) - 20)));
  reference = (await encodeVideo(frames, path.join(dir, 'reference.mp4'), { width: W, height: H, fps: 8, quality: 'high' })).output;
  degraded = (await encodeVideo(frames, path.join(dir, 'degraded.mp4'), { width: W, height: H, fps: 8, quality: 40 })).output;
  shorter = (await encodeVideo(frames.subarray(0, W * H * 3 * 8), path.join(dir, 'shorter.mp4'), { width: W, height: H, fps: 8, quality: 'high' })).output;
  smaller = (await encodeVideo(movingSquare(64, 64, N), path.join(dir, 'smaller.mp4'), { width: 64, height: 64, fps: 8 })).output;
});
afterAll(() => cleanup());

describe('agreement with ffmpeg', () => {
  it("ssimFfmpeg within 0.001 of ffmpeg's ssim filter and psnr within 0.01 dB of its psnr filter (Y), frame by frame", async () => {
    const ours = await analyseVideo(degraded, { reference });
    const ff = await ffmpegQualityMetrics(degraded, reference);
    expect(ours.frames).toBe(N);
    expect(ff.frames).toBe(N);
    // A real degradation, so agreement is not the trivial identical case.
    expect(ours.psnr).toBeLessThan(38);
    expect(ours.ssimFfmpeg).toBeLessThan(0.99);
    expect(Math.abs((ours.psnr ?? 0) - ff.psnrY)).toBeLessThan(0.01);
    expect(Math.abs((ours.ssimFfmpeg ?? 0) - ff.ssimY)).toBeLessThan(0.001);
    ours.perFrame.forEach((frame, i) => {
      // ffmpeg's stats file prints 6 decimals of SSIM and 2 of PSNR.
      expect(Math.abs((frame.ssimFfmpeg ?? 0) - (ff.perFrame[i]?.ssimY ?? NaN))).toBeLessThan(2e-6);
      expect(Math.abs((frame.psnr ?? 0) - (ff.perFrame[i]?.psnrY ?? NaN))).toBeLessThanOrEqual(0.005 + 1e-9);
    });
    // The paper's Gaussian SSIM measures the same degradation on a slightly different scale.
    expect(ours.ssim).toBeLessThan(1);
    expect(Math.abs((ours.ssim ?? 0) - ff.ssimY)).toBeLessThan(0.05);
  });

  it('identical videos: psnr inf and ssim 1 in both', async () => {
    const ours = await analyseVideo(reference, { reference });
    const ff = await ffmpegQualityMetrics(reference, reference);
    expect(ours.psnr).toBe(Infinity);
    expect(ff.psnrY).toBe(Infinity);
    expect(ours.ssim).toBe(1);
    expect(ours.ssimFfmpeg).toBeCloseTo(1, 6);
    expect(ff.ssimY).toBe(1);
  });

  it('decoded luma is the BT.601 limited-range Y of the RGB frames we encoded', async () => {
    const flat = new Uint8Array(W * H * 3 * 2);
    for (let i = 0; i < flat.length; i += 3) flat.set([180, 90, 40], i);
    const file = (await encodeVideo(flat, path.join(dir, 'flat.mp4'), { width: W, height: H, fps: 8, quality: 'high' })).output;
    const luma = await decodeFrames(file, { pixelFormat: 'luma' });
    expect(luma).toMatchObject({ channels: 1, width: W, height: H, frameCount: 2 });
    const expected = rgbToLuma(Uint8Array.from([180, 90, 40]))[0]!;
    expect(Math.abs(luma.frames[W * 10 + 10]! - expected)).toBeLessThanOrEqual(1);
  });
});

describe('analyseVideo inputs', () => {
  it('without a reference: temporal metrics only', async () => {
    const report = await analyseVideo(reference);
    expect(report).toMatchObject({ frames: N, width: W, height: H, fps: 8, psnr: null, ssim: null, reference: null });
    expect(report.temporal.meanFrameSsim).toBeGreaterThan(0.5);
    expect(report.temporal.meanFrameSsim).toBeLessThan(1);
    expect(report.temporal.flicker).toBeGreaterThanOrEqual(0);
  });

  it('different frame counts: refused, or trimmed when asked and said so', async () => {
    await expect(analyseVideo(reference, { reference: shorter })).rejects.toMatchObject({ code: 'QA_FRAME_COUNT_MISMATCH' });
    const trimmed = await analyseVideo(reference, { reference: shorter, framePolicy: 'trim' });
    expect(trimmed.frames).toBe(8);
    expect(trimmed.policy?.frames).toMatch(/first 8 frames/);
  });

  it('different sizes and unreadable files: one error naming the file', async () => {
    const size = await analyseVideo(reference, { reference: smaller }).catch((e: unknown) => e);
    expect(size).toMatchObject({ code: 'QA_SIZE_MISMATCH' });
    expect((size as AiprodError).message).toContain('smaller.mp4');
    const junk = path.join(dir, 'junk.mp4');
    writeFileSync(junk, 'not a video at all\n'.repeat(20));
    const unreadable = await analyseVideo(reference, { reference: junk }).catch((e: unknown) => e);
    expect(unreadable).toMatchObject({ code: 'MEDIA_UNREADABLE', kind: 'input' });
    expect((unreadable as AiprodError).message).toContain(junk);
    await expect(analyseVideo(path.join(dir, 'missing.mp4'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

function captureIO(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: process.env,
    cwd: dir,
    signal: new AbortController().signal,
  };
  return { io, out: () => out, err: () => err };
}

describe('aiprod qa', () => {
  it('--json prints one object with frames, psnr, ssim, temporal', async () => {
    const { io, out, err } = captureIO();
    const status = await main(['qa', 'degraded.mp4', '--reference', 'reference.mp4', '--prompt', 'a square', '--json'], io);
    expect(err()).toBe('');
    expect(status).toBe(0);
    const json = JSON.parse(out()) as Record<string, unknown>;
    expect(json.frames).toBe(N);
    expect(typeof json.psnr).toBe('number');
    expect(json.ssim).toBeGreaterThan(0);
    expect(json.temporal).toMatchObject({ meanFrameSsim: expect.any(Number), flicker: expect.any(Number) });
    expect(json.prompt).toMatchObject({ text: 'a square', scored: false });
  });

  it('identical videos give psnr "inf" in JSON; the text form is readable', async () => {
    const json = captureIO();
    expect(await main(['qa', 'reference.mp4', '--reference', 'reference.mp4', '--json'], json.io)).toBe(0);
    expect((JSON.parse(json.out()) as { psnr: unknown }).psnr).toBe('inf');
    const text = captureIO();
    expect(await main(['qa', 'reference.mp4'], text.io)).toBe(0);
    expect(text.out()).toMatch(/temporal/);
  });

  it('bad input exits 2 with one line naming the file', async () => {
    const { io, out, err } = captureIO();
    expect(await main(['qa', 'nothing-here.mp4', '--json'], io)).toBe(2);
    expect(out()).toBe('');
    expect(err().trim().split('\n')).toHaveLength(1);
    expect(err()).toContain('nothing-here.mp4');
    const usage = captureIO();
    expect(await main(['qa'], usage.io)).toBe(2);
    expect(usage.err()).toMatch(/usage: aiprod qa/);
  });
});
