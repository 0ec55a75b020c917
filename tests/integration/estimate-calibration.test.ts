// The calibration loop on real parts: the tiny fixture pack rendered by the real pipeline on the CPU
// (onnxruntime), the figures stored in a real SQLite library file, a real render folded back in.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accuracyStats, estimateVsActual } from '../../engine/cost/accuracy';
import { calibrate, recordActual } from '../../engine/cost/calibration';
import { SqliteCalibrationStore } from '../../engine/cost/calibration-store';
import { estimateShot } from '../../engine/cost/estimate';
import { footprintOf } from '../../engine/cost/pack-footprint';
import { pipelineRunner } from '../../engine/cost/pipeline-runner';
import { loadPricing } from '../../engine/cost/pricing';
import { openLibraryDatabase } from '../../engine/library/database';
import { LIBRARY_DOMAINS } from '../../engine/library/domains';
import { loadPack } from '../../engine/models/pack-loader';
import { runTextToVideo } from '../../engine/pipelines/text-to-video/pipeline';
import { loadTiers } from '../../engine/render/tiers';
import { releaseSessions } from '../../engine/runtime';
import { configPath } from '../../engine/system/paths';
import { TINY_PACK_DIR } from '../fixtures/make-tiny-pack';

const dir = mkdtempSync(path.join(tmpdir(), 'aiprod-estimate-calibration-'));
const file = path.join(dir, 'library.sqlite');
afterAll(async () => {
  await releaseSessions();
  rmSync(dir, { recursive: true, force: true });
});

const pack = await loadPack(TINY_PACK_DIR);
const footprint = footprintOf(pack.manifest, pack.dir);
const device = { provider: 'cpu' as const, name: 'this CPU' };
const pricing = loadPricing(configPath('pricing.json'));
const tiers = loadTiers();

describe('calibration with the real pipeline', () => {
  it('measures the pack, stores it in the library file, and a finished render refines it', async () => {
    const runner = await pipelineRunner(pack, 'cpu');
    let db = openLibraryDatabase(file, { domains: LIBRARY_DOMAINS });
    const calibration = await calibrate(new SqliteCalibrationStore(db), footprint, 'cpu', runner);
    db.close();
    expect(calibration.runs).toBe(2);
    expect(calibration.time.decodeMsPerFrame).toBeGreaterThan(0);
    expect(calibration.time.upsampleMsPerFrame).toBeGreaterThan(0);
    expect(calibration.time.stepPowerFit.weight).toBeCloseTo(1, 9);

    // A later process opens the same file and estimates from it.
    db = openLibraryDatabase(file, { domains: LIBRARY_DOMAINS });
    const store = new SqliteCalibrationStore(db);
    const stored = store.get(footprint.id, 'cpu');
    expect(stored).toEqual(calibration);
    const shot = { tier: 'standard' as const, steps: 6, frames: 8 };
    // This process has the sessions open since the calibration: the render below is a warm one.
    const estimate = estimateShot({ footprint, device, pricing, tiers, warmSessions: true, ...(stored === undefined ? {} : { calibration: stored }) }, shot);
    expect(estimate.breakdown.calibration).toEqual({ source: 'measured', runs: 2 });
    const weights = Object.values(footprint.componentBytes).reduce((a, b) => a + (b ?? 0), 0);
    expect(estimate.vramBytes).toBeGreaterThanOrEqual(weights);

    // The render itself, as the studio makes it, then folded back in.
    const result = await runTextToVideo(pack, { prompt: 'a red circle moving left', seed: 5, steps: estimate.steps, frames: estimate.frames, upscale: estimate.upscale }, { device: 'cpu' });
    const pair = estimateVsActual(estimate, result.timings);
    expect(pair.actual.seconds).toBeCloseTo(result.timings.totalMs / 1000, 3);
    expect(pair.estimate.seconds).toBe(estimate.seconds);
    const updated = recordActual(store, footprint, 'cpu', { steps: estimate.steps, frames: estimate.frames, upscale: estimate.upscale }, { timings: result.timings });
    expect(updated.runs).toBe(3);
    const pairs = store.pairs({ packId: footprint.id });
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ source: 'measured', steps: 6, frames: 8, upscale: true, actualMs: result.timings.totalMs });
    // The pair holds the same estimate, before the rounding of `seconds` to milliseconds.
    expect(Math.abs((pairs[0]?.estimatedMs ?? Number.NaN) - estimate.seconds * 1000)).toBeLessThanOrEqual(0.5);
    expect(accuracyStats(store, { packId: footprint.id }).pairs).toBe(1);
    db.close();
  });
});
