// What a shot gets from its tier when it leaves steps, guidance or frames unset: the studio shows
// these as the fields' defaults and sizes an unrendered shot by its tier's frame count.
import { loadTiers, TIER_NAMES, type TierName } from '../render/tiers';

export interface TierDefaults {
  steps: number;
  guidance: number;
  frames: number;
}

export function tierDefaults(file?: string): Record<TierName, TierDefaults> {
  const table = loadTiers(file);
  const entries = TIER_NAMES.map((name) => [name, { steps: table[name].steps, guidance: table[name].guidance, frames: table[name].frames }] as const);
  return Object.fromEntries(entries) as Record<TierName, TierDefaults>;
}
