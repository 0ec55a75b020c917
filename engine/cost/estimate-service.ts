// The estimates as a long-lived studio asks for them (electron/handlers/estimate.ts): one shot, a
// whole timeline, the running accuracy, and the pricing settings. The library database stays open
// while the studio does; machine facts (nvidia-smi) are read at most every few seconds, since the
// prompt editor asks again at every change. A pack not yet calibrated on the provider is estimated
// from the first guess at once, and its calibration is started off this process (a worker) and
// announced through onCalibration, after which the caller asks again.
import { mkdirSync } from 'node:fs';
import { inputError, isAiprodError, workError, type AiprodError } from '../errors';
import { LIBRARY_DOMAINS } from '../library/domains';
import { openLibraryDatabase, type LibraryDatabase } from '../library/database';
import { libraryPaths } from '../library/paths';
import { findPack } from '../models/pack-loader';
import { DEFAULT_MODEL_ID } from '../render/request';
import { loadTiers, type TierName } from '../render/tiers';
import { aiprodHome, configPath, packSearchDirs } from '../system/paths';
import { accuracyStats, type AccuracyStats } from './accuracy';
import { usableCalibration } from './calibration';
import { SqliteCalibrationStore, type CalibrationRecord } from './calibration-store';
import type { CalibrationRunner } from './calibration-worker';
import { chooseDevice, gatherDeviceFacts, type DeviceFacts, type EstimateDevice, type RequestedDevice } from './device';
import { addMoney, type CostProvider, type Money } from './energy';
import { estimateShot, type ShotRequest } from './estimate';
import { estimateJsonOf, type EstimateJson } from './estimate-json';
import { fitReport } from './guard';
import { footprintOf, type PackFootprint } from './pack-footprint';
import { PricingSettings, type Pricing } from './pricing';

export interface ShotEstimateRequest {
  model?: string;
  tier: TierName;
  steps?: number;
  frames?: number;
  /** Accepted for symmetry with a render; the time model counts both guidance rows whatever it is. */
  guidance?: number;
  upscale?: boolean;
  device: RequestedDevice;
}

export type CalibrationState = 'calibrated' | 'calibrating' | 'uncalibrated' | 'failed';

export interface CalibrationStatus {
  source: 'measured' | 'default';
  runs: number;
  state: CalibrationState;
  /** Why the calibration failed, or why there is none (a pack pending training). */
  message?: string;
}

export interface StudioShotEstimate extends EstimateJson {
  calibration: CalibrationStatus;
  /** The running accuracy of the estimates for this pack on this provider. */
  accuracy: AccuracyStats;
}

export type TimelineShotOutcome = { ok: true; estimate: StudioShotEstimate } | { ok: false; error: { code: string; message: string; field?: string } };

export interface StudioTimelineEstimate {
  /** Sums over the shots that could be estimated (`estimatedShots` of `shotCount`). */
  seconds: number;
  energyKWh: number;
  cost: Money;
  /** Shots render one after another: the peak is the largest shot's. */
  vramBytes: number;
  estimatedShots: number;
  shotCount: number;
  /** True while any shot's pack is being calibrated: the totals will change when it is done. */
  calibrating: boolean;
  shots: TimelineShotOutcome[];
}

export interface CalibrationEvent {
  packId: string;
  provider: CostProvider;
  state: 'running' | 'done' | 'failed';
  /** During 'running': the benchmark run about to start (from 0) and how many there are. */
  run?: number;
  totalRuns?: number;
  message?: string;
}

export interface PricingView {
  pricing: Pricing;
  /** The file the settings in force come from. */
  file: string;
  /** Set when the user's pricing file is invalid and the shipped settings apply instead. */
  problem?: string;
}

export interface EstimateServiceOptions {
  /** AIPROD_HOME; default from the environment. */
  home?: string;
  /** Default configs/pricing.json. */
  shippedPricing?: string;
  /** Default engine/system packSearchDirs() at each call (AIPROD_PACKS_DIRS included). */
  packSearchDirs?: () => string[];
  /** Machine facts; default nvidia-smi, the CUDA probe and /proc/meminfo. */
  deviceFacts?: () => Promise<DeviceFacts>;
  /** How long machine facts are reused (default 5 s): free VRAM moves, but not at typing speed. */
  factsTtlMs?: number;
  /** Runs a first-use calibration off this process; without it, uncalibrated packs keep the first guess. */
  calibrate?: CalibrationRunner;
  onCalibration?: (event: CalibrationEvent) => void;
}

interface Calibrating {
  state: 'calibrating' | 'failed';
  message?: string;
  controller: AbortController;
}

