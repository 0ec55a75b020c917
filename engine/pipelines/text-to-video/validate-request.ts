// Checks a request against fixed limits and the pack's geometry before any model is touched, and
// fills the defaults from the pack. Each refusal is one input error naming the field and what is allowed.
import { inputError } from '../../errors';
import type { PackManifest } from '../../models/pack-format';
import { MAX_SEED } from '../../random/seeded';
import type { TextToVideoRequest } from './types';

export const LIMITS = {
  steps: { min: 1, max: 200 },
  guidance: { min: 0, max: 30 },
  seed: { min: 0, max: MAX_SEED },
} as const;

export interface ResolvedRequest {
  prompt: string;
  negativePrompt: string;
  seed: number;
  steps: number;
  guidance: number;
  frames: number;
  latentFrames: number;
  upscale: boolean;
}

function invalid(field: string, allowed: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw inputError('INVALID_REQUEST', `${field} must be ${allowed}, got ${shown}`, { field, allowed, value: shown });
}

function integerIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalid(field, `an integer from ${min} to ${max}`, value);
  return value;
}

/** Video frames per latent frame (the VAE's temporal compression). */
export function temporalFactor(manifest: PackManifest): number {
  return manifest.video.frames / manifest.latent.frames;
}

export function maxFrames(manifest: PackManifest): number {
  return manifest.video.maxFrames ?? manifest.video.frames;
}

export function resolveRequest(manifest: PackManifest, request: TextToVideoRequest): ResolvedRequest {
  if (typeof request !== 'object' || request === null) invalid('request', 'an object', request);
  if (typeof request.prompt !== 'string') invalid('prompt', 'text', request.prompt);
  if (request.negativePrompt !== undefined && typeof request.negativePrompt !== 'string') invalid('negativePrompt', 'text', request.negativePrompt);

  const seed = integerIn('seed', request.seed, LIMITS.seed.min, LIMITS.seed.max);
  const steps = integerIn('steps', request.steps ?? manifest.defaults.steps, LIMITS.steps.min, LIMITS.steps.max);

  const guidance = request.guidance ?? manifest.defaults.guidance;
  if (typeof guidance !== 'number' || !Number.isFinite(guidance) || guidance < LIMITS.guidance.min || guidance > LIMITS.guidance.max) {
    invalid('guidance', `a number from ${LIMITS.guidance.min} to ${LIMITS.guidance.max}`, guidance);
  }

  const factor = temporalFactor(manifest);
  const most = maxFrames(manifest);
  const frames = request.frames ?? manifest.video.frames;
  if (typeof frames !== 'number' || !Number.isInteger(frames) || frames <= 0 || frames % factor !== 0 || frames > most) {
    invalid('frames', `a positive multiple of ${factor} up to ${most} for model ${manifest.id}`, frames);
  }

  if (request.upscale !== undefined && typeof request.upscale !== 'boolean') invalid('upscale', 'true or false', request.upscale);
  const upscale = request.upscale === true;
  if (upscale && manifest.components.upsampler === undefined) {
    throw inputError('UPSCALE_UNAVAILABLE', `upscale was asked for, but model ${manifest.id} has no upsampler`, { field: 'upscale' });
  }

  return { prompt: request.prompt, negativePrompt: request.negativePrompt ?? '', seed, steps, guidance, frames, latentFrames: frames / factor, upscale };
}
