import type { SchedulerConfig } from '../models/pack-format';
import { checkStepCount, checkStepIndex, outputFor } from './checks';
import type { Scheduler } from './types';

// Rectified-flow Euler sampler, the convention of docs/pack-format.md: x_sigma = (1 - sigma) x0 +
// sigma noise, the model predicts velocity = noise - x0, sigma runs from 1 to 0 over a schedule
// sigma' = shift s / (1 + (shift - 1) s) with s evenly spaced from 1 to 0, timestep = sigma * N,
// and each step is x <- x + (sigma_next - sigma) v. A larger shift spends more steps at high noise.

export type FlowMatchEulerConfig = Extract<SchedulerConfig, { type: 'flow-match-euler' }>;

export function shiftSigma(sigma: number, shift: number): number {
  return (shift * sigma) / (1 + (shift - 1) * sigma);
}

export class FlowMatchEulerScheduler implements Scheduler {
  readonly name = 'flow-match-euler';
  readonly initNoiseSigma = 1;
  timesteps = new Float32Array(0);
  sigmas = new Float32Array(0);
  /** The schedule in float64; steps use these, the Float32Array views are for the model and callers. */
  private sigmas64 = new Float64Array(0);
  private readonly numTrainTimesteps: number;
  private readonly shift: number;

  constructor(config: FlowMatchEulerConfig) {
    this.numTrainTimesteps = config.numTrainTimesteps;
    this.shift = config.shift;
  }

  setTimesteps(steps: number): void {
    checkStepCount(this.name, steps, this.numTrainTimesteps);
    const sigmas = new Float64Array(steps + 1);
    for (let i = 0; i <= steps; i++) sigmas[i] = shiftSigma(1 - i / steps, this.shift);
    this.sigmas64 = sigmas;
    this.sigmas = Float32Array.from(sigmas);
    this.timesteps = Float32Array.from(sigmas.subarray(0, steps), (s) => s * this.numTrainTimesteps);
  }

  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array {
    checkStepIndex(this.name, stepIndex, this.timesteps.length);
    return sample;
  }

  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, out?: Float32Array): Float32Array {
    checkStepIndex(this.name, stepIndex, this.timesteps.length);
    const next = outputFor(this.name, modelOutput, sample, out);
    const dt = this.sigmas64[stepIndex + 1]! - this.sigmas64[stepIndex]!;
    for (let i = 0; i < next.length; i++) next[i] = sample[i]! + dt * modelOutput[i]!;
    return next;
  }
}
