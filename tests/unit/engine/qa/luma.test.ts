import { describe, expect, it } from 'vitest';
import { rgbToLuma } from '../../../../engine/qa/luma';

describe('rgbToLuma (BT.601, limited range)', () => {
  it('maps black to 16, white to 235 and weights green most', () => {
    const y = rgbToLuma(Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255]));
    expect(Array.from(y.subarray(0, 2))).toEqual([16, 235]);
    const [r, g, b] = [y[2]!, y[3]!, y[4]!];
    expect(g).toBeGreaterThan(r);
    expect(r).toBeGreaterThan(b);
    // The three primaries add back up to white's excursion (219 levels) within rounding.
    expect(r - 16 + (g - 16) + (b - 16)).toBeGreaterThanOrEqual(218);
    expect(r - 16 + (g - 16) + (b - 16)).toBeLessThanOrEqual(220);
  });

  it('refuses data that is not whole pixels', () => {
    expect(() => rgbToLuma(new Uint8Array(4))).toThrow(/multiple of 3/);
  });
});
