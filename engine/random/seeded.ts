import { inputError } from '../errors';

// The engine's seeded generator: xoshiro128** 1.1 (Blackman & Vigna, reference xoshiro128starstar.c)
// with its 128-bit state filled from SplitMix64 (reference splitmix64.c) run on the
// 53-bit seed, as the xoshiro authors recommend. Normals come from the Box-Muller transform.
//
// Why these: both are small, public, reference-documented algorithms whose outputs a test (or another
// language) can reproduce exactly; xoshiro128** needs only 32-bit integer operations, done here with
// Math.imul and `>>> 0`, so the integer stream is bit-identical on every platform. The normals go
// through Math.log/Math.sqrt/Math.cos/Math.sin; V8 (Node and Electron alike) implements those with
// its own fdlibm port rather than the platform libm, so they too are identical across platforms.

/** The largest seed: seeds are the non-negative safe integers, so a seed survives JSON and the CLI. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

const MASK64 = (1n << 64n) - 1n;
const TWO_POW_NEG_53 = 1 / 9007199254740992;

/** SplitMix64 (Steele, Lea & Flood 2014): the published seeding step for the xoshiro family. */
function splitMix64Outputs(seed: number, count: number): bigint[] {
  let state = BigInt(seed);
  const outputs: bigint[] = [];
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    outputs.push(z ^ (z >> 31n));
  }
  return outputs;
}

function rotl32(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A deterministic stream of uint32, uniform floats and standard normals from one seed.
 *
 * State layout (fixed, so other implementations can reproduce a stream): the first two SplitMix64
 * outputs a and b give s0 = low32(a), s1 = high32(a), s2 = low32(b), s3 = high32(b).
 */
export class SeededRandom {
  readonly seed: number;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box-Muller yields normals in pairs; the second waits here for the next call. */
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
      throw inputError('INVALID_SEED', `Seed must be an integer from 0 to ${MAX_SEED}, got ${String(seed)}`, { seed: String(seed) });
    }
    this.seed = seed;
    const [a, b] = splitMix64Outputs(seed, 2) as [bigint, bigint];
    this.s0 = Number(a & 0xffffffffn);
    this.s1 = Number(a >> 32n);
    this.s2 = Number(b & 0xffffffffn);
    this.s3 = Number(b >> 32n);
    // SplitMix64 is a bijection of its counter, so an all-zero state (the one fixed point of
    // xoshiro) would need two consecutive zero outputs; guard anyway rather than rely on that.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next raw xoshiro128** output, an integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl32(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ s1) >>> 0;
    this.s1 = (s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl32(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits: the top 27 bits of one output, the top 26 of the next. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) * TWO_POW_NEG_53;
  }

  /** A standard normal (mean 0, variance 1), Box-Muller on two uniforms; pairs are used in order. */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.nextFloat()));
    const angle = 2 * Math.PI * this.nextFloat();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Fills `out` with standard normals; the same values, in order, as calling normal() out.length times. */
  fillNormal(out: Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
  }
}
