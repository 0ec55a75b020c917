import { SchedulerConfig } from '../models/pack-format';
import { inputError } from '../errors';
import { DdimScheduler } from './ddim';
import { EulerDiscreteScheduler } from './euler-discrete';
import { FlowMatchEulerScheduler } from './flow-match-euler';
import type { NormalSource, Scheduler } from './types';

export type { NormalSource, Scheduler } from './types';
export { DdimScheduler } from './ddim';
export { EulerDiscreteScheduler } from './euler-discrete';
export { FlowMatchEulerScheduler, shiftSigma } from './flow-match-euler';

export interface CreateSchedulerOptions {
  /** Noise for stochastic sampling (DDIM with eta > 0); pass the render's SeededRandom. */
  noise?: NormalSource;
}

/**
 * Builds the sampler a pack's `scheduler` config names. The config is re-checked against the pack
 * schema, so a hand-made or JSON-parsed object gets the same defaults and the same clear errors.
 */
export function createScheduler(config: SchedulerConfig, options: CreateSchedulerOptions = {}): Scheduler {
  const parsed = SchedulerConfig.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `scheduler.${issue.path.join('.')}` : 'scheduler';
    throw inputError('INVALID_SCHEDULER_CONFIG', `${where}: ${issue?.message ?? 'invalid scheduler config'}`);
  }
  const valid = parsed.data;
  switch (valid.type) {
    case 'flow-match-euler':
      return new FlowMatchEulerScheduler(valid);
    case 'ddim':
      return new DdimScheduler(valid, options.noise);
    case 'euler-discrete':
      return new EulerDiscreteScheduler(valid);
  }
}
