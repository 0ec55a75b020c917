import { SeededRandom } from '../../../../engine/random/seeded';
import type { Scheduler } from '../../../../engine/schedulers';

// Independent closed forms the scheduler tests compare against (written from the papers/diffusers
// formulas, not by calling the code under test).

export function referenceAlphasCumprod(n: number, betaStart: number, betaEnd: number, schedule: 'linear' | 'scaled_linear'): number[] {
  const out: number[] = [];
  let product = 1;
  for (let t = 0; t < n; t++) {
    const f = t / (n - 1);
    const beta =
      schedule === 'linear'
        ? betaStart + (betaEnd - betaStart) * f
        : (Math.sqrt(betaStart) + (Math.sqrt(betaEnd) - Math.sqrt(betaStart)) * f) ** 2;
    product *= 1 - beta;
    out.push(product);
  }
  return out;
}

export function randomVector(seed: number, length: number): Float32Array {
  const v = new Float32Array(length);
  new SeededRandom(seed).fillNormal(v);
  return v;
}

export type Prediction = 'epsilon' | 'v_prediction' | 'sample';

/**
 * What a perfect variance-preserving model outputs for a known clean sample x0, given only its input
 * x_in = sqrt(a) x0 + sqrt(1 - a) eps and the alpha_cumprod a of its timestep.
 */
export function exactVpOutput(prediction: Prediction, modelInput: Float32Array, x0: Float32Array, alphaCumprod: number): Float32Array {
  const sa = Math.sqrt(alphaCumprod);
  const sb = Math.sqrt(1 - alphaCumprod);
  return modelInput.map((x, i) => {
    const eps = (x - sa * x0[i]!) / sb;
    if (prediction === 'epsilon') return eps;
    if (prediction === 'v_prediction') return sa * eps - sb * x0[i]!;
    return x0[i]!;
  });
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Runs the whole sampling loop from noise * initNoiseSigma with a model given per step. */
export function sample(
  scheduler: Scheduler,
  steps: number,
  noise: Float32Array,
  model: (input: Float32Array, timestep: number, stepIndex: number) => Float32Array,
  onStep?: (x: Float32Array, stepIndex: number) => void,
): Float32Array {
  scheduler.setTimesteps(steps);
  let x: Float32Array = noise.map((v) => v * scheduler.initNoiseSigma);
  for (let i = 0; i < steps; i++) {
    const output = model(scheduler.scaleModelInput(x, i), scheduler.timesteps[i]!, i);
    x = scheduler.step(output, i, x);
    onStep?.(x, i);
  }
  return x;
}
