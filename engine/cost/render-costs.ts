// The estimate around one render (the render path of issue 8). Before the pipeline runs, the shot is
// estimated from the calibration in force; a render never calibrates (that is a minute of
// benchmark): an uncalibrated pack gets the first guess, and the record says source 'default'. On
// CUDA a shot whose peak would not fit in the free VRAM is refused with the guard's proposal; on
// the CPU it is not (see MEMORY_CHECK below). While the render runs its step events feed a
// StepClock; afterwards the record gets the estimate and the actual figures, and the render is
// folded into the calibration (recordActual), so every finished render refines the next estimate.
// Anything else that goes wrong here (an unreadable pricing file, a locked database) costs the
// render its estimate, with a warning, never the render itself.
import os from 'node:os';
import path from 'node:path';
import { isAiprodError } from '../errors';
import { LIBRARY_DOMAINS } from '../library/domains';
import { openLibraryDatabase, type LibraryDatabase } from '../library/database';
import { libraryPaths } from '../library/paths';
import type { PackManifest } from '../models/pack-format';
import type { TierName } from '../render/tiers';
import { loadTiers } from '../render/tiers';
import { aiprodHome, configPath } from '../system/paths';
import { estimateVsActual } from './accuracy';
import { recordActual, usableCalibration, type MeasuredRender, type ShotSettings } from './calibration';
import { SqliteCalibrationStore } from './calibration-store';
import { availableRamBytes, chooseDevice, gatherDeviceFacts, type DeviceFacts, type EstimateDevice, type RequestedDevice } from './device';
import type { CostProvider, Money } from './energy';
import { estimateShot, type ShotEstimate } from './estimate';
import { checkFits, fitReport, type FitReport } from './guard';
import { footprintOf, type PackFootprint } from './pack-footprint';
import { loadPricing, resolvePricingFile } from './pricing';
import { StepClock, type StepTiming } from './step-clock';
import type { ObservedTimings } from './time-model';

/**
 * Decision (docs/decisions.md, "Memory guard on the CPU"): only CUDA renders are refused. A GPU that
 * runs out of VRAM fails the render outright after minutes of work; a CPU render that needs more
 * than MemAvailable is slowed by swap, not failed, and the kernel's figure moves with the page
 * cache. The CPU check is made and recorded, and a shot that would not fit gets a warning.
 */
export const MEMORY_CHECK: Record<CostProvider, 'refuse' | 'warn'> = { cuda: 'refuse', cpu: 'warn' };

export interface RenderCostOptions {
  /** AIPROD_HOME: the library database (calibration) and the user's pricing; default from the environment. */
  home?: string;
  /** The shipped pricing file; default configs/pricing.json. */
  shippedPricing?: string;
  /** Facts about this machine (tests); default nvidia-smi, the CUDA probe and /proc/meminfo. */
  deviceFacts?: (requested: RequestedDevice) => Promise<DeviceFacts>;
}

/** The record's `estimate`: what was said before the render, and on what it was based. */
export interface RecordedEstimate {
  seconds: number;
  energyKWh: number;
  cost: Money;
  vramBytes: number;
  memoryKind: 'vram' | 'ram';
  executionProvider: CostProvider;
  device: string;
  /** 'measured': this machine's calibration of the pack; 'default': the uncalibrated first guess. */
  source: 'measured' | 'default';
  calibrationRuns: number;
  /** The pack's sessions were already open in the rendering process. */
  warmSessions: boolean;
  memoryCheck: { policy: 'refuse' | 'warn'; freeBytes: number | null; fits: boolean | null };
}

/** The record's `actual`: the measured time, with energy and money at the estimate's watts and prices. */
export interface RecordedActual {
  seconds: number;
  energyKWh: number;
  cost: Money;
  executionProvider: CostProvider;
  /** (estimate - actual) / actual for the time: negative when the render took longer than said. */
  relativeError: number;
}

export interface RenderCostRequest {
  pack: { dir: string; manifest: PackManifest };
  tier: TierName;
  settings: ShotSettings;
  device: RequestedDevice;
}

/** Packs whose sessions this process has opened by rendering them, per provider. */
const renderedHere = new Set<string>();

