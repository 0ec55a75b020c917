import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { absRelativeErrors, accuracyStats, estimateVsActual, median } from '../../../../engine/cost/accuracy';
import { MemoryCalibrationStore } from '../../../../engine/cost/calibration';
import type { EstimatePair } from '../../../../engine/cost/calibration-store';
import { estimateShot } from '../../../../engine/cost/estimate';
import { loadPricing } from '../../../../engine/cost/pricing';
import { loadTiers } from '../../../../engine/render/tiers';
import { largeManifest, root, sparsePack } from './fixtures';

const { dir, footprint } = sparsePack(largeManifest);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('estimateVsActual (what a reproducibility record stores)', () => {
  it('pairs the estimate with the actual time, and the energy and money that time implies at the same watts and rates', () => {
    const pricing = loadPricing(path.join(root, 'configs/pricing.json'));
    const estimate = estimateShot({ footprint, device: { provider: 'cuda', name: 'GPU' }, pricing, tiers: loadTiers() }, { tier: 'standard' });
    const actualMs = estimate.seconds * 1000 * 1.25;
    const pair = estimateVsActual(estimate, { totalMs: actualMs });
    expect(pair.estimate).toEqual({
      seconds: estimate.seconds,
      energyKWh: estimate.energyKWh,
      cost: estimate.cost,
      vramBytes: estimate.vramBytes,
      memoryKind: 'vram',
      calibration: 'default',
    });
    expect(pair.actual.seconds).toBeCloseTo(actualMs / 1000, 3);
    const watts = pricing.power.gpuBoardWatts + pricing.power.cpuPackageWatts;
    expect(pair.actual.energyKWh).toBeCloseTo(((actualMs / 1000) * watts) / 3.6e6, 9);
    const money = pair.actual.energyKWh * pricing.electricity.pricePerKWh + (actualMs / 1000 / 3600) * pricing.amortisation.gpuPerHour;
    expect(pair.actual.cost).toEqual({ amount: expect.closeTo(money, 5), currency: pricing.currency });
    expect(pair.relativeError).toBeCloseTo(-0.2, 9);
  });
});

describe('accuracyStats', () => {
  const pair = (estimatedMs: number, actualMs: number, source: 'measured' | 'default' = 'measured'): EstimatePair => ({
    packId: 'p',
    provider: 'cpu',
    source,
    steps: 1,
    frames: 1,
    upscale: false,
    estimatedMs,
    actualMs,
    recordedAt: 'now',
  });

  it('is the median of |estimate - actual| / actual over the calibrated pairs', () => {
    const store = new MemoryCalibrationStore();
    const record = { packId: 'p', provider: 'cpu' as const, fingerprint: 'f', runs: 1, time: { encodeMs: 0, fixedMs: 0, stepPowerFit: { weight: 1, sumX: 1, sumY: 1, sumXX: 1, sumXY: 1 }, decodeMsPerFrame: 0 }, updatedAt: 'now' };
    // errors: 10 %, 20 %, 5 %, 40 % -> median 15 %; the uncalibrated 500 % pair does not count.
    for (const p of [pair(110, 100), pair(80, 100), pair(105, 100), pair(140, 100), pair(600, 100, 'default')]) store.save(record, p);
    const stats = accuracyStats(store);
    expect(stats.pairs).toBe(4);
    expect(stats.medianAbsRelativeError).toBeCloseTo(0.15, 12);
    expect(stats.meanAbsRelativeError).toBeCloseTo(0.1875, 12);
    expect(stats.worstAbsRelativeError).toBeCloseTo(0.4, 12);
    expect(accuracyStats(store, { source: 'default' }).medianAbsRelativeError).toBeCloseTo(5, 12);
    expect(accuracyStats(store, { packId: 'other' })).toEqual({ pairs: 0 });
  });

  it('median and errors by hand', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
    expect(absRelativeErrors([{ estimatedMs: 50, actualMs: 100 }, { estimatedMs: 1, actualMs: 0 }])).toEqual([0.5]);
  });
});
