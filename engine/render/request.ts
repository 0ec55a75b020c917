// What a caller may ask of one render, checked before any work starts. Pack-independent limits live
// here so the CLI, the queue and the studio refuse the same things with the same messages; limits
// that depend on the pack (frame counts) are checked in resolve-settings.ts once the pack is loaded.
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { inputError } from '../errors';
import { MAX_SEED } from '../random/seeded';
import { DEFAULT_TIER, TierName } from './tiers';

export const DEFAULT_MODEL_ID = 'aiprod-nano';

export const RENDER_LIMITS = {
  promptChars: 2000,
  steps: { min: 1, max: 200 },
  guidance: { min: 0, max: 30 },
  /** Seeds are the non-negative safe integers: what the engine's seeded generator accepts. */
  seed: { min: 0, max: MAX_SEED },
  frames: { min: 1, max: 1024 },
} as const;

export const DEVICES = ['auto', 'cuda', 'cpu'] as const;
export const Device = z.enum(DEVICES);
export type Device = z.infer<typeof Device>;

const intIn = (label: string, range: { min: number; max: number }) =>
  z
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .min(range.min, `${label} must be between ${range.min} and ${range.max}`)
    .max(range.max, `${label} must be between ${range.min} and ${range.max}`);

export const RenderRequest = z.object({
  prompt: z
    .string({ error: 'prompt must be text' })
    .refine((p) => p.trim() !== '', 'prompt must not be empty')
    .refine((p) => p.length <= RENDER_LIMITS.promptChars, `prompt must be at most ${RENDER_LIMITS.promptChars} characters`),
  negativePrompt: z.string().max(RENDER_LIMITS.promptChars, `negative prompt must be at most ${RENDER_LIMITS.promptChars} characters`).optional(),
  seed: intIn('seed', RENDER_LIMITS.seed).optional(),
  tier: TierName.default(DEFAULT_TIER),
  steps: intIn('steps', RENDER_LIMITS.steps).optional(),
  frames: intIn('frames', RENDER_LIMITS.frames).optional(),
  guidance: z
    .number({ error: 'guidance must be a number' })
    .min(RENDER_LIMITS.guidance.min, `guidance must be between ${RENDER_LIMITS.guidance.min} and ${RENDER_LIMITS.guidance.max}`)
    .max(RENDER_LIMITS.guidance.max, `guidance must be between ${RENDER_LIMITS.guidance.min} and ${RENDER_LIMITS.guidance.max}`)
    .optional(),
  /** Ask for (true) or skip (false) the pack's upsampler; default: the tier's choice. */
  upscale: z.boolean().optional(),
  model: z.string().min(1, 'model id must not be empty').default(DEFAULT_MODEL_ID),
});
/** A request as callers write it (defaults optional). */
export type RenderRequestInput = z.input<typeof RenderRequest>;
/** A request after validation (tier and model filled in). */
export type RenderRequest = z.output<typeof RenderRequest>;

/** Validates a request; the one error names the first field at fault. */
export function parseRenderRequest(input: unknown): RenderRequest {
  const parsed = RenderRequest.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'request';
  const message = issue?.message ?? 'invalid request';
  // zod's enum message does not name the field; say it here.
  const text = message.includes(field.split('.')[0] ?? field) ? message : `${field}: ${message}`;
  throw inputError('INVALID_REQUEST', text, { field });
}

/** A fresh random seed in the accepted range, for renders that did not ask for one. */
export function randomSeed(): number {
  // Drawn from the 32-bit range although larger seeds are accepted: short enough to read and type.
  return randomInt(0, 0x1_0000_0000);
}
