// Calibration of the estimates on this machine: a short micro-benchmark the first time a pack runs
// on a provider, refined by every finished render (recordActual). The figures are stored per pack
// and provider with a fingerprint of the pack, so a changed pack starts again from scratch.
import { AiprodError, workError } from '../errors';
import type { CalibrationRecord, CalibrationStore, EstimatePair } from './calibration-store';
import type { CostProvider } from './energy';
import { SMOOTHING, type WeightedFit } from './weighted-fit';
import { addPeakToFit, memoryModelOf, memoryParamsFrom, type MemoryParams } from './memory';
import { shapeOf, weightsBytes, type PackFootprint } from './pack-footprint';
import { defaultTimeModel, predictStages, updateTimeModel, type ObservedTimings, type StepSplit, type TimeModel } from './time-model';

/** Settings of a shot as the render resolved them. */
export interface ShotSettings {
  steps: number;
  frames: number;
  upscale: boolean;
}

/** One measured render: the pipeline's timings and, when measured, the peak memory it used. */
export interface MeasuredRender {
  timings: ObservedTimings;
  /** Peak device memory (VRAM on CUDA, process RAM on CPU) during the render, weights included. */
  peakMemoryBytes?: number;
  /** Time of a denoiser step after the first, from the render's step events (StepClock). */
  stepMs?: number;
  /** What the first step took beyond stepMs (StepClock.firstStepExtraMs). */
  firstStepExtraMs?: number;
}

export interface CostModels {
  time: TimeModel;
  /** The uncalibrated guess, for stages the calibration has not measured yet (e.g. upsampling). */
  fallback: TimeModel;
  memory: MemoryParams;
  source: 'measured' | 'default';
  runs: number;
}

/** Pack version and weights: what calibrated figures stop being true for when it changes. */
export function fingerprintOf(footprint: PackFootprint): string {
  const bytes = Object.values(footprint.componentBytes).reduce((a, b) => a + (b ?? 0), 0);
  return `${footprint.version}/${bytes}`;
}

/** The stored calibration when it was measured on this very pack, else undefined. */
export function usableCalibration(record: CalibrationRecord | undefined, footprint: PackFootprint): CalibrationRecord | undefined {
  return record !== undefined && record.fingerprint === fingerprintOf(footprint) && record.runs > 0 ? record : undefined;
}

export function modelsFor(footprint: PackFootprint, provider: CostProvider, record: CalibrationRecord | undefined): CostModels {
  const fallback = defaultTimeModel(footprint, provider);
  const usable = usableCalibration(record, footprint);
  if (usable === undefined) return { time: fallback, fallback, memory: memoryParamsFrom(undefined, provider), source: 'default', runs: 0 };
  return { time: usable.time, fallback, memory: memoryParamsFrom(usable.memoryFit, provider), source: 'measured', runs: usable.runs };
}

function checkTimings(timings: ObservedTimings): void {
  const fields: [string, number | undefined][] = [
    ['totalMs', timings.totalMs],
    ['denoiseMs', timings.denoiseMs],
    ['encodeMs', timings.encodeMs],
    ['decodeMs', timings.decodeMs],
    ['upsampleMs', timings.upsampleMs],
  ];
  for (const [name, value] of fields) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) throw workError('TIMINGS_INVALID', `render timings: ${name} must be a finite number >= 0, got ${value}`);
  }
  if (timings.totalMs <= 0) throw workError('TIMINGS_INVALID', `render timings: totalMs must be above 0, got ${timings.totalMs}`);
}

/**
 * Folds a finished render into the calibration of its pack and provider, and stores the pair
 * (what the calibration in force before this render estimated, what it took) for accuracyStats.
 * Returns the updated calibration.
 */
export function recordActual(
  store: CalibrationStore,
  footprint: PackFootprint,
  provider: CostProvider,
  settings: ShotSettings,
  measured: MeasuredRender,
  now: () => Date = () => new Date(),
): CalibrationRecord {
  checkTimings(measured.timings);
  const shape = shapeOf(footprint.geometry, settings);
  const previous = usableCalibration(store.get(footprint.id, provider), footprint);
  const before = modelsFor(footprint, provider, previous);
  // A render whose sessions opened from the cache is estimated as a warm one, and vice versa.
  const warmSessions = measured.timings.loadMs !== undefined && before.time.sessionLoadMs !== undefined && measured.timings.loadMs < 0.25 * before.time.sessionLoadMs;
  const estimatedMs = predictStages(before.time, before.fallback, shape, { warmSessions }).totalMs;

  const record: CalibrationRecord = {
    packId: footprint.id,
    provider,
    fingerprint: fingerprintOf(footprint),
    runs: (previous?.runs ?? 0) + 1,
    time: updateTimeModel(previous?.time, shape, measured.timings, SMOOTHING, stepSplit(measured)),
    updatedAt: now().toISOString(),
  };
  const memoryFit = foldPeak(footprint, provider, settings, measured.peakMemoryBytes, previous?.memoryFit);
  if (memoryFit !== undefined) record.memoryFit = memoryFit;

  const pair: EstimatePair = {
    packId: footprint.id,
    provider,
    source: before.source,
    steps: settings.steps,
    frames: settings.frames,
    upscale: settings.upscale,
    estimatedMs,
    actualMs: measured.timings.totalMs,
    recordedAt: record.updatedAt,
  };
  store.save(record, pair);
  return record;
}