/** The limit on a timeline asked for at once (a project's most shots). */
export const MAX_TIMELINE_SHOTS = 5000;

function errorOf(error: unknown): { code: string; message: string; field?: string } {
  if (!isAiprodError(error)) throw error;
  const field = error.detail?.field;
  return typeof field === 'string' ? { code: error.code, message: error.message, field } : { code: error.code, message: error.message };
}

export class EstimateService {
  private readonly home: string;
  private db: LibraryDatabase | undefined;
  private pricingSettings: PricingSettings | undefined;
  private pricingProblem: AiprodError | undefined;
  private facts: { at: number; value: Promise<DeviceFacts> } | undefined;
  private readonly calibrations = new Map<string, Calibrating>();
  private closed = false;

  constructor(private readonly options: EstimateServiceOptions = {}) {
    this.home = options.home ?? aiprodHome();
  }

  private store(): SqliteCalibrationStore {
    if (this.closed) throw workError('ESTIMATES_CLOSED', 'the estimates of this studio are closed');
    this.db ??= openLibraryDatabase(libraryPaths(this.home).database, { domains: LIBRARY_DOMAINS });
    return new SqliteCalibrationStore(this.db);
  }

  private settings(): PricingSettings {
    if (this.pricingSettings === undefined) {
      const opened = PricingSettings.forHome(this.home, this.options.shippedPricing ?? configPath('pricing.json'));
      this.pricingSettings = opened.settings;
      this.pricingProblem = opened.problem;
    }
    return this.pricingSettings;
  }

  private async device(requested: RequestedDevice): Promise<EstimateDevice> {
    const ttl = this.options.factsTtlMs ?? 5000;
    const now = Date.now();
    if (this.facts === undefined || now - this.facts.at > ttl) {
      const value = (this.options.deviceFacts ?? (() => gatherDeviceFacts()))();
      this.facts = { at: now, value };
      value.catch(() => (this.facts = undefined));
    }
    return chooseDevice(requested, await this.facts.value);
  }

  private async footprint(model: string | undefined): Promise<PackFootprint> {
    const dirs = this.options.packSearchDirs?.() ?? packSearchDirs();
    // A pack pending training is estimated from its files; it cannot be calibrated or rendered.
    const pack = await findPack(model ?? DEFAULT_MODEL_ID, dirs, { allowPending: true });
    return footprintOf(pack.manifest, pack.dir);
  }

  /** The calibration in force, starting one (off this process) when there is none and it can run. */
  private calibrationFor(footprint: PackFootprint, device: EstimateDevice, requested: RequestedDevice): { record?: CalibrationRecord; status: CalibrationStatus } {
    const record = usableCalibration(this.store().get(footprint.id, device.provider), footprint);
    const key = `${device.provider}\u0000${footprint.id}`;
    if (record !== undefined) {
      this.calibrations.delete(key);
      return { record, status: { source: 'measured', runs: record.runs, state: 'calibrated' } };
    }
    if (!footprint.trained) return { status: { source: 'default', runs: 0, state: 'uncalibrated', message: `model ${footprint.id} is pending training: it cannot be calibrated` } };
    const running = this.calibrations.get(key);
    if (running !== undefined) return { status: { source: 'default', runs: 0, state: running.state, ...(running.message === undefined ? {} : { message: running.message }) } };
    if (this.options.calibrate === undefined) return { status: { source: 'default', runs: 0, state: 'uncalibrated' } };
    this.startCalibration(key, footprint.id, device.provider, requested);
    return { status: { source: 'default', runs: 0, state: 'calibrating' } };
  }

  private startCalibration(key: string, packId: string, provider: CostProvider, requested: RequestedDevice): void {
    const calibrate = this.options.calibrate;
    if (calibrate === undefined) return;
    const entry: Calibrating = { state: 'calibrating', controller: new AbortController() };
    this.calibrations.set(key, entry);
    const announce = (event: Omit<CalibrationEvent, 'packId' | 'provider'>) => this.options.onCalibration?.({ packId, provider, ...event });
    announce({ state: 'running' });
    // The request names the provider the estimate chose, so the worker calibrates the same one.
    const device: RequestedDevice = requested === 'auto' ? provider : requested;
    calibrate(
      { packId, packSearchDirs: this.options.packSearchDirs?.() ?? packSearchDirs(), device, home: this.home },
      { signal: entry.controller.signal, onRun: (run, totalRuns) => announce({ state: 'running', run, totalRuns }) },
    ).then(
      () => {
        // The next estimate finds the stored calibration.
        this.calibrations.delete(key);
        if (!this.closed) announce({ state: 'done' });
      },
      (error: unknown) => {
        // Remembered for this session: a pack that cannot be benchmarked is not retried at every keystroke.
        entry.state = 'failed';
        entry.message = error instanceof Error ? error.message : String(error);
        if (!this.closed) announce({ state: 'failed', message: entry.message });
      },
    );
  }

