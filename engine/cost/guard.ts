// The memory guard before a render: a shot whose estimated peak exceeds the free memory is refused,
// and the refusal says what would fit, computed from the same memory model (not guessed): the
// longest clip at this tier, the largest tier at this length. Steps do not change the peak.
import { inputError } from '../errors';
import { TIER_NAMES, type TierName } from '../render/tiers';
import type { ShotEstimate } from './estimate';
import { peakBytes } from './memory';

export interface FitProposal {
  /** The most frames (a multiple the pack accepts) that fit at the shot's tier. */
  frames?: { frames: number; bytes: number };
  /** The largest tier that fits at the shot's frame count, when it is not the shot's own. */
  tier?: { tier: TierName; bytes: number };
}

export interface FitReport {
  fits: boolean;
  neededBytes: number;
  /** Undefined when the free memory is unknown: nothing was checked. */
  freeBytes?: number;
  proposal: FitProposal;
  /** One line for a person: what does not fit and what would. */
  message?: string;
}

const GIB = 1024 ** 3;

export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** The largest frame count below the shot's that the pack accepts and the memory holds. */
function largestFittingFrames(estimate: ShotEstimate, freeBytes: number): FitProposal['frames'] {
  const { memory } = estimate;
  const stride = memory.minFrames;
  // Frame counts are multiples of the stride: walk down from the shot's (bounded by the pack's maximum).
  for (let frames = estimate.frames - (estimate.frames % stride || stride); frames >= memory.minFrames; frames -= stride) {
    const bytes = peakBytes(memory, frames, estimate.upscale);
    if (bytes <= freeBytes) return { frames, bytes };
  }
  return undefined;
}

/** The largest tier (premium > standard > eco) other than the shot's that fits at its frame count. */
function largestFittingTier(estimate: ShotEstimate, freeBytes: number): FitProposal['tier'] {
  for (const tier of [...TIER_NAMES].reverse()) {
    if (tier === estimate.tier) continue;
    const upscale = estimate.tierUpscale[tier];
    // A tier with the same upscaling needs the same memory: it cannot be the answer.
    if (upscale === estimate.upscale) continue;
    const bytes = peakBytes(estimate.memory, estimate.frames, upscale);
    if (bytes <= freeBytes) return { tier, bytes };
  }
  return undefined;
}

export function fitReport(estimate: ShotEstimate, freeBytes: number | undefined): FitReport {
  const neededBytes = estimate.vramBytes;
  if (freeBytes === undefined) return { fits: true, neededBytes, proposal: {} };
  if (neededBytes <= freeBytes) return { fits: true, neededBytes, freeBytes, proposal: {} };
  const proposal: FitProposal = {};
  const frames = largestFittingFrames(estimate, freeBytes);
  const tier = largestFittingTier(estimate, freeBytes);
  if (frames !== undefined) proposal.frames = frames;
  if (tier !== undefined) proposal.tier = tier;
  const what = estimate.memoryKind === 'vram' ? 'VRAM' : 'RAM';
  const options: string[] = [];
  if (frames !== undefined) options.push(`--frames ${frames.frames} (${formatBytes(frames.bytes)})`);
  if (tier !== undefined) options.push(`--tier ${tier.tier} at ${estimate.frames} frames (${formatBytes(tier.bytes)})`);
  const head = `${estimate.packId} at tier ${estimate.tier}, ${estimate.frames} frames needs about ${formatBytes(neededBytes)} of ${what}, but only ${formatBytes(freeBytes)} is free on ${estimate.device}`;
  const tail =
    options.length > 0
      ? `; what fits: ${options.join(', or ')}; the step count does not change memory`
      : `; nothing fits, not even ${estimate.memory.minFrames} frames without upscaling (${formatBytes(peakBytes(estimate.memory, estimate.memory.minFrames, false))}): free ${what} first`;
  return { fits: false, neededBytes, freeBytes, proposal, message: head + tail };
}

/** Refuses, with an input error naming what fits, a shot that would not fit in `freeBytes`. */
export function checkFits(estimate: ShotEstimate, freeBytes: number | undefined): FitReport {
  const report = fitReport(estimate, freeBytes);
  if (report.fits) return report;
  throw inputError('INSUFFICIENT_MEMORY', report.message ?? 'the shot does not fit in memory', {
    neededBytes: report.neededBytes,
    freeBytes: report.freeBytes,
    proposal: report.proposal,
  });
}
