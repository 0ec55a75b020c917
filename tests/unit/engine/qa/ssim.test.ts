// The fast SSIM implementations against direct, slow transcriptions of their definitions.
import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { BlockSsim, GAUSSIAN_11, GaussianSsim, blockSsim, gaussianSsim } from '../../../../engine/qa/ssim';

function randomFrame(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A smooth image plus a degraded copy (noise and a shift in brightness), like a lossy encode. */
function pair(width: number, height: number, seed: number, dark = false): [Uint8Array, Uint8Array] {
  const noise = randomFrame(width, height, seed);
  const a = new Uint8Array(width * height);
  const b = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      a[i] = dark ? Math.round(3 + 3 * Math.sin(x / 5 + seed)) : Math.round(128 + 60 * Math.sin(x / 5 + seed) * Math.cos(y / 7));
      b[i] = Math.max(0, Math.min(255, a[i]! + (dark ? (noise[i]! % 3) : (noise[i]! % 21) - 10 + 3)));
    }
  }
  return [a, b];
}

/** Wang et al. 2004 by the letter: a 2-D 11x11 Gaussian window at every valid position. */
function naiveGaussianSsim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const sigma = 1.5;
  const w: number[] = [];
  let sum = 0;
  for (let dy = -5; dy <= 5; dy++) for (let dx = -5; dx <= 5; dx++) {
    const v = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
    w.push(v);
    sum += v;
  }
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let total = 0;
  let count = 0;
  for (let y = 5; y < height - 5; y++) {
    for (let x = 5; x < width - 5; x++) {
      let mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
      let k = 0;
      for (let dy = -5; dy <= 5; dy++) for (let dx = -5; dx <= 5; dx++) {
        const wk = w[k++]! / sum;
        const p = a[(y + dy) * width + x + dx]!;
        const q = b[(y + dy) * width + x + dx]!;
        mx += wk * p;
        my += wk * q;
        sxx += wk * p * p;
        syy += wk * q * q;
        sxy += wk * p * q;
      }
      sxx -= mx * mx;
      syy -= my * my;
      sxy -= mx * my;
      total += ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2));
      count++;
    }
  }
  return total / count;
}

/**
 * x264/ffmpeg SSIM by the letter: unweighted 8x8 windows every 4 px, unbiased (N-1) covariance, and
 * x264's luminance constant, which is C1/64 (its integer C1 is scaled by 64 where the sums of 64
 * pixels would need 64*64): only visible in very dark windows.
 */
function naiveBlockSsim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const c1 = (0.01 * 0.01 * 255 * 255) / 64;
  const c2 = 0.03 * 0.03 * 255 * 255;
  let total = 0;
  let count = 0;
  for (let y = 0; y + 8 <= (height >> 2) * 4; y += 4) {
    for (let x = 0; x + 8 <= (width >> 2) * 4; x += 4) {
      let s1 = 0, s2 = 0, ss = 0, s12 = 0;
      for (let dy = 0; dy < 8; dy++) for (let dx = 0; dx < 8; dx++) {
        const p = a[(y + dy) * width + x + dx]!;
        const q = b[(y + dy) * width + x + dx]!;
        s1 += p;
        s2 += q;
        ss += p * p + q * q;
        s12 += p * q;
      }
      const vars = (ss * 64 - s1 * s1 - s2 * s2) / (64 * 63);
      const covar = (s12 * 64 - s1 * s2) / (64 * 63);
      const m1 = s1 / 64;
      const m2 = s2 / 64;
      total += ((2 * m1 * m2 + c1) * (2 * covar + c2)) / ((m1 * m1 + m2 * m2 + c1) * (vars + c2));
      count++;
    }
  }
  return total / count;
}

describe('Gaussian window', () => {
  it('is normalised, symmetric and peaks at the centre with sigma 1.5', () => {
    expect(GAUSSIAN_11.length).toBe(11);
    expect(GAUSSIAN_11.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    for (let i = 0; i < 5; i++) expect(GAUSSIAN_11[i]).toBeCloseTo(GAUSSIAN_11[10 - i]!, 15);
    expect(GAUSSIAN_11[5]! / GAUSSIAN_11[6]!).toBeCloseTo(Math.exp(1 / (2 * 1.5 * 1.5)), 12);
  });
});

describe('gaussianSsim', () => {
  it.each([
    [32, 24, 1],
    [41, 37, 2],
    [64, 64, 3],
  ])('matches the direct 2-D definition on %ix%i frames', (width, height, seed) => {
    const [a, b] = pair(width, height, seed);
    const fast = gaussianSsim(a, b, width, height);
    expect(fast).toBeLessThan(0.99);
    expect(fast).toBeCloseTo(naiveGaussianSsim(a, b, width, height), 10);
  });

  it('is 1 for identical frames, symmetric, and lower for worse copies', () => {
    const [a, b] = pair(48, 40, 4);
    expect(gaussianSsim(a, a, 48, 40)).toBe(1);
    expect(gaussianSsim(a, b, 48, 40)).toBeCloseTo(gaussianSsim(b, a, 48, 40), 12);
    const worse = b.map((v, i) => Math.min(255, v + (i % 7) * 6));
    expect(gaussianSsim(a, worse, 48, 40)).toBeLessThan(gaussianSsim(a, b, 48, 40));
  });

  it('reuses its buffers across frames without leaking state', () => {
    const ssim = new GaussianSsim(40, 30);
    const [a, b] = pair(40, 30, 5);
    const [c, d] = pair(40, 30, 6);
    const first = ssim.compare(a, b);
    ssim.compare(c, d);
    expect(ssim.compare(a, b)).toBe(first);
  });

  it('refuses frames smaller than the window and frames of the wrong length', () => {
    expect(() => new GaussianSsim(10, 64)).toThrow(AiprodError);
    expect(() => new GaussianSsim(10, 64)).toThrow(/11x11/);
    expect(() => gaussianSsim(new Uint8Array(10), new Uint8Array(20 * 20), 20, 20)).toThrow(/20x20/);
  });
});

describe('blockSsim (ffmpeg variant)', () => {
  it.each([
    [32, 24, 7, false],
    [45, 38, 8, false],
    [64, 64, 9, false],
    [40, 32, 12, true],
  ])('matches the direct 8x8-window definition on %ix%i frames (dark: %s)', (width, height, seed, dark) => {
    const [a, b] = pair(width, height, seed, dark);
    const fast = blockSsim(a, b, width, height);
    expect(fast).toBeLessThan(0.99);
    // float32 arithmetic, like the C code: agreement to about 1e-6.
    expect(Math.abs(fast - naiveBlockSsim(a, b, width, height))).toBeLessThan(1e-5);
  });

  it('is 1 for identical frames and needs at least 8x8', () => {
    const [a] = pair(16, 16, 10);
    expect(blockSsim(a, a, 16, 16)).toBeCloseTo(1, 6);
    expect(() => new BlockSsim(7, 16)).toThrow(/8x8/);
  });

  it('differs from the Gaussian SSIM (different windows), but measures the same thing', () => {
    const [a, b] = pair(64, 64, 11);
    const g = gaussianSsim(a, b, 64, 64);
    const k = blockSsim(a, b, 64, 64);
    expect(g).not.toBe(k);
    expect(Math.abs(g - k)).toBeLessThan(0.1);
  });
});
