import type { SchedulerConfig } from '../models/pack-format';
import { alphasCumprod } from './betas';
import { checkStepCount, checkStepIndex, outputFor } from './checks';
import type { Scheduler } from './types';

// Euler method on the probability-flow ODE in the sigma parameterisation (Karras et al. 2022), as
// diffusers' EulerDiscreteScheduler with s_churn = 0: x = x0 + sigma * noise, sigma(t) =
// sqrt((1 - a_t) / a_t) interpolated linearly at fractional t, the model sees x / sqrt(sigma^2 + 1),
// init noise sigma = sigma max. Timestep spacing "linspace": t_i = (N - 1)(1 - i / (n - 1)), the
// diffusers default; a single step uses t = N - 1 (diffusers would pick t = 0 there, which starts
// from the smallest sigma instead of pure noise).

export type EulerDiscreteConfig = Extract<SchedulerConfig, { type: 'euler-discrete' }>;

export class EulerDiscreteScheduler implements Scheduler {
  readonly name = 'euler-discrete';
  timesteps = new Float32Array(0);
  sigmas = new Float32Array(0);
  /** alphas_cumprod of the training schedule, index = integer timestep. */
  readonly alphasCumprod: Float64Array;
  /** sigma(t) at every integer training timestep. */
  readonly trainSigmas: Float64Array;
  private sigmas64 = new Float64Array(0);
  private readonly config: EulerDiscreteConfig;

  constructor(config: EulerDiscreteConfig) {
    this.config = config;
    this.alphasCumprod = alphasCumprod(config);
    this.trainSigmas = this.alphasCumprod.map((a) => Math.sqrt((1 - a) / a));
  }

  /** Before setTimesteps this is the largest training sigma, the one the first step will use. */
  get initNoiseSigma(): number {
    return this.sigmas64.length > 0 ? this.sigmas64[0]! : this.trainSigmas[this.trainSigmas.length - 1]!;
  }

  setTimesteps(steps: number): void {
    const n = this.config.numTrainTimesteps;
    checkStepCount(this.name, steps, n);
    const timesteps = new Float64Array(steps);
    const sigmas = new Float64Array(steps + 1);
    for (let i = 0; i < steps; i++) {
      const t = steps === 1 ? n - 1 : (n - 1) * (1 - i / (steps - 1));
      timesteps[i] = t;
      sigmas[i] = this.sigmaAt(t);
    }
    sigmas[steps] = 0;
    this.sigmas64 = sigmas;
    this.sigmas = Float32Array.from(sigmas);
    this.timesteps = Float32Array.from(timesteps);
  }

  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array {
    checkStepIndex(this.name, stepIndex, this.timesteps.length);
    const sigma = this.sigmas64[stepIndex]!;
    const scale = 1 / Math.sqrt(sigma * sigma + 1);
    const scaled = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) scaled[i] = sample[i]! * scale;
    return scaled;
  }

  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, out?: Float32Array): Float32Array {
    checkStepIndex(this.name, stepIndex, this.timesteps.length);
    const next = outputFor(this.name, modelOutput, sample, out);
    const sigma = this.sigmas64[stepIndex]!;
    const dt = this.sigmas64[stepIndex + 1]! - sigma;
    const prediction = this.config.prediction;
    const vScaleModel = -sigma / Math.sqrt(sigma * sigma + 1);
    const vScaleSample = 1 / (sigma * sigma + 1);
    for (let i = 0; i < next.length; i++) {
      const x = sample[i]!;
      const m = modelOutput[i]!;
      const x0 = prediction === 'epsilon' ? x - sigma * m : prediction === 'v_prediction' ? m * vScaleModel + x * vScaleSample : m;
      next[i] = x + ((x - x0) / sigma) * dt;
    }
    return next;
  }

  /** numpy.interp of the training sigmas at a fractional timestep in [0, N - 1]. */
  private sigmaAt(t: number): number {
    const low = Math.floor(t);
    const high = Math.min(low + 1, this.trainSigmas.length - 1);
    const w = t - low;
    return (1 - w) * this.trainSigmas[low]! + w * this.trainSigmas[high]!;
  }
}