function stepSplit(measured: MeasuredRender): StepSplit | undefined {
  if (measured.stepMs === undefined) return undefined;
  return measured.firstStepExtraMs === undefined ? { stepMs: measured.stepMs } : { stepMs: measured.stepMs, firstStepExtraMs: measured.firstStepExtraMs };
}

function foldPeak(footprint: PackFootprint, provider: CostProvider, settings: ShotSettings, peak: number | undefined, previous: WeightedFit | undefined): WeightedFit | undefined {
  if (peak === undefined || !Number.isFinite(peak) || peak <= 0) return previous;
  const model = memoryModelOf(
    footprint.geometry,
    { base: weightsBytes(footprint, false), upsampler: footprint.componentBytes.upsampler ?? 0 },
    provider === 'cuda' ? 'vram' : 'ram',
    memoryParamsFrom(previous, provider),
  );
  return addPeakToFit(previous, model, settings.frames, settings.upscale, peak);
}

/**
 * The micro-benchmark: a warm-up at the largest size measured (opens the sessions, pays the runtime's
 * first-call set-up and grows its memory arenas, which the session cache spares later renders; its
 * time is not used), then a few denoiser steps and a decode at
 * two clip lengths, so that the per-step cost is known against the token count. Step times come
 * from the steps after the first, so a handful each keeps noise down.
 */
export function calibrationRuns(footprint: PackFootprint): { warmUp: ShotSettings; measured: ShotSettings[] } {
  const g = footprint.geometry;
  const stride = g.framesPerLatentFrame;
  const full = Math.min(g.maxFrames, Math.max(stride, g.defaultFrames - (g.defaultFrames % stride)));
  const half = Math.max(stride, Math.floor(full / 2 / stride) * stride);
  return {
    warmUp: { steps: 1, frames: full, upscale: footprint.hasUpsampler },
    measured: [
      { steps: 4, frames: half, upscale: false },
      { steps: 6, frames: full, upscale: footprint.hasUpsampler },
    ],
  };
}

export type RenderRunner = (settings: ShotSettings) => Promise<MeasuredRender>;

/**
 * Runs the micro-benchmark through `runner` (the real pipeline) and stores what it measured,
 * replacing any earlier calibration of this pack and provider. Nothing is stored unless every run
 * succeeded.
 */
export async function calibrate(
  store: CalibrationStore,
  footprint: PackFootprint,
  provider: CostProvider,
  runner: RenderRunner,
  options: { onRun?: (index: number, total: number, settings: ShotSettings) => void } = {},
): Promise<CalibrationRecord> {
  if (!footprint.trained) {
    throw workError('PACK_NOT_TRAINED', `model pack ${footprint.id} is pending training: it cannot render, so it cannot be calibrated`, { detail: { pack: footprint.id } });
  }
  const { warmUp, measured: plan } = calibrationRuns(footprint);
  const runs = [warmUp, ...plan];
  const renders: MeasuredRender[] = [];
  for (const [index, settings] of runs.entries()) {
    options.onRun?.(index, runs.length, settings);
    try {
      renders.push(await runner(settings));
    } catch (error) {
      if (error instanceof AiprodError) throw error;
      throw workError('CALIBRATION_FAILED', `calibrating ${footprint.id} on ${provider} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  // Folded into a scratch store first: the real one sees the finished calibration or nothing.
  const scratch = new MemoryCalibrationStore();
  let record: CalibrationRecord | undefined;
  for (const [index, settings] of plan.entries()) record = recordActual(scratch, footprint, provider, settings, renders[index + 1] as MeasuredRender);
  if (record === undefined) throw workError('CALIBRATION_FAILED', `calibrating ${footprint.id}: no run was made`);
  // The warm-up's time is not typical, but two of its figures are: it opened every session cold (what
  // a render in a fresh process pays) and it held everything a render uses (the memory peak).
  const warm = renders[0];
  const coldLoadMs = warm?.timings.loadMs;
  if (coldLoadMs !== undefined) record = { ...record, time: { ...record.time, sessionLoadMs: coldLoadMs } };
  const memoryFit = foldPeak(footprint, provider, warmUp, warm?.peakMemoryBytes, record.memoryFit);
  if (memoryFit !== undefined) record = { ...record, memoryFit };
  store.save(record);
  return record;
}

/** A store in memory: the micro-benchmark's scratch space, and a stand-in where no database is open. */
export class MemoryCalibrationStore implements CalibrationStore {
  private readonly records = new Map<string, CalibrationRecord>();
  private readonly saved: EstimatePair[] = [];

  get(packId: string, provider: CostProvider): CalibrationRecord | undefined {
    return this.records.get(`${provider}\u0000${packId}`);
  }

  save(record: CalibrationRecord, pair?: EstimatePair): void {
    this.records.set(`${record.provider}\u0000${record.packId}`, record);
    if (pair !== undefined) this.saved.push(pair);
  }

  pairs(filter: { packId?: string; provider?: CostProvider; source?: 'measured' | 'default'; limit?: number } = {}): EstimatePair[] {
    const matching = this.saved.filter(
      (p) =>
        (filter.packId === undefined || p.packId === filter.packId) &&
        (filter.provider === undefined || p.provider === filter.provider) &&
        (filter.source === undefined || p.source === filter.source),
    );
    return filter.limit === undefined ? matching : matching.slice(Math.max(0, matching.length - filter.limit));
  }
}
