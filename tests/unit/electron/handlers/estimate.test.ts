import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventChannel } from '../../../../electron/common/channel-names';
import type { CalibrationEventDto, PricingDto, PricingViewDto, ShotEstimateDto, TimelineEstimateDto } from '../../../../electron/common/channels/estimate';
import type { HandlerContext } from '../../../../electron/handlers/context';
import { dispatch } from '../../../../electron/handlers/dispatch';
import { closeEstimateService, createEstimateService, setEstimateService, type EstimateServiceWiring } from '../../../../electron/handlers/estimate';
import { checkedEvent } from '../../../../electron/handlers/events';
import type { CalibratePackRequest, CalibratePackResult } from '../../../../engine/cost/calibrate-pack';
import { SqliteCalibrationStore } from '../../../../engine/cost/calibration-store';
import type { DeviceFacts } from '../../../../engine/cost/device';
import { userPricingFile } from '../../../../engine/cost/pricing';
import { openLibraryDatabase } from '../../../../engine/library/database';
import { LIBRARY_DOMAINS } from '../../../../engine/library/domains';
import { libraryPaths } from '../../../../engine/library/paths';
import { stubServices } from '../stub-services';

// The estimate and pricing domains through the shells' one dispatch (payload checked, handler run,
// result checked against the contract), on the real engine: the tiny fixture pack, a library
// database in a temporary AIPROD_HOME, the shipped pricing. Only the machine facts are fixed (a
// CPU-only machine with 8 GiB free), so the figures do not depend on where the tests run.

const root = path.resolve(import.meta.dirname, '../../../..');
const FIXTURES = path.join(root, 'tests/fixtures');
const GIB = 1024 ** 3;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'aiprod-estimate-handlers-'));
const opened: HandlerContext[] = [];
afterAll(() => {
  for (const ctx of opened) closeEstimateService(ctx);
  rmSync(scratch, { recursive: true, force: true });
});

const cpuOnly: DeviceFacts = {
  gpus: { available: false, reason: 'nvidia-smi not found (test machine)' },
  cuda: { available: false, reason: 'no NVIDIA driver (test machine)' },
  ram: { availableBytes: 8 * GIB, totalBytes: 16 * GIB },
  cpuName: 'Test CPU (4 threads)',
};

interface Harness {
  ctx: HandlerContext;
  home: string;
  events: { channel: EventChannel; data: unknown }[];
}

let homes = 0;

function harness(wiring: Partial<Omit<EstimateServiceWiring, 'emit'>> = {}): Harness {
  const home = path.join(scratch, `home-${++homes}`);
  const events: Harness['events'] = [];
  const ctx: HandlerContext = {
    services: stubServices(),
    shell: { shell: 'host', shellVersion: '0.1.0' },
    // Events go through the contract's check, as both shells send them.
    emit: (channel, data) => events.push({ channel, data: checkedEvent(channel, data) }),
  };
  opened.push(ctx);
  setEstimateService(ctx, createEstimateService({ emit: ctx.emit, home, packSearchDirs: () => [FIXTURES], deviceFacts: async () => cpuOnly, calibrate: false, ...wiring }));
  return { ctx, home, events };
}

type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; detail?: Record<string, unknown> } };

async function value<T>(answer: Promise<Answer>): Promise<T> {
  const result = await answer;
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value as T;
}

