import { describe, expect, it } from 'vitest';
import type { EulerDiscreteScheduler } from '../../../../engine/schedulers';
import { createScheduler } from '../../../../engine/schedulers';
import { SchedulerConfig } from '../../../../engine/models/pack-format';
import { exactVpOutput, maxAbsDiff, randomVector, referenceAlphasCumprod, sample, type Prediction } from './helpers';

const euler = (extra: Record<string, unknown> = {}) => SchedulerConfig.parse({ type: 'euler-discrete', ...extra });

/** sigma(t) = sqrt((1 - a_t) / a_t), linearly interpolated between integer timesteps (numpy.interp). */
function referenceSigma(alphas: number[], t: number): number {
  const s = (k: number) => Math.sqrt((1 - alphas[k]!) / alphas[k]!);
  const low = Math.floor(t);
  const high = Math.min(low + 1, alphas.length - 1);
  return s(low) + (t - low) * (s(high) - s(low));
}

describe('Euler discrete', () => {
  it('sigmas follow sqrt((1 - a) / a) at linspace timesteps, ending at 0', () => {
    const alphas = referenceAlphasCumprod(1000, 0.00085, 0.012, 'scaled_linear');
    const s = createScheduler(euler());
    s.setTimesteps(7);
    expect(s.timesteps).toHaveLength(7);
    expect(s.sigmas).toHaveLength(8);
    for (let i = 0; i < 7; i++) {
      const t = 999 * (1 - i / 6);
      expect(s.timesteps[i]).toBeCloseTo(t, 3);
      expect(Math.abs(s.sigmas[i]! / referenceSigma(alphas, t) - 1)).toBeLessThan(1e-6);
    }
    expect(s.sigmas[7]).toBe(0);
    // Stable Diffusion's published init noise sigma (sigma max) and sigma min.
    expect(s.initNoiseSigma).toBeCloseTo(14.6146, 3);
    expect(s.sigmas[6]).toBeCloseTo(0.0292, 4);
  });

  it('scaleModelInput divides by sqrt(sigma^2 + 1) and leaves the sample alone', () => {
    const s = createScheduler(euler());
    s.setTimesteps(4);
    const x = Float32Array.from([1, -2, 3]);
    for (let i = 0; i < 4; i++) {
      const sigma = s.sigmas[i]!;
      const scaled = s.scaleModelInput(x, i);
      expect(scaled).not.toBe(x);
      for (let k = 0; k < 3; k++) expect(scaled[k]).toBeCloseTo(x[k]! / Math.sqrt(sigma * sigma + 1), 5);
    }
    expect(Array.from(x)).toEqual([1, -2, 3]);
  });

  it.each<[Prediction, 'scaled_linear' | 'linear']>([
    ['epsilon', 'scaled_linear'],
    ['v_prediction', 'scaled_linear'],
    ['sample', 'scaled_linear'],
    ['v_prediction', 'linear'],
  ])('lands on x0 with an exact %s model (%s betas)', (prediction, betaSchedule) => {
    const alphas = referenceAlphasCumprod(1000, 0.00085, 0.012, betaSchedule);
    const x0 = randomVector(7, 300);
    const noise = randomVector(8, 300);
    const scheduler = createScheduler(euler({ prediction, betaSchedule }));
    // The model knows only its (scaled) input and the timestep; it turns t into sigma, then alpha.
    const result = sample(scheduler, 9, noise, (input, t) => {
      const sigma = referenceSigma(alphas, t);
      return exactVpOutput(prediction, input, x0, 1 / (1 + sigma * sigma));
    });
    expect(maxAbsDiff(result, x0)).toBeLessThan(1e-5);
  });

  it('with a single step starts from sigma max, not sigma min', () => {
    const s = createScheduler(euler()) as EulerDiscreteScheduler;
    s.setTimesteps(1);
    expect(Array.from(s.timesteps)).toEqual([999]);
    expect(s.initNoiseSigma).toBeCloseTo(14.6146, 3);
  });
});