function warmKey(dir: string, provider: CostProvider): string {
  return `${provider}\u0000${path.resolve(dir)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The facts chooseDevice needs; a CPU render does not ask nvidia-smi or the CUDA probe. */
async function defaultFacts(requested: RequestedDevice): Promise<DeviceFacts> {
  if (requested !== 'cpu') return gatherDeviceFacts();
  const cpus = os.cpus();
  return {
    gpus: { available: false, reason: 'not asked: the CPU was requested' },
    cuda: { available: false, reason: 'not asked: the CPU was requested' },
    ram: { availableBytes: availableRamBytes(), totalBytes: os.totalmem() },
    cpuName: `${cpus[0]?.model.trim() ?? 'CPU'} (${cpus.length} threads)`,
  };
}

function openStore(home: string): { db: LibraryDatabase; store: SqliteCalibrationStore } {
  const db = openLibraryDatabase(libraryPaths(home).database, { domains: LIBRARY_DOMAINS });
  return { db, store: new SqliteCalibrationStore(db) };
}

/**
 * What a warm process already holds of this pack on the GPU (its weights and the CUDA context):
 * nvidia-smi counts it as used, and the render will not allocate it again.
 */
function heldByThisProcess(estimate: ShotEstimate): number {
  return estimate.memory.baseWeightsBytes + estimate.memory.overheadBytes;
}

export class RenderCosts {
  readonly warnings: string[] = [];
  private readonly clock = new StepClock();

  private constructor(
    private readonly request: RenderCostRequest,
    private readonly home: string,
    readonly footprint: PackFootprint | undefined,
    readonly estimate: ShotEstimate | undefined,
    private readonly fit: FitReport | undefined,
    private readonly warm: boolean,
  ) {}

  /**
   * Estimates the shot and checks it fits. Throws INSUFFICIENT_MEMORY (an input error naming what
   * fits) for a CUDA shot too large for the free VRAM, and CUDA_UNAVAILABLE when `cuda` was asked
   * on a machine without it (the render would fail the same way a moment later).
   */
  static async begin(request: RenderCostRequest, options: RenderCostOptions = {}): Promise<RenderCosts> {
    const home = options.home ?? aiprodHome();
    const device: EstimateDevice = chooseDevice(request.device, await (options.deviceFacts ?? defaultFacts)(request.device));
    const warm = renderedHere.has(warmKey(request.pack.dir, device.provider));
    let footprint: PackFootprint | undefined;
    let estimate: ShotEstimate | undefined;
    const warnings: string[] = [];
    try {
      footprint = footprintOf(request.pack.manifest, request.pack.dir);
      const pricing = loadPricing(resolvePricingFile(home, options.shippedPricing ?? configPath('pricing.json')));
      const { db, store } = openStore(home);
      let calibration;
      try {
        calibration = usableCalibration(store.get(footprint.id, device.provider), footprint);
      } finally {
        db.close();
      }
      estimate = estimateShot(
        { footprint, device, pricing, tiers: loadTiers(), warmSessions: warm, ...(calibration === undefined ? {} : { calibration }) },
        { tier: request.tier, steps: request.settings.steps, frames: request.settings.frames, upscale: request.settings.upscale },
      );
    } catch (error) {
      if (!isAiprodError(error)) throw error;
      warnings.push(`no cost estimate for this render: ${error.message}`);
    }
    let fit: FitReport | undefined;
    if (estimate !== undefined) {
      const free = device.freeMemoryBytes;
      const freeForThis = free !== undefined && warm && device.provider === 'cuda' ? free + heldByThisProcess(estimate) : free;
      // The refusal: an input error carrying the guard's proposal (frames or tier that fit).
      fit = MEMORY_CHECK[device.provider] === 'refuse' ? checkFits(estimate, freeForThis) : fitReport(estimate, freeForThis);
      if (!fit.fits) warnings.push(`${fit.message ?? 'the shot may not fit in memory'} (a CPU render is not refused: it swaps)`);
    }
    const costs = new RenderCosts(request, home, footprint, estimate, fit, warm);
    costs.warnings.push(...warnings);
    return costs;
  }

  /** Feed every progress event of the render; the denoising steps time the per-step cost. */
  observe(event: StepTiming): void {
    this.clock.observe(event);
  }

  /** The record's `estimate` and `actual`; null when no estimate could be made. */
  recordFields(timings: { totalMs: number }, provider: CostProvider): { estimate: RecordedEstimate | null; actual: RecordedActual | null } {
    const e = this.estimate;
    if (e === undefined) return { estimate: null, actual: null };
    const pair = estimateVsActual(e, timings);
    const free = this.fit?.freeBytes;
    return {
      estimate: {
        ...pair.estimate,
        executionProvider: e.executionProvider,
        device: e.device,
        source: e.breakdown.calibration.source,
        calibrationRuns: e.breakdown.calibration.runs,
        warmSessions: this.warm,
        memoryCheck: { policy: MEMORY_CHECK[e.executionProvider], freeBytes: free ?? null, fits: free === undefined ? null : (this.fit?.fits ?? null) },
      },
      actual: { ...pair.actual, executionProvider: provider, relativeError: Math.round(pair.relativeError * 1e4) / 1e4 },
    };
  }

  /**
   * Folds the finished render into the calibration of its pack on the provider it actually ran on,
   * with the step time its events gave. Returns a warning when the library could not take it.
   */
  commit(provider: CostProvider, timings: ObservedTimings): string | undefined {
    renderedHere.add(warmKey(this.request.pack.dir, provider));
    if (this.footprint === undefined) return undefined;
    const measured: MeasuredRender = { timings };
    const stepMs = this.clock.stepMs();
    const extra = this.clock.firstStepExtraMs(timings.denoiseMs);
    if (stepMs !== undefined) measured.stepMs = stepMs;
    if (extra !== undefined) measured.firstStepExtraMs = extra;
    try {
      const { db, store } = openStore(this.home);
      try {
        recordActual(store, this.footprint, provider, this.request.settings, measured);
      } finally {
        db.close();
      }
      return undefined;
    } catch (error) {
      return `this render could not refine the estimates (${messageOf(error)})`;
    }
  }
}

/** For tests: forget which packs this process has rendered. */
export function forgetRenderedPacks(): void {
  renderedHere.clear();
}
