// The estimate before a render, for one shot or a whole timeline: seconds, energy, money and peak
// memory, from the pack's files, this machine's calibration and the pricing settings.
import { AiprodError, inputError } from '../errors';
import { parseRenderRequest, type RenderRequest } from '../render/request';
import { resolveSettings } from '../render/settings';
import type { TierName, TierTable } from '../render/tiers';
import type { CalibrationRecord } from './calibration-store';
import { modelsFor } from './calibration';
import type { EstimateDevice } from './device';
import { addMoney, costOf, energyKWh, powerDraw, ratesFor, type CostProvider, type CostRates, type Money, type PowerDraw } from './energy';
import { memoryModelOf, peakBytes, type MemoryModel, type MemoryParams } from './memory';
import { shapeOf, weightsBytes, type PackFootprint } from './pack-footprint';
import type { Pricing } from './pricing';
import { predictStages } from './time-model';

export interface CostContext {
  footprint: PackFootprint;
  device: EstimateDevice;
  pricing: Pricing;
  tiers: TierTable;
  /** The stored calibration of this pack on this provider, if any (a stale one is ignored). */
  calibration?: CalibrationRecord;
  /**
   * The rendering process already has this pack's sessions open (a studio worker that rendered it).
   * Default false: a render in a fresh process, as `aiprod render` makes, pays for opening them.
   */
  warmSessions?: boolean;
}

/** What a shot asks for; unset fields take the tier's defaults, as a render does. */
export interface ShotRequest {
  tier?: TierName;
  steps?: number;
  frames?: number;
  upscale?: boolean;
}

export interface EstimateBreakdown {
  perStepMs: number;
  /** What the first denoiser step costs beyond the others (a new input shape for the runtime). */
  firstStepExtraMs: number;
  /** Opening the pack's sessions (0 when they are open already: CostContext.warmSessions). */
  sessionLoadMs: number;
  /** The render finding, reading and checking the pack. */
  packLoadMs: number;
  /** ffmpeg writing the MP4. */
  videoEncodeMs: number;
  fixedMs: number;
  encodeMs: number;
  denoiseMs: number;
  decodeMs: number;
  upsampleMs: number;
  calibration: { source: 'measured' | 'default'; runs: number };
}

export interface ShotEstimate {
  seconds: number;
  energyKWh: number;
  cost: Money;
  /** Peak memory: VRAM on CUDA; on CPU this is host RAM (memoryKind says which). */
  vramBytes: number;
  memoryKind: 'vram' | 'ram';
  executionProvider: CostProvider;
  device: string;
  packId: string;
  tier: TierName;
  steps: number;
  frames: number;
  upscale: boolean;
  breakdown: EstimateBreakdown;
  power: PowerDraw;
  /** The prices applied, so the actual cost can be worked out after the render (estimateVsActual). */
  rates: CostRates;
  /** What the guard needs to recompute the peak for other frame counts and tiers. */
  memory: MemoryModel;
  /** Tier name -> whether that tier upscales with this pack, for the guard's proposal. */
  tierUpscale: Record<TierName, boolean>;
  warnings: string[];
}

export interface TimelineEstimate {
  seconds: number;
  energyKWh: number;
  cost: Money;
  /** Shots render one after another: the peak is the largest shot's. */
  vramBytes: number;
  memoryKind: 'vram' | 'ram';
  executionProvider: CostProvider;
  shots: ShotEstimate[];
}

const PLACEHOLDER_PROMPT = 'estimate';