async function failure(answer: Promise<Answer>): Promise<{ code: string; message: string; detail?: Record<string, unknown> }> {
  const result = await answer;
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

const call = (h: Harness, channel: string, payload?: unknown) => dispatch(channel, payload, h.ctx) as Promise<Answer>;

describe('estimate.shot', () => {
  const h = harness();

  it('answers the keys of `aiprod estimate --json`, for the CPU when CUDA is unavailable', async () => {
    const e = await value<ShotEstimateDto>(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', steps: 6, frames: 8, device: 'auto' }));
    expect(e.seconds).toBeGreaterThan(0);
    expect(e.energyKWh).toBeGreaterThan(0);
    expect(e.cost.amount).toBeGreaterThan(0);
    expect(e.cost.currency).toBe('EUR');
    expect(e.vramBytes).toBeGreaterThan(0);
    expect(e.executionProvider).toBe('cpu');
    expect(e.memoryKind).toBe('ram');
    expect(e.providerReason).toContain('no NVIDIA driver');
    expect(e).toMatchObject({ model: 'tiny-test', tier: 'eco', steps: 6, frames: 8, fit: { fits: true, freeBytes: 8 * GIB } });
    // No calibration runner: the first guess, and it says so.
    expect(e.calibration).toEqual({ source: 'default', runs: 0, state: 'uncalibrated' });
    expect(e.accuracy).toEqual({ pairs: 0 });
  });

  it('changes with the steps: more steps, more time and money', async () => {
    const few = await value<ShotEstimateDto>(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', steps: 4, device: 'cpu' }));
    const many = await value<ShotEstimateDto>(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', steps: 40, device: 'cpu' }));
    expect(many.seconds).toBeGreaterThan(few.seconds);
    expect(many.breakdown.denoiseMs).toBeGreaterThan(few.breakdown.denoiseMs);
    expect(many.cost.amount).toBeGreaterThanOrEqual(few.cost.amount);
  });

  it('refuses a bad tier at the contract, naming the field', async () => {
    const error = await failure(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'ultra', device: 'cpu' }));
    expect(error.code).toBe('BAD_PAYLOAD');
    expect(error.message).toContain('tier');
  });

  it('refuses what the render would refuse, with the engine’s error naming the field', async () => {
    const steps = await failure(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', steps: 0, device: 'cpu' }));
    expect(steps).toMatchObject({ code: 'INVALID_REQUEST', detail: { field: 'steps' } });
    const frames = await failure(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', frames: 7, device: 'cpu' }));
    expect(frames).toMatchObject({ code: 'FRAMES_OUT_OF_RANGE', detail: { field: 'frames' } });
    const cuda = await failure(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', device: 'cuda' }));
    expect(cuda.code).toBe('CUDA_UNAVAILABLE');
    const model = await failure(call(h, 'estimate.shot', { model: 'no-such-pack', tier: 'eco', device: 'cpu' }));
    expect(model.code).toBe('PACK_NOT_FOUND');
    expect(model.message).toContain('no-such-pack');
  });
});

describe('estimate.timeline', () => {
  it('adds the shots up, opens each pack once, and names a shot it cannot estimate', async () => {
    const h = harness();
    const shot = { model: 'tiny-test', tier: 'eco' as const, steps: 6, frames: 8 };
    const t = await value<TimelineEstimateDto>(call(h, 'estimate.timeline', { shots: [shot, { ...shot, frames: 7 }, shot], device: 'cpu' }));
    expect(t).toMatchObject({ shotCount: 3, estimatedShots: 2, calibrating: false });
    const [first, bad, third] = t.shots;
    if (!first?.ok || !third?.ok || bad?.ok !== false) throw new Error(`unexpected outcomes ${JSON.stringify(t.shots)}`);
    expect(bad.error).toMatchObject({ code: 'FRAMES_OUT_OF_RANGE', field: 'frames' });
    // The worker renders them in order: the second shot of the pack finds its sessions open.
    expect(first.estimate.breakdown.sessionLoadMs).toBeGreaterThan(0);
    expect(third.estimate.breakdown.sessionLoadMs).toBe(0);
    expect(third.estimate.seconds).toBeLessThan(first.estimate.seconds);
    expect(t.seconds).toBeCloseTo(first.estimate.seconds + third.estimate.seconds, 3);
    expect(t.cost.amount).toBeCloseTo(first.estimate.cost.amount + third.estimate.cost.amount, 6);
    expect(t.vramBytes).toBe(Math.max(first.estimate.vramBytes, third.estimate.vramBytes));
  });

  it('answers zeros for an empty timeline', async () => {
    const t = await value<TimelineEstimateDto>(call(harness(), 'estimate.timeline', { shots: [], device: 'cpu' }));
    expect(t).toMatchObject({ seconds: 0, energyKWh: 0, cost: { amount: 0, currency: 'EUR' }, shotCount: 0, estimatedShots: 0 });
  });
});

describe('estimate.accuracy', () => {
  it('is the median |estimate - actual| / actual of the calibrated estimates stored', async () => {
    const h = harness();
    expect(await value(call(h, 'estimate.accuracy'))).toEqual({ pairs: 0 });
    const db = openLibraryDatabase(libraryPaths(h.home).database, { domains: LIBRARY_DOMAINS });
    try {
      const store = new SqliteCalibrationStore(db);
      const time = { encodeMs: 1, fixedMs: 1, stepPowerFit: { weight: 1, sumX: 1, sumY: 1, sumXX: 1, sumXY: 1 }, decodeMsPerFrame: 1 };
      const record = { packId: 'tiny-test', provider: 'cpu' as const, fingerprint: 'x', runs: 1, time, updatedAt: '2026-11-23T12:00:00.000Z' };
      const pair = (estimatedMs: number, source: 'measured' | 'default') => ({ packId: 'tiny-test', provider: 'cpu' as const, source, steps: 6, frames: 8, upscale: false, estimatedMs, actualMs: 1000, recordedAt: record.updatedAt });
      // Errors 10 %, 20 %, 40 % among the calibrated ones; the uncalibrated first guess is left out.
      for (const p of [pair(1100, 'measured'), pair(800, 'measured'), pair(1400, 'measured'), pair(5000, 'default')]) store.save(record, p);
    } finally {
      db.close();
    }
    const accuracy = await value<{ pairs: number; medianAbsRelativeError: number; worstAbsRelativeError: number }>(call(h, 'estimate.accuracy'));
    expect(accuracy.pairs).toBe(3);
    expect(accuracy.medianAbsRelativeError).toBeCloseTo(0.2, 9);
    expect(accuracy.worstAbsRelativeError).toBeCloseTo(0.4, 9);
    expect(await value(call(h, 'estimate.accuracy', { model: 'other-pack' }))).toEqual({ pairs: 0 });
  });
});

describe('pricing.get and pricing.save', () => {
  const edited: PricingDto = { currency: 'CHF', electricity: { pricePerKWh: 0.5 }, amortisation: { gpuPerHour: 1, cpuPerHour: 0.1 }, power: { gpuBoardWatts: 300, cpuPackageWatts: 90 } };

  it('a bad value fails naming the field, and the settings in force and the file stay as they were', async () => {
    const h = harness();
    const before = await value<PricingViewDto>(call(h, 'pricing.get'));
    expect(before.pricing.currency).toBe('EUR');
    expect(before.file).toBe(path.join(root, 'configs/pricing.json'));

    const error = await failure(call(h, 'pricing.save', { pricing: { ...before.pricing, electricity: { pricePerKWh: 25 } } }));
    expect(error.code).toBe('PRICING_INVALID');
    expect(error.detail?.field).toBe('electricity.pricePerKWh');
    expect(error.message).toMatch(/^electricity\.pricePerKWh must be between 0 and 10/);
    expect(error.message).toContain('the pricing in force is unchanged');
    const currency = await failure(call(h, 'pricing.save', { pricing: { ...before.pricing, currency: 'euro' } }));
    expect(currency.detail?.field).toBe('currency');

    expect(await value(call(h, 'pricing.get'))).toEqual(before);
    expect(existsSync(userPricingFile(h.home))).toBe(false);
    const estimate = await value<ShotEstimateDto>(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', device: 'cpu' }));
    expect(estimate.cost.currency).toBe('EUR');
    expect(h.events.filter((e) => e.channel === 'pricing.changed')).toEqual([]);
  });

  it('a good value is saved to the user’s file, announced, and used by the next estimate', async () => {
    const h = harness();
    const saved = await value<PricingViewDto>(call(h, 'pricing.save', { pricing: edited }));
    expect(saved).toEqual({ pricing: edited, file: userPricingFile(h.home) });
    expect(JSON.parse(readFileSync(userPricingFile(h.home), 'utf8'))).toEqual(edited);
    expect(h.events).toEqual([{ channel: 'pricing.changed', data: saved }]);
    const estimate = await value<ShotEstimateDto>(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', device: 'cpu' }));
    expect(estimate.cost.currency).toBe('CHF');
    expect(estimate.power.cpuWatts).toBe(90);
    // A later bad save keeps these, not the shipped ones.
    await failure(call(h, 'pricing.save', { pricing: { ...edited, power: { gpuBoardWatts: 0, cpuPackageWatts: 90 } } }));
    expect((await value<PricingViewDto>(call(h, 'pricing.get'))).pricing).toEqual(edited);
    expect(JSON.parse(readFileSync(userPricingFile(h.home), 'utf8'))).toEqual(edited);
  });
});

describe('first-use calibration', () => {
  /** A calibration runner the test finishes by hand, storing what a real one would. */
  function manualRunner() {
    const requests: CalibratePackRequest[] = [];
    let finish: (ok: boolean) => void = () => undefined;
    const run = (request: CalibratePackRequest): Promise<CalibratePackResult> => {
      requests.push(request);
      return new Promise((resolve, reject) => {
        finish = (ok) => {
          if (!ok) return reject(new Error('the benchmark crashed'));
          const db = openLibraryDatabase(libraryPaths(request.home).database, { domains: LIBRARY_DOMAINS });
          try {
            const time = { encodeMs: 5, fixedMs: 5, stepPowerFit: { weight: 1, sumX: Math.log(64), sumY: Math.log(2), sumXX: Math.log(64) ** 2, sumXY: Math.log(64) * Math.log(2) }, decodeMsPerFrame: 1 };
            // The fingerprint of the tiny pack (version / bytes of its weights): see calibration.ts.
            new SqliteCalibrationStore(db).save({ packId: 'tiny-test', provider: 'cpu', fingerprint: fingerprint, runs: 2, time, updatedAt: new Date().toISOString() });
          } finally {
            db.close();
          }
          resolve({ packId: 'tiny-test', provider: 'cpu', runs: 2, measuredNow: true });
        };
      });
    };
    return { run, requests, finish: (ok: boolean) => finish(ok) };
  }
  let fingerprint = '';

  it('starts once, says "calibrating" meanwhile, announces the end, then the estimate is measured', async () => {
    const { fingerprintOf } = await import('../../../../engine/cost/calibration');
    const { footprintOf } = await import('../../../../engine/cost/pack-footprint');
    const { findPack } = await import('../../../../engine/models/pack-loader');
    const pack = await findPack('tiny-test', [FIXTURES]);
    fingerprint = fingerprintOf(footprintOf(pack.manifest, pack.dir));

    const runner = manualRunner();
    const h = harness({ calibrate: runner.run });
    const ask = () => value<ShotEstimateDto>(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', device: 'auto' }));
    const first = await ask();
    expect(first.calibration).toEqual({ source: 'default', runs: 0, state: 'calibrating' });
    const again = await ask();
    expect(again.calibration.state).toBe('calibrating');
    expect(runner.requests).toHaveLength(1);
    // `auto` resolved to the provider the estimate chose, so the worker measures the same one.
    expect(runner.requests[0]).toMatchObject({ packId: 'tiny-test', device: 'cpu', home: h.home });
    expect(h.events.map((e) => (e.data as CalibrationEventDto).state)).toEqual(['running']);

    runner.finish(true);
    await expect.poll(() => h.events.length).toBe(2);
    expect(h.events[1]).toEqual({ channel: 'estimate.calibration', data: { packId: 'tiny-test', provider: 'cpu', state: 'done' } });
    const measured = await ask();
    expect(measured.calibration).toEqual({ source: 'measured', runs: 2, state: 'calibrated' });
    expect(measured.breakdown.calibration).toEqual({ source: 'measured', runs: 2 });
  });

  it('a failed calibration is reported and not retried at every estimate', async () => {
    const runner = manualRunner();
    const h = harness({ calibrate: runner.run });
    await value(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', device: 'cpu' }));
    runner.finish(false);
    await expect.poll(() => h.events.length).toBe(2);
    expect(h.events[1]?.data).toMatchObject({ state: 'failed', message: 'the benchmark crashed' });
    const after = await value<ShotEstimateDto>(call(h, 'estimate.shot', { model: 'tiny-test', tier: 'eco', device: 'cpu' }));
    expect(after.calibration).toEqual({ source: 'default', runs: 0, state: 'failed', message: 'the benchmark crashed' });
    expect(runner.requests).toHaveLength(1);
  });
});