  private accuracyOf(packId: string, provider: CostProvider): AccuracyStats {
    return accuracyStats(this.store(), { packId, provider });
  }

  private async estimateOne(request: ShotEstimateRequest, warmSessions: boolean, pricing: Pricing): Promise<StudioShotEstimate> {
    const footprint = await this.footprint(request.model);
    const device = await this.device(request.device);
    const { record, status } = this.calibrationFor(footprint, device, request.device);
    const shot: ShotRequest = {
      tier: request.tier,
      ...(request.steps === undefined ? {} : { steps: request.steps }),
      ...(request.frames === undefined ? {} : { frames: request.frames }),
      ...(request.upscale === undefined ? {} : { upscale: request.upscale }),
    };
    const estimate = estimateShot({ footprint, device, pricing, tiers: loadTiers(), warmSessions, ...(record === undefined ? {} : { calibration: record }) }, shot);
    return { ...estimateJsonOf(estimate, device, fitReport(estimate, device.freeMemoryBytes)), calibration: status, accuracy: this.accuracyOf(footprint.id, device.provider) };
  }

  /**
   * One shot, as a render in a fresh worker would run it (its sessions not open yet): what the
   * queue's first render of the pack pays.
   */
  async shot(request: ShotEstimateRequest): Promise<StudioShotEstimate> {
    return this.estimateOne(request, false, this.settings().current());
  }

  /**
   * The timeline rendered in order by one worker: the first shot of each pack opens its sessions,
   * the following ones find them open. A shot that cannot be estimated is reported in its place and
   * left out of the totals.
   */
  async timeline(shots: readonly Omit<ShotEstimateRequest, 'device'>[], device: RequestedDevice): Promise<StudioTimelineEstimate> {
    if (shots.length > MAX_TIMELINE_SHOTS) throw inputError('TIMELINE_TOO_LONG', `a timeline estimate takes at most ${MAX_TIMELINE_SHOTS} shots, got ${shots.length}`, { field: 'shots' });
    const pricing = this.settings().current();
    const opened = new Set<string>();
    const outcomes: TimelineShotOutcome[] = [];
    for (const shot of shots) {
      const pack = shot.model ?? DEFAULT_MODEL_ID;
      try {
        const estimate = await this.estimateOne({ ...shot, device }, opened.has(pack), pricing);
        opened.add(pack);
        outcomes.push({ ok: true, estimate });
      } catch (error) {
        outcomes.push({ ok: false, error: errorOf(error) });
      }
    }
    const estimated = outcomes.flatMap((o) => (o.ok ? [o.estimate] : []));
    return {
      seconds: Math.round(estimated.reduce((sum, e) => sum + e.seconds, 0) * 1000) / 1000,
      energyKWh: Number(estimated.reduce((sum, e) => sum + e.energyKWh, 0).toPrecision(6)),
      cost: addMoney(
        estimated.map((e) => e.cost),
        pricing.currency,
      ),
      vramBytes: Math.max(0, ...estimated.map((e) => e.vramBytes)),
      estimatedShots: estimated.length,
      shotCount: shots.length,
      calibrating: estimated.some((e) => e.calibration.state === 'calibrating'),
      shots: outcomes,
    };
  }

  /** The running accuracy over every calibrated estimate stored, or those of one pack and provider. */
  accuracy(filter: { packId?: string; provider?: CostProvider } = {}): AccuracyStats {
    return accuracyStats(this.store(), filter);
  }

  pricing(): PricingView {
    const settings = this.settings();
    return { pricing: settings.current(), file: settings.source(), ...(this.pricingProblem === undefined ? {} : { problem: this.pricingProblem.message }) };
  }

  /**
   * Validates and saves the user's pricing; an invalid value throws PRICING_INVALID naming the
   * field, and the settings in force (and the file) stay as they were.
   */
  async savePricing(value: unknown): Promise<PricingView> {
    const settings = this.settings();
    mkdirSync(this.home, { recursive: true });
    await settings.save(value);
    this.pricingProblem = undefined;
    return this.pricing();
  }

  /** Stops running calibrations (their workers are cancelled) and closes the database. */
  close(): void {
    this.closed = true;
    for (const entry of this.calibrations.values()) entry.controller.abort();
    this.calibrations.clear();
    this.db?.close();
    this.db = undefined;
  }
}
