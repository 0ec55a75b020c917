import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { computeQa, formatQaReport, qaReportToJson } from '../../../../engine/qa/report';
import type { LumaVideo } from '../../../../engine/qa/report';

const W = 32;
const H = 24;

function video(frames: number, offset = 0, file = 'v.mp4'): LumaVideo {
  const data = new Uint8Array(W * H * frames);
  for (let f = 0; f < frames; f++) for (let i = 0; i < W * H; i++) data[f * W * H + i] = 30 + ((i % W) * 4 + f * 2 + offset * ((i * 7) % 3)) % 200;
  return { frames: data, frameCount: frames, width: W, height: H, fps: 8, file };
}

function expectInputError(fn: () => unknown, code: string): AiprodError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AiprodError);
    expect((error as AiprodError).code).toBe(code);
    expect((error as AiprodError).kind).toBe('input');
    return error as AiprodError;
  }
  throw new Error(`expected ${code}`);
}

describe('computeQa', () => {
  it('identical videos: psnr Infinity ("inf" in JSON), ssim 1, every frame scored', () => {
    const report = computeQa(video(4), video(4, 0, 'ref.mp4'));
    expect(report).toMatchObject({ frames: 4, width: W, height: H, psnr: Infinity, ssim: 1, ssimFfmpeg: 1, video: 'v.mp4', reference: 'ref.mp4' });
    expect(report.perFrame).toHaveLength(4);
    expect(report.perFrame.every((f) => f.psnr === Infinity && f.ssim === 1)).toBe(true);
    const json = JSON.parse(qaReportToJson(report)) as Record<string, unknown>;
    expect(json.psnr).toBe('inf');
    expect(json).toHaveProperty('frames', 4);
    expect(json).toHaveProperty('ssim', 1);
    expect(json).toHaveProperty('temporal.meanFrameSsim');
    expect(json).toHaveProperty('temporal.flicker');
  });

  it('a degraded copy scores finite PSNR and SSIM below 1, per frame and overall', () => {
    const report = computeQa(video(3, 9), video(3, 0));
    expect(Number.isFinite(report.psnr)).toBe(true);
    expect(report.ssim).toBeLessThan(1);
    expect(report.ssimFfmpeg).toBeLessThan(1);
    const mean = report.perFrame.reduce((s, f) => s + (f.ssim ?? 0), 0) / 3;
    expect(report.ssim).toBeCloseTo(mean, 12);
  });

  it('without a reference: temporal metrics only, psnr/ssim null (also in JSON)', () => {
    const report = computeQa(video(5), null);
    expect(report).toMatchObject({ psnr: null, ssim: null, ssimFfmpeg: null, reference: null, frames: 5 });
    expect(report.temporal.meanFrameSsim).toBeGreaterThan(0);
    expect(report.temporal.flicker).toBeGreaterThan(0);
    expect(report.perFrame[0]?.ssimToPrevious).toBeNull();
    expect(report.perFrame[1]?.ssimToPrevious).toBeGreaterThan(0);
    expect((JSON.parse(qaReportToJson(report)) as { psnr: unknown }).psnr).toBeNull();
    expect(formatQaReport(report)).toMatch(/no-reference/);
  });

  it('refuses different sizes, naming both', () => {
    const other: LumaVideo = { ...video(2, 0, 'small.mp4'), width: 16, height: 48 };
    const error = expectInputError(() => computeQa(video(2), other), 'QA_SIZE_MISMATCH');
    expect(error.message).toMatch(/32x24.*16x48/);
    expect(error.message).toContain('small.mp4');
  });

  it('refuses different frame counts unless trimming is asked for, and then says so', () => {
    const error = expectInputError(() => computeQa(video(5), video(3, 0, 'ref.mp4')), 'QA_FRAME_COUNT_MISMATCH');
    expect(error.message).toMatch(/5 frames.*3/);
    const trimmed = computeQa(video(5), video(3, 0, 'ref.mp4'), { framePolicy: 'trim' });
    expect(trimmed.frames).toBe(3);
    expect(trimmed.perFrame).toHaveLength(3);
    expect(trimmed.policy?.frames).toMatch(/first 3 frames.*5.*3/);
    expect(trimmed.psnr).toBe(Infinity);
  });

  it('refuses an empty video', () => {
    expectInputError(() => computeQa({ ...video(1), frameCount: 0, frames: new Uint8Array(0) }, null), 'QA_NO_FRAMES');
  });
});
