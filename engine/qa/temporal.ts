// No-reference temporal stability of a video's luma: how similar each frame is to the one before
// (Gaussian SSIM) and how much the overall brightness jumps between frames (flicker).
import { GaussianSsim } from './ssim';

export interface TemporalStats {
  /** Mean SSIM between consecutive frames; null for a single frame. */
  meanFrameSsim: number | null;
  /** The least similar consecutive pair (where a cut or a glitch shows). */
  minFrameSsim: number | null;
  /** Mean absolute change of mean luma between consecutive frames, in 8-bit levels; null for a single frame. */
  flicker: number | null;
  /** Per frame: SSIM to the previous frame (null for the first). */
  frameSsim: (number | null)[];
  meanLuma: number[];
}

export function meanOf(frame: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += frame[i]!;
  return sum / frame.length;
}

/** Flicker index: mean |Δ mean luma| between consecutive frames. */
export function flickerIndex(meanLuma: readonly number[]): number | null {
  if (meanLuma.length < 2) return null;
  let sum = 0;
  for (let i = 1; i < meanLuma.length; i++) sum += Math.abs(meanLuma[i]! - meanLuma[i - 1]!);
  return sum / (meanLuma.length - 1);
}

export function temporalStats(frames: readonly Uint8Array[], width: number, height: number): TemporalStats {
  const meanLuma = frames.map(meanOf);
  const frameSsim: (number | null)[] = [null];
  if (frames.length >= 2) {
    const ssim = new GaussianSsim(width, height);
    for (let i = 1; i < frames.length; i++) frameSsim.push(ssim.compare(frames[i - 1]!, frames[i]!));
  }
  const pairs = frameSsim.filter((v): v is number => v !== null);
  return {
    meanFrameSsim: pairs.length === 0 ? null : pairs.reduce((s, v) => s + v, 0) / pairs.length,
    minFrameSsim: pairs.length === 0 ? null : Math.min(...pairs),
    flicker: flickerIndex(meanLuma),
    frameSsim: frameSsim.slice(0, frames.length),
    meanLuma,
  };
}
