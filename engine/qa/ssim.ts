// SSIM of two 8-bit luma frames, two ways.
//
// gaussianSsim: Wang, Bovik, Sheikh, Simoncelli 2004 ("Image quality assessment: from error
// visibility to structural similarity"), as in their reference ssim_index.m: an 11x11 circular-
// symmetric Gaussian window (sigma 1.5, normalised), K1 = 0.01, K2 = 0.03, L = 255, evaluated at
// every position where the window fits ('valid'), mean of the map. The Gaussian is separable, so
// each statistic is two 11-tap passes; the five statistics share one pass over the pixels. (The
// later ssim.m adds an automatic downsampling for images above 256 px; the 2004 paper does not,
// and neither do we.)
//
// blockSsim: ffmpeg's `ssim` filter (from x264): unweighted 8x8 windows placed every 4 pixels,
// sums over 4x4 blocks, an unbiased variance (C2 scaled by 64*63), and x264's luminance constant,
// which is effectively C1/64 (its integer C1 is scaled by 64 where sums of 64 pixels need 64*64).
// Implemented operation for operation, in float32 like the C code: it agrees with
// `ffmpeg -lavfi ssim` to the 6 decimals ffmpeg prints (tests/integration/qa-metrics.test.ts).
//
// The two differ systematically on compressed video: the Gaussian value is higher, by 0.0000-0.0003
// at CRF 18, about 0.001-0.006 at CRF 28-36 and 0.003-0.013 at CRF 44 (measured on synthetic
// smooth, textured and dark 128x96 clips against a lossless reference). The main reason is where the
// windows sit: ffmpeg's are on a 4-pixel grid aligned with H.264's 4x4/8x8 transform blocks, so
// every window straddles block edges, where compression error concentrates (blocking, ringing).
// Checked on the CRF 44 textured clip: ffmpeg 0.5774; the same 8x8 windows shifted 2 px off the
// grid 0.5948; 8x8 windows at every pixel 0.5889; Gaussian 0.5906. The constants (C1/64, the
// unbiased variance) account for about 0.003 of the rest.
import { inputError } from '../errors';

const K1 = 0.01;
const K2 = 0.03;
const L = 255;
const C1 = (K1 * L) ** 2;
const C2 = (K2 * L) ** 2;
const RADIUS = 5;
const TAPS = 2 * RADIUS + 1;
const SIGMA = 1.5;

/** The normalised 1-D Gaussian; its outer product is the paper's 11x11 window. */
export const GAUSSIAN_11: Float64Array = (() => {
  const g = new Float64Array(TAPS);
  let sum = 0;
  for (let i = 0; i < TAPS; i++) {
    const d = i - RADIUS;
    g[i] = Math.exp(-(d * d) / (2 * SIGMA * SIGMA));
    sum += g[i]!;
  }
  for (let i = 0; i < TAPS; i++) g[i]! /= sum;
  return g;
})();

function checkPair(a: Uint8Array, b: Uint8Array, width: number, height: number): void {
  const n = width * height;
  if (a.length !== n || b.length !== n) throw inputError('QA_FRAME_SIZE', `SSIM needs two ${width}x${height} luma frames (${n} bytes), got ${a.length} and ${b.length}`);
}

/** Gaussian-window SSIM with buffers reused across frames of one size. */
export class GaussianSsim {
  private readonly ow: number;
  private readonly oh: number;
  // Horizontal pass results, one per statistic: mean a, mean b, mean a², mean b², mean ab.
  private readonly hA: Float64Array;
  private readonly hB: Float64Array;
  private readonly hAA: Float64Array;
  private readonly hBB: Float64Array;
  private readonly hAB: Float64Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (width < TAPS || height < TAPS) throw inputError('QA_TOO_SMALL', `Gaussian SSIM needs frames of at least ${TAPS}x${TAPS} pixels, got ${width}x${height}`);
    this.ow = width - 2 * RADIUS;
    this.oh = height - 2 * RADIUS;
    const h = this.ow * height;
    [this.hA, this.hB, this.hAA, this.hBB, this.hAB] = [0, 0, 0, 0, 0].map(() => new Float64Array(h)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  }

