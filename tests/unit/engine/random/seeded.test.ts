import { describe, expect, it } from 'vitest';
import { MAX_SEED, SeededRandom } from '../../../../engine/random/seeded';
import { AiprodError } from '../../../../engine/errors';

// An independent reference written with BigInt (not Math.imul), straight from the published C code
// of splitmix64.c and xoshiro128starstar.c, so a slip in the 32-bit tricks of the engine shows here.
const M32 = 0xffffffffn;
const M64 = (1n << 64n) - 1n;

function referenceSplitMix64(seed: bigint, count: number): bigint[] {
  let x = seed;
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    x = (x + 0x9e3779b97f4a7c15n) & M64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    out.push(z ^ (z >> 31n));
  }
  return out;
}

function referenceXoshiro128StarStar(state: [bigint, bigint, bigint, bigint], count: number): number[] {
  const s = [...state];
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M32;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const s0 = s[0]!, s1 = s[1]!;
    out.push(Number((rotl((s1 * 5n) & M32, 7n) * 9n) & M32));
    const t = (s1 << 9n) & M32;
    s[2] = s[2]! ^ s0;
    s[3] = s[3]! ^ s1;
    s[1] = s1 ^ s[2]!;
    s[0] = s0 ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11n);
  }
  return out;
}

/** The engine's documented seeding: two SplitMix64 outputs split into low/high 32-bit words. */
function referenceStream(seed: number, count: number): number[] {
  const [a, b] = referenceSplitMix64(BigInt(seed), 2) as [bigint, bigint];
  return referenceXoshiro128StarStar([a & M32, a >> 32n, b & M32, b >> 32n], count);
}

describe('reference algorithms (published vectors)', () => {
  it('SplitMix64 from seed 0 gives the published first outputs', () => {
    expect(referenceSplitMix64(0n, 3)).toEqual([0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n, 0x06c45d188009454fn]);
  });

  it('xoshiro128** from state {1,2,3,4} gives the published first outputs', () => {
    expect(referenceXoshiro128StarStar([1n, 2n, 3n, 4n], 10)).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });
});

describe('SeededRandom', () => {
  it.each([0, 1, 42, 123456789, 2 ** 32 + 7, MAX_SEED])('seed %d matches the BigInt reference stream', (seed) => {
    const rng = new SeededRandom(seed);
    const got = Array.from({ length: 1000 }, () => rng.nextUint32());
    expect(got).toEqual(referenceStream(seed, 1000));
  });

  it('nextFloat combines two outputs into 53 bits in [0, 1)', () => {
    const rng = new SeededRandom(7);
    const raw = referenceStream(7, 2000);
    for (let i = 0; i < 1000; i++) {
      const expected = ((raw[2 * i]! >>> 5) * 2 ** 26 + (raw[2 * i + 1]! >>> 6)) / 2 ** 53;
      const f = rng.nextFloat();
      expect(f).toBe(expected);
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
    }
  });

  it('the same seed gives the same normals; different seeds differ', () => {
    const a = new Float32Array(4096);
    const b = new Float32Array(4096);
    const c = new Float32Array(4096);
    new SeededRandom(2024).fillNormal(a);
    new SeededRandom(2024).fillNormal(b);
    new SeededRandom(2025).fillNormal(c);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('fillNormal is the same stream as repeated normal(), including an odd split', () => {
    const one = new SeededRandom(99);
    const expected = Array.from({ length: 11 }, () => Math.fround(one.normal()));
    const other = new SeededRandom(99);
    const first = new Float32Array(5);
    const rest = new Float32Array(6);
    other.fillNormal(first);
    other.fillNormal(rest);
    expect([...first, ...rest]).toEqual(expected);
  });

  it('normals have mean 0 and variance 1 within statistical bounds', () => {
    const n = 200_000;
    const values = new Float32Array(n);
    new SeededRandom(31337).fillNormal(values);
    let sum = 0;
    let sumSq = 0;
    let sum4 = 0;
    for (const v of values) {
      sum += v;
      sumSq += v * v;
      sum4 += v ** 4;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // 5 standard errors: sd(mean) = 1/sqrt(n) ~ 0.0022, sd(variance) = sqrt(2/n) ~ 0.0032.
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // Kurtosis of a normal is 3 (sd of the estimate ~ sqrt(24/n) ~ 0.011): catches a uniform or a
    // mis-scaled transform that still had the right first two moments.
    expect(Math.abs(sum4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // About 68.27% within one sigma.
    const within = values.filter((v) => Math.abs(v) < 1).length / n;
    expect(Math.abs(within - 0.682689)).toBeLessThan(0.006);
  });

  it.each([-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_SEED + 1, 2 ** 64])('rejects seed %s with INVALID_SEED', (seed) => {
    expect(() => new SeededRandom(seed)).toThrowError(AiprodError);
    try {
      new SeededRandom(seed);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_SEED', kind: 'input' });
      expect((error as Error).message).toContain(String(seed));
    }
  });
});
