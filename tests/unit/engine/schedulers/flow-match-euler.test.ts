import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../../../engine/schedulers';
import { SchedulerConfig } from '../../../../engine/models/pack-format';
import { maxAbsDiff, randomVector, sample } from './helpers';

const flow = (shift: number, numTrainTimesteps = 1000) => SchedulerConfig.parse({ type: 'flow-match-euler', shift, numTrainTimesteps });

describe('flow-match Euler', () => {
  it('builds the shifted schedule of docs/pack-format.md', () => {
    for (const shift of [1, 3, 0.5]) {
      const s = createScheduler(flow(shift));
      s.setTimesteps(10);
      expect(s.name).toBe('flow-match-euler');
      expect(s.sigmas).toHaveLength(11);
      expect(s.timesteps).toHaveLength(10);
      expect(s.initNoiseSigma).toBe(1);
      for (let i = 0; i <= 10; i++) {
        const u = 1 - i / 10;
        const expected = (shift * u) / (1 + (shift - 1) * u);
        expect(s.sigmas[i]).toBeCloseTo(expected, 6);
        if (i < 10) expect(s.timesteps[i]).toBeCloseTo(expected * 1000, 3);
      }
      expect(s.sigmas[0]).toBe(1);
      expect(s.sigmas[10]).toBe(0);
    }
  });

  it('shift > 1 keeps more steps at high noise than shift 1', () => {
    const plain = createScheduler(flow(1));
    const shifted = createScheduler(flow(3));
    plain.setTimesteps(8);
    shifted.setTimesteps(8);
    expect(plain.sigmas[4]).toBeCloseTo(0.5, 6);
    expect(shifted.sigmas[4]).toBeCloseTo(0.75, 6); // 3 * 0.5 / (1 + 2 * 0.5)
  });

  it.each([1, 3])('lands on x0 with the exact velocity (shift %d), along the exact path', (shift) => {
    const x0 = randomVector(1, 257);
    const noise = randomVector(2, 257);
    const scheduler = createScheduler(flow(shift));
    // A perfect model: it sees x_sigma and timestep = sigma * N, and knows x0, so v = (x - x0) / sigma.
    const result = sample(scheduler, 7, noise, (x, t) => x.map((v, i) => (v - x0[i]!) / (t / 1000)), (x, i) => {
      const sigma = scheduler.sigmas[i + 1]!;
      const onPath = x0.map((v, k) => (1 - sigma) * v + sigma * noise[k]!);
      expect(maxAbsDiff(x, onPath)).toBeLessThan(1e-5);
    });
    expect(maxAbsDiff(result, x0)).toBeLessThan(1e-5);
  });

  it('with a wrong model it does not land on x0 (the test above can fail)', () => {
    const x0 = randomVector(1, 64);
    const noise = randomVector(2, 64);
    const result = sample(createScheduler(flow(1)), 5, noise, (x) => x.map((v) => v * 0.5));
    expect(maxAbsDiff(result, x0)).toBeGreaterThan(0.1);
  });

  it('a single step goes straight from noise to x0', () => {
    const s = createScheduler(flow(2));
    s.setTimesteps(1);
    expect(Array.from(s.sigmas)).toEqual([1, 0]);
    expect(Array.from(s.timesteps)).toEqual([1000]);
  });
});
