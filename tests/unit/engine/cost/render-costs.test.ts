import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteCalibrationStore } from '../../../../engine/cost/calibration-store';
import type { DeviceFacts } from '../../../../engine/cost/device';
import { userPricingFile } from '../../../../engine/cost/pricing';
import { forgetRenderedPacks, RenderCosts, type RenderCostRequest } from '../../../../engine/cost/render-costs';
import { AiprodError } from '../../../../engine/errors';
import { openLibraryDatabase } from '../../../../engine/library/database';
import { LIBRARY_DOMAINS } from '../../../../engine/library/domains';
import { libraryPaths } from '../../../../engine/library/paths';
import { largeManifest, MIB, root, sparsePack } from './fixtures';

// The estimate around a render (render-shot's cost step) on a pack of sparse files, a real library
// database and the shipped pricing; the machine is described by fixed facts so that "does it fit"
// has one answer.

const large = sparsePack(largeManifest);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'aiprod-render-costs-'));
afterAll(() => [large.dir, scratch].forEach((d) => rmSync(d, { recursive: true, force: true })));
beforeEach(() => forgetRenderedPacks());

let homes = 0;
const newHome = () => path.join(scratch, `home-${++homes}`);
const shippedPricing = path.join(root, 'configs/pricing.json');

function cudaFacts(freeBytes: number): DeviceFacts {
  return {
    gpus: { available: true, gpus: [{ name: 'Test GPU', powerLimitW: 300, memoryTotalBytes: 24 * 1024 * MIB, memoryUsedBytes: 0, memoryFreeBytes: freeBytes }] },
    cuda: { available: true },
    ram: { availableBytes: 64 * 1024 * MIB, totalBytes: 64 * 1024 * MIB },
    cpuName: 'Test CPU',
  };
}

function cpuFacts(freeBytes: number): DeviceFacts {
  return { gpus: { available: false, reason: 'none' }, cuda: { available: false, reason: 'no driver' }, ram: { availableBytes: freeBytes, totalBytes: freeBytes }, cpuName: 'Test CPU' };
}

const request = (over: Partial<RenderCostRequest> = {}): RenderCostRequest => ({
  pack: { dir: large.dir, manifest: largeManifest },
  tier: 'standard',
  settings: { steps: 12, frames: 32, upscale: false },
  device: 'auto',
  ...over,
});

const timings = { totalMs: 5000, denoiseMs: 3000, encodeMs: 100, decodeMs: 500, upsampleMs: 0, loadMs: 800, packLoadMs: 100, videoEncodeMs: 300 };

function readStore<T>(home: string, read: (store: SqliteCalibrationStore) => T): T {
  const db = openLibraryDatabase(libraryPaths(home).database, { domains: LIBRARY_DOMAINS });
  try {
    return read(new SqliteCalibrationStore(db));
  } finally {
    db.close();
  }
}

