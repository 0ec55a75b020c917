import { inputError } from '../errors';

// The discrete-time training schedule shared by DDIM and Euler discrete, as diffusers builds it:
// "linear" spaces beta evenly, "scaled_linear" spaces sqrt(beta) evenly (Stable Diffusion's choice);
// alphas_cumprod[t] = prod_{i<=t} (1 - beta_i). Kept in float64: the products lose precision fast.

export type BetaSchedule = 'linear' | 'scaled_linear';

export interface BetaConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: BetaSchedule;
}

/** numpy.linspace(start, end, count) in float64. */
export function linspace(start: number, end: number, count: number): Float64Array {
  const out = new Float64Array(count);
  if (count === 1) {
    out[0] = start;
    return out;
  }
  const delta = (end - start) / (count - 1);
  for (let i = 0; i < count; i++) out[i] = start + i * delta;
  out[count - 1] = end;
  return out;
}

export function alphasCumprod(config: BetaConfig): Float64Array {
  const { numTrainTimesteps: n, betaStart, betaEnd, betaSchedule } = config;
  if (!(betaStart > 0 && betaStart <= betaEnd && betaEnd < 1)) {
    throw inputError('INVALID_SCHEDULER_CONFIG', `betaStart and betaEnd must satisfy 0 < betaStart <= betaEnd < 1, got ${betaStart} and ${betaEnd}`);
  }
  const betas =
    betaSchedule === 'linear'
      ? linspace(betaStart, betaEnd, n)
      : linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), n).map((b) => b * b);
  const cumprod = new Float64Array(n);
  let product = 1;
  for (let t = 0; t < n; t++) {
    product *= 1 - betas[t]!;
    cumprod[t] = product;
  }
  return cumprod;
}
