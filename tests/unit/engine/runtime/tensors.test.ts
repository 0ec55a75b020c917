import { describe, expect, it } from 'vitest';
import { asFloat32, elementCount, float32Tensor, int64Tensor, sameDims } from '../../../../engine/runtime/tensors';

describe('tensor helpers', () => {
  it('counts elements and refuses bad dimensions', () => {
    expect(elementCount([2, 4, 2, 8, 8])).toBe(1024);
    expect(elementCount([])).toBe(1);
    expect(() => elementCount([2, -1])).toThrow('invalid dimension -1 in [2, -1]');
    expect(() => elementCount([1.5])).toThrow(RangeError);
  });

  it('wraps typed arrays without copying and checks their length', () => {
    const data = new Float32Array(6);
    const t = float32Tensor(data, [2, 3]);
    expect(t.data).toBe(data);
    expect(t.dims).toEqual([2, 3]);
    expect(() => float32Tensor(data, [4, 2])).toThrow('tensor of shape [4, 2] needs 8 values, got 6');
    expect(int64Tensor(new BigInt64Array(2), [1, 2]).type).toBe('int64');
  });

  it('narrows outputs to float32', () => {
    const f = float32Tensor(new Float32Array(1), [1]);
    expect(asFloat32(f, 'x')).toBe(f);
    expect(() => asFloat32(int64Tensor(new BigInt64Array(1), [1]), 'denoiser velocity')).toThrow('denoiser velocity: expected float32, got int64');
    expect(() => asFloat32(undefined, 'denoiser velocity')).toThrow('denoiser velocity: missing output');
  });

  it('compares shapes', () => {
    expect(sameDims([1, 3], [1, 3])).toBe(true);
    expect(sameDims([1, 3], [1, 3, 1])).toBe(false);
    expect(sameDims([1, 3], [3, 1])).toBe(false);
  });
});
