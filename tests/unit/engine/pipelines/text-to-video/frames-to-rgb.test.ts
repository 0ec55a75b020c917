import { describe, expect, it } from 'vitest';
import { rgbByteLength, writeRgb24 } from '../../../../../engine/pipelines/text-to-video/frames-to-rgb';

describe('writeRgb24', () => {
  it('maps [-1, 1] to [0, 255] with rounding and clamping, NaN to 0', () => {
    // One frame of 1 x 6 pixels, channels-first: R plane, G plane, B plane.
    const r = [-1, 1, 0, -2, 2, Number.NaN];
    const g = [0.5, -0.5, 0.999, -0.999, 0.001, -0.001];
    const b = [0, 0, 0, 0, 0, 0];
    const out = new Uint8ClampedArray(rgbByteLength(1, 1, 6));
    writeRgb24({ data: Float32Array.from([...r, ...g, ...b]), layout: 'channels-first', frames: 1, height: 1, width: 6 }, out);
    const pixel = (i: number) => [out[i * 3], out[i * 3 + 1], out[i * 3 + 2]];
    expect([0, 1, 2, 3, 4, 5].map(pixel)).toEqual([
      [0, 191, 128],
      [255, 64, 128],
      [128, 255, 128],
      [0, 0, 128],
      [255, 128, 128],
      [0, 127, 128],
    ]);
  });

  it('interleaves channels-first [3, F, H, W] and frames-first [F, 3, H, W] to the same frame-major RGB', () => {
    const F = 2;
    const plane = 2 * 2;
    const value = (f: number, c: number, p: number) => ((f * 3 + c) * plane + p) / 12 - 1;
    const channelsFirst = new Float32Array(3 * F * plane);
    const framesFirst = new Float32Array(F * 3 * plane);
    for (let f = 0; f < F; f++)
      for (let c = 0; c < 3; c++)
        for (let p = 0; p < plane; p++) {
          channelsFirst[(c * F + f) * plane + p] = value(f, c, p);
          framesFirst[(f * 3 + c) * plane + p] = value(f, c, p);
        }
    const a = new Uint8ClampedArray(rgbByteLength(F, 2, 2));
    const b = new Uint8ClampedArray(rgbByteLength(F, 2, 2));
    writeRgb24({ data: channelsFirst, layout: 'channels-first', frames: F, height: 2, width: 2 }, a);
    writeRgb24({ data: framesFirst, layout: 'frames-first', frames: F, height: 2, width: 2 }, b);
    expect(a).toEqual(b);
    // Frame 1, pixel 3, blue = value(1, 2, 3) = 23/12 - 1.
    expect(a[(1 * plane + 3) * 3 + 2]).toBe(Math.round(((23 / 12 - 1 + 1) * 127.5)));
  });

  it('writes at a frame offset and checks sizes', () => {
    const out = new Uint8ClampedArray(rgbByteLength(2, 1, 1));
    writeRgb24({ data: new Float32Array([1, 1, 1]), layout: 'frames-first', frames: 1, height: 1, width: 1 }, out, 1);
    expect([...out]).toEqual([0, 0, 0, 255, 255, 255]);
    expect(() => writeRgb24({ data: new Float32Array(2), layout: 'frames-first', frames: 1, height: 1, width: 1 }, out)).toThrow('expected 3');
    expect(() => writeRgb24({ data: new Float32Array(3), layout: 'frames-first', frames: 1, height: 1, width: 1 }, out, 2)).toThrow('too small');
  });
});