describe('RenderCosts.begin: the estimate before a render', () => {
  it('refuses a CUDA shot that does not fit in the free VRAM, with what would fit', async () => {
    const home = newHome();
    const fits = await RenderCosts.begin(request(), { home, shippedPricing, deviceFacts: async () => cudaFacts(20 * 1024 * MIB) });
    const needed = fits.estimate?.vramBytes ?? 0;
    expect(needed).toBeGreaterThan(0);
    const error = await RenderCosts.begin(request(), { home, shippedPricing, deviceFacts: async () => cudaFacts(needed - 1) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AiprodError);
    const refusal = error as AiprodError;
    expect(refusal).toMatchObject({ code: 'INSUFFICIENT_MEMORY', kind: 'input' });
    expect(refusal.message).toContain('VRAM');
    const proposal = refusal.detail?.proposal as { frames?: { frames: number; bytes: number } };
    expect(proposal.frames?.frames).toBeLessThan(32);
    expect(proposal.frames?.bytes).toBeLessThanOrEqual(needed - 1);
    expect(refusal.message).toContain(`--frames ${proposal.frames?.frames}`);
  });

  it('on the CPU it warns and does not refuse (a CPU render swaps rather than fails)', async () => {
    const costs = await RenderCosts.begin(request({ device: 'cpu' }), { home: newHome(), shippedPricing, deviceFacts: async () => cpuFacts(64 * MIB) });
    expect(costs.estimate?.executionProvider).toBe('cpu');
    expect(costs.warnings).toHaveLength(1);
    expect(costs.warnings[0]).toContain('RAM');
    expect(costs.warnings[0]).toContain('not refused');
    expect(costs.recordFields({ totalMs: 1000 }, 'cpu').estimate?.memoryCheck).toEqual({ policy: 'warn', freeBytes: 64 * MIB, fits: false });
  });

  it('never calibrates: an uncalibrated pack is estimated from the first guess, marked default', async () => {
    const home = newHome();
    const costs = await RenderCosts.begin(request(), { home, shippedPricing, deviceFacts: async () => cpuFacts(32 * 1024 * MIB) });
    expect(costs.warnings).toEqual([]);
    const fields = costs.recordFields({ totalMs: 4000 }, 'cpu');
    expect(fields.estimate).toMatchObject({ source: 'default', calibrationRuns: 0, warmSessions: false, executionProvider: 'cpu', memoryKind: 'ram' });
    expect(fields.estimate?.seconds).toBe(costs.estimate?.seconds);
    const estimated = costs.estimate?.seconds ?? 0;
    expect(fields.actual).toMatchObject({ seconds: 4, executionProvider: 'cpu' });
    expect(fields.actual?.relativeError).toBeCloseTo((estimated - 4) / 4, 3);
    // Energy and money of the actual: the estimate's watts and prices over the measured time.
    expect(fields.actual?.energyKWh).toBeCloseTo((4 * 65) / 3_600_000, 9);
    expect(readStore(home, (s) => s.get(largeManifest.id, 'cpu'))).toBeUndefined();
  });

  it('an unreadable pricing file costs the render its estimate, with a warning, not the render', async () => {
    const home = newHome();
    mkdirSync(home, { recursive: true });
    writeFileSync(userPricingFile(home), '{ not json');
    const costs = await RenderCosts.begin(request({ device: 'cpu' }), { home, shippedPricing, deviceFacts: async () => cpuFacts(32 * 1024 * MIB) });
    expect(costs.estimate).toBeUndefined();
    expect(costs.warnings[0]).toMatch(/^no cost estimate for this render: pricing file .* is invalid/);
    expect(costs.recordFields({ totalMs: 1000 }, 'cpu')).toEqual({ estimate: null, actual: null });
  });
});

describe('RenderCosts.commit: every finished render refines the calibration', () => {
  it('stores the render and its estimate/actual pair; the next estimate is measured and warm', async () => {
    const home = newHome();
    const options = { home, shippedPricing, deviceFacts: async () => cpuFacts(32 * 1024 * MIB) };
    const first = await RenderCosts.begin(request({ device: 'cpu' }), options);
    // Step events as the pipeline sends them: the first step slower, then 250 ms each.
    for (const [step, elapsedMs] of [[1, 400], [2, 650], [3, 900], [4, 1150]] as const) first.observe({ stage: 'denoise', step, elapsedMs });
    expect(first.commit('cpu', timings)).toBeUndefined();

    const { record, pairs } = readStore(home, (s) => ({ record: s.get(largeManifest.id, 'cpu'), pairs: s.pairs() }));
    expect(record?.runs).toBe(1);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ packId: largeManifest.id, provider: 'cpu', source: 'default', steps: 12, frames: 32, actualMs: 5000 });

    const second = await RenderCosts.begin(request({ device: 'cpu' }), options);
    const fields = second.recordFields({ totalMs: 5000 }, 'cpu');
    expect(fields.estimate).toMatchObject({ source: 'measured', calibrationRuns: 1, warmSessions: true });
    // The step time came from the events (250 ms), not from the denoising divided by the steps.
    expect(second.estimate?.breakdown.perStepMs).toBeCloseTo(250, 0);
    expect(second.estimate?.breakdown.sessionLoadMs).toBe(0);
  });

  it('a warm process on CUDA counts the weights it already holds as available', async () => {
    const home = newHome();
    const roomy = { home, shippedPricing, deviceFacts: async () => cudaFacts(20 * 1024 * MIB) };
    const first = await RenderCosts.begin(request({ device: 'cuda' }), roomy);
    const needed = first.estimate?.vramBytes ?? 0;
    first.commit('cuda', timings);
    // nvidia-smi now counts this process's weights as used: free is below the peak, yet it fits.
    const tight = await RenderCosts.begin(request({ device: 'cuda' }), { ...roomy, deviceFacts: async () => cudaFacts(needed - 100 * MIB) });
    expect(tight.recordFields({ totalMs: 1 }, 'cuda').estimate?.memoryCheck).toMatchObject({ policy: 'refuse', fits: true });
  });

  it('a library that cannot be written is a warning, not a failed render', async () => {
    const home = newHome();
    const costs = await RenderCosts.begin(request({ device: 'cpu' }), { home, shippedPricing, deviceFacts: async () => cpuFacts(32 * 1024 * MIB) });
    // The database's place is taken by a folder: it cannot be opened.
    const database = libraryPaths(home).database;
    for (const file of [database, `${database}-wal`, `${database}-shm`]) rmSync(file, { force: true });
    mkdirSync(database);
    expect(costs.commit('cpu', timings)).toMatch(/^this render could not refine the estimates/);
  });
});
