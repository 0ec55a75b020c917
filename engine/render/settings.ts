// The effective settings of one render: the tier's defaults, overridden by what the request says,
// checked against what the pack can do. A tier default the pack cannot honour is adapted with a
// warning; an explicit request it cannot honour is refused.
import { inputError } from '../errors';
import type { PackManifest } from '../models/pack-format';
import type { RenderRequest } from './request';
import type { TierTable } from './tiers';

export interface RenderSettings {
  steps: number;
  guidance: number;
  frames: number;
  upscale: boolean;
  warnings: string[];
}

/** Frame counts the pack can produce: multiples of its temporal factor, up to its longest clip. */
export function frameRange(manifest: PackManifest): { step: number; min: number; max: number } {
  const step = Math.max(1, Math.round(manifest.video.frames / manifest.latent.frames));
  const max = manifest.video.maxFrames ?? manifest.video.frames;
  return { step, min: step, max: Math.max(step, max - (max % step)) };
}

function fitsPack(frames: number, range: { step: number; min: number; max: number }): boolean {
  return frames >= range.min && frames <= range.max && frames % range.step === 0;
}

export function resolveSettings(request: RenderRequest, manifest: PackManifest, tiers: TierTable): RenderSettings {
  const tier = tiers[request.tier];
  const warnings: string[] = [];
  const range = frameRange(manifest);
  const describe = `a multiple of ${range.step} from ${range.min} to ${range.max}`;

  let frames: number;
  if (request.frames !== undefined) {
    if (!fitsPack(request.frames, range)) {
      throw inputError('FRAMES_OUT_OF_RANGE', `frames must be ${describe} for model ${manifest.id}, got ${request.frames}`, { field: 'frames', ...range });
    }
    frames = request.frames;
  } else if (fitsPack(tier.frames, range)) {
    frames = tier.frames;
  } else {
    frames = Math.min(range.max, Math.max(range.min, tier.frames - (tier.frames % range.step)));
    warnings.push(`tier ${request.tier} asks for ${tier.frames} frames; model ${manifest.id} renders ${describe}, so ${frames} are rendered`);
  }

  const hasUpsampler = manifest.components.upsampler !== undefined;
  let upscale: boolean;
  if (request.upscale === true && !hasUpsampler) {
    throw inputError('UPSCALE_UNAVAILABLE', `model ${manifest.id} has no upsampler, so upscale cannot be requested`, { field: 'upscale' });
  } else if (request.upscale !== undefined) {
    upscale = request.upscale;
  } else {
    upscale = tier.upscale && hasUpsampler;
    if (tier.upscale && !hasUpsampler) warnings.push(`tier ${request.tier} asks for upscaling; model ${manifest.id} has no upsampler, so the video keeps its native size`);
  }

  return {
    steps: request.steps ?? tier.steps,
    guidance: request.guidance ?? tier.guidance,
    frames,
    upscale,
    warnings,
  };
}
