import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../../../engine/schedulers';
import { SchedulerConfig } from '../../../../engine/models/pack-format';
import { AiprodError } from '../../../../engine/errors';

const configs = [
  SchedulerConfig.parse({ type: 'flow-match-euler', shift: 3 }),
  SchedulerConfig.parse({ type: 'ddim' }),
  SchedulerConfig.parse({ type: 'euler-discrete', prediction: 'v_prediction' }),
];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AiprodError ? error.code : `not an AiprodError: ${String(error)}`;
  }
  return undefined;
}

describe('createScheduler', () => {
  it('builds the scheduler the config names', () => {
    expect(configs.map((c) => createScheduler(c).name)).toEqual(['flow-match-euler', 'ddim', 'euler-discrete']);
  });

  it('an unknown type is rejected by the config schema and by createScheduler', () => {
    expect(SchedulerConfig.safeParse({ type: 'dpm-solver++' }).success).toBe(false);
    const bad = { type: 'dpm-solver++' } as unknown as SchedulerConfig;
    expect(codeOf(() => createScheduler(bad))).toBe('INVALID_SCHEDULER_CONFIG');
    expect(() => createScheduler(bad)).toThrowError(/scheduler\.type/);
  });

  it('a config with defaults left out gets the schema defaults', () => {
    const s = createScheduler({ type: 'ddim' } as unknown as SchedulerConfig);
    s.setTimesteps(1000);
    expect(s.timesteps[0]).toBe(999);
    expect(s.timesteps[999]).toBe(0);
  });

  it('rejects inverted betas', () => {
    const bad = SchedulerConfig.parse({ type: 'euler-discrete', betaStart: 0.02, betaEnd: 0.01 });
    expect(codeOf(() => createScheduler(bad))).toBe('INVALID_SCHEDULER_CONFIG');
  });

  it.each(configs.map((c) => [c.type, c] as const))('%s: setTimesteps rejects 0, fractions and more than numTrainTimesteps', (_name, config) => {
    const s = createScheduler(config);
    for (const bad of [0, -1, 2.5, Number.NaN, 1001]) {
      expect(codeOf(() => s.setTimesteps(bad))).toBe('INVALID_STEPS');
    }
    expect(() => s.setTimesteps(1001)).toThrowError(/from 1 to 1000, got 1001/);
    s.setTimesteps(1000);
    expect(s.timesteps).toHaveLength(1000);
  });

  it.each(configs.map((c) => [c.type, c] as const))('%s: step checks readiness, index and buffer sizes', (_name, config) => {
    const s = createScheduler(config);
    const x = new Float32Array(4).fill(0.5);
    expect(codeOf(() => s.step(x, 0, x))).toBe('SCHEDULER_NOT_READY');
    s.setTimesteps(3);
    expect(codeOf(() => s.step(x, 3, x))).toBe('INVALID_STEP_INDEX');
    expect(codeOf(() => s.step(x, -1, x))).toBe('INVALID_STEP_INDEX');
    expect(codeOf(() => s.scaleModelInput(x, 3))).toBe('INVALID_STEP_INDEX');
    expect(codeOf(() => s.step(new Float32Array(3), 0, x))).toBe('TENSOR_SIZE_MISMATCH');
    expect(codeOf(() => s.step(x, 0, x, new Float32Array(5)))).toBe('TENSOR_SIZE_MISMATCH');
  });

  it.each(configs.map((c) => [c.type, c] as const))('%s: step allocates a fresh array, or writes in place into out', (_name, config) => {
    const s = createScheduler(config);
    s.setTimesteps(5);
    const sample = Float32Array.from([0.3, -1.2, 2.0, 0.7]);
    const model = Float32Array.from([0.1, 0.4, -0.9, 1.1]);
    const fresh = s.step(model, 1, sample);
    expect(fresh).not.toBe(sample);
    expect(Array.from(sample)).toEqual(Array.from(Float32Array.from([0.3, -1.2, 2.0, 0.7])));
    expect(maxDiff(fresh, sample)).toBeGreaterThan(0);
    const inPlace = sample.slice();
    expect(s.step(model, 1, inPlace, inPlace)).toBe(inPlace);
    expect(inPlace).toEqual(fresh);
  });
});

function maxDiff(a: Float32Array, b: Float32Array): number {
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
}
