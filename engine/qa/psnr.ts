// PSNR as ffmpeg's `psnr` filter computes it for 8-bit planes: per frame 10*log10(255² / MSE), and
// over a whole video 10*log10(255² / mean of the frames' MSE) (not the mean of the per-frame dB).
// Identical inputs give MSE 0 and PSNR Infinity.
import { inputError } from '../errors';

const PEAK_SQUARED = 255 * 255;

export function meanSquaredError(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) throw inputError('QA_FRAME_SIZE', `MSE needs two frames of the same non-zero size, got ${a.length} and ${b.length} bytes`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return sum / a.length;
}

export function psnrFromMse(mse: number): number {
  return mse === 0 ? Infinity : 10 * Math.log10(PEAK_SQUARED / mse);
}

/** Whole-video PSNR from the per-frame MSEs. */
export function overallPsnr(frameMse: readonly number[]): number {
  if (frameMse.length === 0) throw inputError('QA_NO_FRAMES', 'PSNR needs at least one frame');
  return psnrFromMse(frameMse.reduce((s, m) => s + m, 0) / frameMse.length);
}
