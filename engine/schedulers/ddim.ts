import type { SchedulerConfig } from '../models/pack-format';
import { inputError } from '../errors';
import { alphasCumprod } from './betas';
import { checkStepCount, checkStepIndex, outputFor } from './checks';
import type { NormalSource, Scheduler } from './types';

// DDIM (Song et al. 2020) as diffusers' DDIMScheduler, with these choices fixed (the pack config has
// no field for them):
// - "trailing" timestep spacing: t_i = round(N - i N / n) - 1 (numpy's round half to even), so the
//   first step is always t = N - 1 whatever n is, and the start matches pure noise.
// - The previous timestep is the next entry of that schedule (diffusers uses t - N // n, which can
//   point between entries when n does not divide N; both agree when it does).
// - set_alpha_to_one: the step after the last one has alpha_cumprod = 1, so the last step returns the
//   model's clean estimate; no sample clipping, no thresholding; steps_offset 0.
// - eta > 0 adds noise from the NormalSource given at construction (sigma_t of the DDIM paper).
// sigmas[i] = sqrt((1 - a_t) / a_t) at t_i (the equivalent noise level), sigmas[n] = 0.

export type DdimConfig = Extract<SchedulerConfig, { type: 'ddim' }>;

/** numpy.round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export class DdimScheduler implements Scheduler {
  readonly name = 'ddim';
  readonly initNoiseSigma = 1;
  timesteps = new Float32Array(0);
  sigmas = new Float32Array(0);
  /** alphas_cumprod of the training schedule, index = integer timestep. */
  readonly alphasCumprod: Float64Array;
  /** alpha_cumprod at each planned step, plus 1 for the step after the last. */
  private stepAlphas = new Float64Array(0);
  private readonly config: DdimConfig;
  private readonly noise: NormalSource | undefined;

  constructor(config: DdimConfig, noise?: NormalSource) {
    if (config.eta > 0 && noise === undefined) {
      throw inputError('INVALID_SCHEDULER_CONFIG', `ddim: eta ${config.eta} > 0 needs a seeded noise source; none was given`);
    }
    this.config = config;
    this.noise = noise;
    this.alphasCumprod = alphasCumprod(config);
  }

  setTimesteps(steps: number): void {
    const n = this.config.numTrainTimesteps;
    checkStepCount(this.name, steps, n);
    const timesteps = new Float32Array(steps);
    const alphas = new Float64Array(steps + 1);
    const stride = -n / steps;
    for (let i = 0; i < steps; i++) {
      const t = roundHalfEven(n + i * stride) - 1;
      timesteps[i] = t;
      alphas[i] = this.alphasCumprod[t]!;
    }
    alphas[steps] = 1;
    this.timesteps = timesteps;
    this.stepAlphas = alphas;
    this.sigmas = Float32Array.from(alphas, (a) => Math.sqrt((1 - a) / a));
  }

  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array {
    checkStepIndex(this.name, stepIndex, this.timesteps.length);
    return sample;
  }

  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, out?: Float32Array): Float32Array {
    checkStepIndex(this.name, stepIndex, this.timesteps.length);
    const next = outputFor(this.name, modelOutput, sample, out);
    const alpha = this.stepAlphas[stepIndex]!;
    const alphaPrev = this.stepAlphas[stepIndex + 1]!;
    const sqrtAlpha = Math.sqrt(alpha);
    const sqrtBeta = Math.sqrt(1 - alpha);
    const variance = ((1 - alphaPrev) / (1 - alpha)) * (1 - alpha / alphaPrev);
    const std = this.config.eta * Math.sqrt(Math.max(variance, 0));
    const sqrtAlphaPrev = Math.sqrt(alphaPrev);
    const direction = Math.sqrt(Math.max(1 - alphaPrev - std * std, 0));
    const prediction = this.config.prediction;
    for (let i = 0; i < next.length; i++) {
      const x = sample[i]!;
      const m = modelOutput[i]!;
      let x0: number;
      let eps: number;
      if (prediction === 'epsilon') {
        eps = m;
        x0 = (x - sqrtBeta * m) / sqrtAlpha;
      } else if (prediction === 'v_prediction') {
        x0 = sqrtAlpha * x - sqrtBeta * m;
        eps = sqrtAlpha * m + sqrtBeta * x;
      } else {
        x0 = m;
        eps = (x - sqrtAlpha * m) / sqrtBeta;
      }
      let value = sqrtAlphaPrev * x0 + direction * eps;
      if (std > 0) value += std * this.noise!.normal();
      next[i] = value;
    }
    return next;
  }
}
