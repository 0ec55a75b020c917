import { describe, expect, it } from 'vitest';
import type { DdimScheduler } from '../../../../engine/schedulers';
import { createScheduler } from '../../../../engine/schedulers';
import { SchedulerConfig } from '../../../../engine/models/pack-format';
import { SeededRandom } from '../../../../engine/random/seeded';
import { exactVpOutput, maxAbsDiff, randomVector, referenceAlphasCumprod, sample, type Prediction } from './helpers';

const ddim = (extra: Record<string, unknown> = {}) => SchedulerConfig.parse({ type: 'ddim', ...extra });

describe('DDIM', () => {
  it('alphas_cumprod follow the scaled_linear and linear beta formulas', () => {
    for (const betaSchedule of ['scaled_linear', 'linear'] as const) {
      const s = createScheduler(ddim({ betaSchedule })) as DdimScheduler;
      const expected = referenceAlphasCumprod(1000, 0.00085, 0.012, betaSchedule);
      expect(s.alphasCumprod).toHaveLength(1000);
      for (const t of [0, 1, 10, 250, 500, 999]) expect(Math.abs(s.alphasCumprod[t]! / expected[t]! - 1)).toBeLessThan(1e-12);
    }
    const sd = createScheduler(ddim()) as DdimScheduler;
    expect(sd.alphasCumprod[0]).toBeCloseTo(1 - 0.00085, 12);
    // Stable Diffusion's published sigma_max = sqrt((1 - a_999) / a_999) = 14.6146.
    expect(Math.sqrt((1 - sd.alphasCumprod[999]!) / sd.alphasCumprod[999]!)).toBeCloseTo(14.6146, 3);
  });

  it('uses trailing spacing, rounding half to even like numpy', () => {
    const s = createScheduler(ddim());
    s.setTimesteps(50);
    expect(Array.from(s.timesteps)).toEqual(Array.from({ length: 50 }, (_, i) => 999 - 20 * i));
    s.setTimesteps(16); // 1000 - 62.5 i hits .5 every other step
    expect(Array.from(s.timesteps)).toEqual([999, 937, 874, 811, 749, 687, 624, 561, 499, 437, 374, 311, 249, 187, 124, 61]);
    s.setTimesteps(1);
    expect(Array.from(s.timesteps)).toEqual([999]);
    expect(s.sigmas).toHaveLength(2);
    expect(s.sigmas[1]).toBe(0);
    expect(s.sigmas[0]).toBeCloseTo(14.6146, 3);
  });

  it.each<[Prediction, 'scaled_linear' | 'linear']>([
    ['epsilon', 'scaled_linear'],
    ['v_prediction', 'scaled_linear'],
    ['sample', 'scaled_linear'],
    ['epsilon', 'linear'],
  ])('lands on x0 with an exact %s model (%s betas), keeping eps fixed along the way', (prediction, betaSchedule) => {
    const x0 = randomVector(3, 300);
    const noise = randomVector(4, 300);
    const alphas = referenceAlphasCumprod(1000, 0.00085, 0.012, betaSchedule);
    const scheduler = createScheduler(ddim({ prediction, betaSchedule }));
    const steps = 12;
    scheduler.setTimesteps(steps);
    // The deterministic DDIM path keeps eps = (x_T - sqrt(a_T) x0) / sqrt(1 - a_T) for every step.
    const aFirst = alphas[scheduler.timesteps[0]!]!;
    const eps = noise.map((x, i) => (x - Math.sqrt(aFirst) * x0[i]!) / Math.sqrt(1 - aFirst));
    const result = sample(scheduler, steps, noise, (x, t) => exactVpOutput(prediction, x, x0, alphas[t]!), (x, i) => {
      const aNext = i + 1 < steps ? alphas[scheduler.timesteps[i + 1]!]! : 1;
      const expected = x0.map((v, k) => Math.sqrt(aNext) * v + Math.sqrt(1 - aNext) * eps[k]!);
      expect(maxAbsDiff(x, expected)).toBeLessThan(1e-4);
    });
    expect(maxAbsDiff(result, x0)).toBeLessThan(1e-5);
  });

  it('eta > 0 needs a noise source, draws from it deterministically, and still lands on x0', () => {
    expect(() => createScheduler(ddim({ eta: 0.5 }))).toThrowError(/eta 0.5 > 0 needs a seeded noise source/);
    const x0 = randomVector(5, 100);
    const noise = randomVector(6, 100);
    const alphas = referenceAlphasCumprod(1000, 0.00085, 0.012, 'scaled_linear');
    const run = (eta: number, seed: number) => {
      const trace: Float32Array[] = [];
      const s = createScheduler(ddim({ eta }), { noise: new SeededRandom(seed) });
      const out = sample(s, 6, noise, (x, t) => exactVpOutput('epsilon', x, x0, alphas[t]!), (x) => trace.push(x));
      return { out, middle: trace[2]! };
    };
    const a = run(1, 77);
    const b = run(1, 77);
    const c = run(1, 78);
    const deterministic = run(0, 77);
    expect(a.middle).toEqual(b.middle);
    expect(maxAbsDiff(a.middle, c.middle)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(a.middle, deterministic.middle)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(a.out, x0)).toBeLessThan(1e-5);
  });
});