  /** Mean SSIM of the map over all valid window positions. */
  compare(a: Uint8Array, b: Uint8Array): number {
    const { width, height, ow, oh, hA, hB, hAA, hBB, hAB } = this;
    checkPair(a, b, width, height);
    const g = GAUSSIAN_11;

    for (let y = 0; y < height; y++) {
      const row = y * width;
      const orow = y * ow;
      for (let x = 0; x < ow; x++) {
        let sa = 0;
        let sb = 0;
        let saa = 0;
        let sbb = 0;
        let sab = 0;
        const base = row + x;
        for (let k = 0; k < TAPS; k++) {
          const w = g[k]!;
          const av = a[base + k]!;
          const bv = b[base + k]!;
          const wa = w * av;
          const wb = w * bv;
          sa += wa;
          sb += wb;
          saa += wa * av;
          sbb += wb * bv;
          sab += wa * bv;
        }
        const o = orow + x;
        hA[o] = sa;
        hB[o] = sb;
        hAA[o] = saa;
        hBB[o] = sbb;
        hAB[o] = sab;
      }
    }

    // Vertical pass straight into the SSIM formula: five accumulators per output pixel stay in registers.
    let total = 0;
    for (let y = 0; y < oh; y++) {
      const top = y * ow;
      for (let x = 0; x < ow; x++) {
        let m1 = 0;
        let m2 = 0;
        let e11 = 0;
        let e22 = 0;
        let e12 = 0;
        for (let k = 0, o = top + x; k < TAPS; k++, o += ow) {
          const w = g[k]!;
          m1 += w * hA[o]!;
          m2 += w * hB[o]!;
          e11 += w * hAA[o]!;
          e22 += w * hBB[o]!;
          e12 += w * hAB[o]!;
        }
        const m11 = m1 * m1;
        const m22 = m2 * m2;
        const m12 = m1 * m2;
        total += ((2 * m12 + C1) * (2 * (e12 - m12) + C2)) / ((m11 + m22 + C1) * (e11 - m11 + e22 - m22 + C2));
      }
    }
    return total / (ow * oh);
  }
}

/** One-off Gaussian SSIM of two luma frames. */
export function gaussianSsim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  return new GaussianSsim(width, height).compare(a, b);
}

const f32 = Math.fround;
// The integer constants of ffmpeg's ssim_end1 for 8-bit input: C1 and C2 scaled by 64 and 64*63.
const FF_C1 = Math.trunc(0.01 * 0.01 * 255 * 255 * 64 + 0.5);
const FF_C2 = Math.trunc(0.03 * 0.03 * 255 * 255 * 64 * 63 + 0.5);

/** ffmpeg's `ssim` filter on one plane (vf_ssim.c ssim_plane / ssim_4x4xn / ssim_end1, 8-bit). */
export class BlockSsim {
  private readonly bw: number;
  private readonly bh: number;
  private readonly s1: Int32Array;
  private readonly s2: Int32Array;
  private readonly ss: Int32Array;
  private readonly s12: Int32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.bw = width >> 2;
    this.bh = height >> 2;
    if (this.bw < 2 || this.bh < 2) throw inputError('QA_TOO_SMALL', `block SSIM needs frames of at least 8x8 pixels, got ${width}x${height}`);
    const n = this.bw * this.bh;
    this.s1 = new Int32Array(n);
    this.s2 = new Int32Array(n);
    this.ss = new Int32Array(n);
    this.s12 = new Int32Array(n);
  }

  compare(a: Uint8Array, b: Uint8Array): number {
    const { width, height, bw, bh, s1, s2, ss, s12 } = this;
    checkPair(a, b, width, height);
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) {
        let t1 = 0;
        let t2 = 0;
        let tss = 0;
        let t12 = 0;
        for (let y = 0; y < 4; y++) {
          const row = (by * 4 + y) * width + bx * 4;
          for (let x = 0; x < 4; x++) {
            const av = a[row + x]!;
            const bv = b[row + x]!;
            t1 += av;
            t2 += bv;
            tss += av * av + bv * bv;
            t12 += av * bv;
          }
        }
        const i = by * bw + bx;
        s1[i] = t1;
        s2[i] = t2;
        ss[i] = tss;
        s12[i] = t12;
      }
    }
    let total = 0;
    for (let by = 1; by < bh; by++) {
      let line = 0; // float accumulation per line, as ssim_endn does
      for (let bx = 0; bx < bw - 1; bx++) {
        const p = (by - 1) * bw + bx;
        const q = by * bw + bx;
        const fs1 = s1[p]! + s1[p + 1]! + s1[q]! + s1[q + 1]!;
        const fs2 = s2[p]! + s2[p + 1]! + s2[q]! + s2[q + 1]!;
        const fss = ss[p]! + ss[p + 1]! + ss[q]! + ss[q + 1]!;
        const fs12 = s12[p]! + s12[p + 1]! + s12[q]! + s12[q + 1]!;
        const vars = fss * 64 - fs1 * fs1 - fs2 * fs2;
        const covar = fs12 * 64 - fs1 * fs2;
        const num = f32(f32(2 * fs1 * fs2 + FF_C1) * f32(2 * covar + FF_C2));
        const den = f32(f32(fs1 * fs1 + fs2 * fs2 + FF_C1) * f32(vars + FF_C2));
        line = f32(line + f32(num / den));
      }
      total += line;
    }
    return total / ((bh - 1) * (bw - 1));
  }
}

/** One-off ffmpeg-style SSIM of two luma frames. */
export function blockSsim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  return new BlockSsim(width, height).compare(a, b);
}
