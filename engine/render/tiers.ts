// Render tiers from configs/tiers.json: default steps, guidance, frames and upscale per tier.
// A request's explicit steps/frames/guidance win over the tier's.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { workError } from '../errors';
import { configPath } from '../system/paths';

export const TIER_NAMES = ['eco', 'standard', 'premium'] as const;
export const TierName = z.enum(TIER_NAMES);
export type TierName = z.infer<typeof TierName>;
export const DEFAULT_TIER: TierName = 'standard';

export const TierSettings = z.object({
  /** The seed project's model label for the tier; informative, the pack is chosen by --model. */
  model: z.string().optional(),
  steps: z.number().int().positive(),
  guidance: z.number().min(0),
  upscale: z.boolean(),
  frames: z.number().int().positive(),
});
export type TierSettings = z.infer<typeof TierSettings>;

const TiersFile = z.object({
  tiers: z.object({ eco: TierSettings, standard: TierSettings, premium: TierSettings }),
});
export type TierTable = z.infer<typeof TiersFile>['tiers'];

let cached: { file: string; table: TierTable } | undefined;

/** Reads and validates a tiers file (configs/tiers.json by default). */
export function loadTiers(file: string = configPath('tiers.json')): TierTable {
  if (cached?.file === file) return cached.table;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw workError('TIERS_UNREADABLE', `cannot read the tiers file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = TiersFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw workError('TIERS_INVALID', `the tiers file ${file} is invalid at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'unknown problem'}`);
  }
  cached = { file, table: parsed.data.tiers };
  return parsed.data.tiers;
}
