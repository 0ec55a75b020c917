import { describe, expect, it } from 'vitest';
import { meanSquaredError, overallPsnr, psnrFromMse } from '../../../../engine/qa/psnr';

describe('PSNR', () => {
  it('follows 10*log10(255^2/MSE) for a known error', () => {
    const a = new Uint8Array(100).fill(100);
    const b = new Uint8Array(100).fill(103);
    expect(meanSquaredError(a, b)).toBe(9);
    expect(psnrFromMse(9)).toBeCloseTo(10 * Math.log10(65025 / 9), 12);
  });

  it('is Infinity for identical frames', () => {
    const a = Uint8Array.from({ length: 64 }, (_, i) => i * 3);
    expect(meanSquaredError(a, a.slice())).toBe(0);
    expect(psnrFromMse(0)).toBe(Infinity);
    expect(overallPsnr([0, 0])).toBe(Infinity);
  });

  it('averages MSE over frames before taking the log, as ffmpeg does', () => {
    const overall = overallPsnr([1, 100]);
    expect(overall).toBeCloseTo(10 * Math.log10(65025 / 50.5), 12);
    // Not the mean of the per-frame dB values, which would be higher.
    expect(overall).toBeLessThan((psnrFromMse(1) + psnrFromMse(100)) / 2);
    // One perfect frame does not make the whole video infinite.
    expect(Number.isFinite(overallPsnr([0, 4]))).toBe(true);
  });

  it('refuses frames of different sizes and empty input', () => {
    expect(() => meanSquaredError(new Uint8Array(4), new Uint8Array(5))).toThrow(/4 and 5/);
    expect(() => overallPsnr([])).toThrow(/at least one frame/);
  });
});