/** The render's own rules (tier defaults, pack frame limits, upsampler) applied to an estimate request. */
export function resolveShot(footprint: PackFootprint, tiers: TierTable, request: ShotRequest): { tier: TierName; steps: number; frames: number; upscale: boolean; warnings: string[] } {
  // The prompt does not change the cost; the request schema wants one.
  const parsed: RenderRequest = parseRenderRequest({
    prompt: PLACEHOLDER_PROMPT,
    model: footprint.id,
    ...(request.tier === undefined ? {} : { tier: request.tier }),
    ...(request.steps === undefined ? {} : { steps: request.steps }),
    ...(request.frames === undefined ? {} : { frames: request.frames }),
    ...(request.upscale === undefined ? {} : { upscale: request.upscale }),
  });
  const settings = resolveSettings(parsed, footprint.manifest, tiers);
  return { tier: parsed.tier, steps: settings.steps, frames: settings.frames, upscale: settings.upscale, warnings: settings.warnings };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function memoryModelFor(ctx: Pick<CostContext, 'footprint' | 'device'>, params: MemoryParams): MemoryModel {
  const { footprint, device } = ctx;
  return memoryModelOf(
    footprint.geometry,
    { base: weightsBytes(footprint, false), upsampler: footprint.componentBytes.upsampler ?? 0 },
    device.provider === 'cuda' ? 'vram' : 'ram',
    params,
  );
}

export function estimateShot(ctx: CostContext, request: ShotRequest): ShotEstimate {
  const { footprint, device, pricing, tiers } = ctx;
  const shot = resolveShot(footprint, tiers, request);
  const models = modelsFor(footprint, device.provider, ctx.calibration);
  const stages = predictStages(models.time, models.fallback, shapeOf(footprint.geometry, shot), { warmSessions: ctx.warmSessions === true });
  const seconds = stages.totalMs / 1000;
  const power = powerDraw(device.provider, pricing, device.gpu);
  const kWh = energyKWh(seconds, power.gpuWatts + power.cpuWatts);
  const rates = ratesFor(device.provider, pricing);
  const memory = memoryModelFor(ctx, models.memory);
  const tierUpscale = Object.fromEntries(Object.entries(tiers).map(([name, t]) => [name, t.upscale && footprint.hasUpsampler])) as Record<TierName, boolean>;
  const warnings = [...shot.warnings];
  if (models.source === 'default') warnings.push(`model ${footprint.id} is not calibrated on ${device.provider} yet: times are a first guess until it has rendered here`);
  return {
    seconds: round(seconds, 3),
    energyKWh: Number(kWh.toPrecision(6)),
    cost: costOf(rates, seconds, kWh),
    vramBytes: peakBytes(memory, shot.frames, shot.upscale),
    memoryKind: memory.kind,
    executionProvider: device.provider,
    device: device.name,
    packId: footprint.id,
    tier: shot.tier,
    steps: shot.steps,
    frames: shot.frames,
    upscale: shot.upscale,
    breakdown: {
      perStepMs: round(stages.perStepMs, 2),
      firstStepExtraMs: round(stages.firstStepExtraMs, 1),
      sessionLoadMs: round(stages.sessionLoadMs, 1),
      packLoadMs: round(stages.packLoadMs, 1),
      videoEncodeMs: round(stages.videoEncodeMs, 1),
      fixedMs: round(stages.fixedMs, 1),
      encodeMs: round(stages.encodeMs, 1),
      denoiseMs: round(stages.denoiseMs, 1),
      decodeMs: round(stages.decodeMs, 1),
      upsampleMs: round(stages.upsampleMs, 1),
      calibration: { source: models.source, runs: models.runs },
    },
    power,
    rates,
    memory,
    tierUpscale,
    warnings,
  };
}

/** A timeline renders its shots one after another on one device: times, energy and money add up. */
export function estimateTimeline(ctx: CostContext, shots: readonly ShotRequest[]): TimelineEstimate {
  if (shots.length === 0) throw inputError('TIMELINE_EMPTY', 'the timeline has no shot to estimate');
  const estimates = shots.map((shot, index) => {
    try {
      return estimateShot(ctx, shot);
    } catch (error) {
      if (!(error instanceof AiprodError)) throw error;
      throw new AiprodError(error.code, `shot ${index + 1}: ${error.message}`, { kind: error.kind, detail: { ...error.detail, shot: index + 1 }, cause: error });
    }
  });
  const seconds = estimates.reduce((sum, e) => sum + e.seconds, 0);
  return {
    seconds: round(seconds, 3),
    energyKWh: Number(estimates.reduce((sum, e) => sum + e.energyKWh, 0).toPrecision(6)),
    cost: addMoney(
      estimates.map((e) => e.cost),
      ctx.pricing.currency,
    ),
    vramBytes: Math.max(...estimates.map((e) => e.vramBytes)),
    memoryKind: ctx.device.provider === 'cuda' ? 'vram' : 'ram',
    executionProvider: ctx.device.provider,
    shots: estimates,
  };
}
