// RGB24 -> 8-bit luma with the BT.601 matrix in limited (tv) range, the conversion swscale applies
// when our encoder turns RGB frames into yuv420p. Lets QA score frames still in memory (before
// encoding) on the same scale as decoded video.
import { inputError } from '../errors';

/** Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255, rounded, per pixel of each frame. */
export function rgbToLuma(rgb: Uint8Array): Uint8Array {
  if (rgb.length % 3 !== 0) throw inputError('QA_FRAME_SIZE', `RGB24 data must be a multiple of 3 bytes, got ${rgb.length}`);
  const out = new Uint8Array(rgb.length / 3);
  for (let i = 0, j = 0; j < out.length; i += 3, j++) {
    out[j] = Math.round(16 + (65.481 * rgb[i]! + 128.553 * rgb[i + 1]! + 24.966 * rgb[i + 2]!) / 255);
  }
  return out;
}
