import { describe, expect, it } from 'vitest';
import { flickerIndex, meanOf, temporalStats } from '../../../../engine/qa/temporal';

const W = 24;
const H = 16;

function gradient(offset: number): Uint8Array {
  return Uint8Array.from({ length: W * H }, (_, i) => 40 + ((i % W) * 5 + Math.floor(i / W) * 3) + offset);
}

describe('temporal stability', () => {
  it('a still video is perfectly stable: frame SSIM 1, flicker 0', () => {
    const frames = [gradient(0), gradient(0), gradient(0)];
    const t = temporalStats(frames, W, H);
    expect(t.meanFrameSsim).toBe(1);
    expect(t.minFrameSsim).toBe(1);
    expect(t.flicker).toBe(0);
    expect(t.frameSsim).toEqual([null, 1, 1]);
  });

  it('brightness pumping by 10 levels every frame gives a flicker of 10 and lower frame SSIM', () => {
    const frames = [gradient(0), gradient(10), gradient(0), gradient(10)];
    const t = temporalStats(frames, W, H);
    expect(t.flicker).toBeCloseTo(10, 12);
    expect(t.meanLuma[1]! - t.meanLuma[0]!).toBeCloseTo(10, 12);
    expect(t.meanFrameSsim).toBeLessThan(1);
  });

  it('finds the worst pair (a cut)', () => {
    const cut = Uint8Array.from({ length: W * H }, (_, i) => (i * 97) % 256);
    const t = temporalStats([gradient(0), gradient(0), cut, cut], W, H);
    expect(t.minFrameSsim).toBe(t.frameSsim[2]);
    expect(t.minFrameSsim).toBeLessThan(0.5);
  });

  it('a single frame has no temporal metrics', () => {
    const t = temporalStats([gradient(0)], W, H);
    expect(t).toMatchObject({ meanFrameSsim: null, minFrameSsim: null, flicker: null, frameSsim: [null] });
    expect(flickerIndex([5])).toBeNull();
  });

  it('meanOf is the plain mean', () => {
    expect(meanOf(Uint8Array.from([0, 10, 20, 30]))).toBe(15);
  });
});
