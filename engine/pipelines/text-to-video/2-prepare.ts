// Stage 2: the starting latents and the sampler. Noise comes from the engine's seeded generator
// (never Math.random), drawn in one fixed order, so one seed gives one starting point everywhere.
import type { PackManifest } from '../../models/pack-format';
import { SeededRandom } from '../../random/seeded';
import { createScheduler, type Scheduler } from '../../schedulers';
import type { LatentGeometry } from './preview';

export interface Prepared {
  scheduler: Scheduler;
  /** [1, C, T, h, w], flattened: the sample the denoiser starts from. */
  latents: Float32Array;
  dims: [1, number, number, number, number];
  geometry: LatentGeometry;
}

export function prepareLatents(manifest: PackManifest, seed: number, latentFrames: number, steps: number): Prepared {
  const { channels, height, width } = manifest.latent;
  const random = new SeededRandom(seed);
  const latents = new Float32Array(channels * latentFrames * height * width);
  random.fillNormal(latents);
  // A stochastic sampler (DDIM with eta > 0) continues the same stream after the initial noise.
  const scheduler = createScheduler(manifest.scheduler, { noise: random });
  scheduler.setTimesteps(steps);
  if (scheduler.initNoiseSigma !== 1) {
    const sigma = scheduler.initNoiseSigma;
    for (let i = 0; i < latents.length; i++) latents[i] = latents[i]! * sigma;
  }
  return {
    scheduler,
    latents,
    dims: [1, channels, latentFrames, height, width],
    geometry: { channels, frames: latentFrames, height, width },
  };
}
