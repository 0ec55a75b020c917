// An estimate as other programs read it: the keys of `aiprod estimate --json` (DESIGN.md §3:
// seconds, energyKWh, cost.amount, cost.currency, vramBytes, executionProvider, never renamed) and
// the studio's estimate channels. Plain data only: no memory model, no rates, nothing to recompute.
import type { EstimateDevice } from './device';
import type { EstimateBreakdown, ShotEstimate } from './estimate';
import type { Money, PowerDraw } from './energy';
import type { FitProposal, FitReport } from './guard';

export interface EstimateFitJson {
  fits: boolean;
  freeBytes?: number;
  proposal: FitProposal;
  message?: string;
}

export interface EstimateJson {
  seconds: number;
  energyKWh: number;
  cost: Money;
  vramBytes: number;
  executionProvider: 'cuda' | 'cpu';
  memoryKind: 'vram' | 'ram';
  memoryNote?: string;
  device: string;
  providerReason?: string;
  model: string;
  tier: string;
  steps: number;
  frames: number;
  upscale: boolean;
  breakdown: EstimateBreakdown;
  power: PowerDraw;
  fit: EstimateFitJson;
  warnings: string[];
}

export const CPU_MEMORY_NOTE = 'CPU render: vramBytes is the peak host RAM, not GPU memory';

export function fitJson(fit: FitReport): EstimateFitJson {
  return {
    fits: fit.fits,
    ...(fit.freeBytes === undefined ? {} : { freeBytes: fit.freeBytes }),
    proposal: fit.proposal,
    ...(fit.message === undefined ? {} : { message: fit.message }),
  };
}

export function estimateJsonOf(estimate: ShotEstimate, device: Pick<EstimateDevice, 'reason'>, fit: FitReport): EstimateJson {
  const e = estimate;
  return {
    seconds: e.seconds,
    energyKWh: e.energyKWh,
    cost: e.cost,
    vramBytes: e.vramBytes,
    executionProvider: e.executionProvider,
    memoryKind: e.memoryKind,
    ...(e.memoryKind === 'ram' ? { memoryNote: CPU_MEMORY_NOTE } : {}),
    device: e.device,
    ...(device.reason === undefined ? {} : { providerReason: device.reason }),
    model: e.packId,
    tier: e.tier,
    steps: e.steps,
    frames: e.frames,
    upscale: e.upscale,
    breakdown: e.breakdown,
    power: e.power,
    fit: fitJson(fit),
    warnings: e.warnings,
  };
}
