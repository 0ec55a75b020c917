import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate, calibrationRuns, fingerprintOf, MemoryCalibrationStore, modelsFor, recordActual, usableCalibration, type ShotSettings } from '../../../../engine/cost/calibration';
import { analyticActivationBytes, memoryModelOf } from '../../../../engine/cost/memory';
import { shapeOf } from '../../../../engine/cost/pack-footprint';
import { predictStages } from '../../../../engine/cost/time-model';
import { AiprodError } from '../../../../engine/errors';
import { PackManifest } from '../../../../engine/models/pack-format';
import { largeManifest, MIB, sparsePack } from './fixtures';

const { dir, footprint } = sparsePack(largeManifest);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const g = footprint.geometry;

/** A machine with known costs (the pipeline's figures alone, as the micro-benchmark reports them). */
function truth(s: ShotSettings, loadMs = 0.5) {
  const shape = shapeOf(g, s);
  const denoiseMs = s.steps * 0.05 * shape.latentTokens ** 1.2;
  const decodeMs = 6 * s.frames;
  const upsampleMs = s.upscale ? 9 * s.frames : 0;
  return { totalMs: loadMs + 120 + 15 + denoiseMs + decodeMs + upsampleMs, loadMs, encodeMs: 15, denoiseMs, decodeMs, upsampleMs };
}

describe('calibrationRuns', () => {
  it('warms up, then measures two clip lengths (the longer one upscaled when the pack can)', () => {
    expect(calibrationRuns(footprint)).toEqual({
      warmUp: { steps: 1, frames: 16, upscale: true },
      measured: [
        { steps: 4, frames: 8, upscale: false },
        { steps: 6, frames: 16, upscale: true },
      ],
    });
  });
});

describe('calibrate', () => {
  it('learns the machine from the micro-benchmark: later shots are predicted exactly', async () => {
    const store = new MemoryCalibrationStore();
    const seen: ShotSettings[] = [];
    const record = await calibrate(store, footprint, 'cpu', async (s) => {
      seen.push(s);
      // The warm-up opens the sessions (900 ms) and stalls (5 s): only its session load counts.
      return { timings: seen.length === 1 ? { ...truth(s, 900), totalMs: truth(s, 900).totalMs + 5000 } : truth(s) };
    });
    expect(seen).toHaveLength(3);
    expect(record.runs).toBe(2);
    expect(store.get(footprint.id, 'cpu')).toEqual(record);
    expect(store.pairs()).toEqual([]); // the micro-benchmark is not a render
    const models = modelsFor(footprint, 'cpu', record);
    expect(models.source).toBe('measured');
    expect(record.time.sessionLoadMs).toBe(900);
    // The pipeline's stages of later shots, in a warm process, come out exactly (what the pipeline
    // does not report, pack load and video, comes from the first guess until renders report it).
    for (const shot of [{ steps: 30, frames: 64, upscale: true }, { steps: 7, frames: 4, upscale: false }]) {
      const warm = predictStages(models.time, models.fallback, shapeOf(g, shot), { warmSessions: true });
      expect(warm.totalMs - warm.packLoadMs - warm.videoEncodeMs).toBeCloseTo(truth(shot, 0).totalMs, 6);
      const cold = predictStages(models.time, models.fallback, shapeOf(g, shot));
      expect(cold.sessionLoadMs).toBe(900);
      expect(cold.totalMs - cold.packLoadMs - cold.videoEncodeMs).toBeCloseTo(truth(shot, 900).totalMs, 6);
    }
  });

  it('stores nothing when a run fails, and says which pack failed', async () => {
    const store = new MemoryCalibrationStore();
    let calls = 0;
    const failing = async (s: ShotSettings) => {
      calls++;
      if (calls === 3) throw new Error('onnxruntime exploded');
      return { timings: truth(s) };
    };
    await expect(calibrate(store, footprint, 'cpu', failing)).rejects.toMatchObject({ code: 'CALIBRATION_FAILED', message: expect.stringContaining('large-test') });
    expect(store.get(footprint.id, 'cpu')).toBeUndefined();
  });

  it('refuses a pack pending training', async () => {
    const pending = { ...footprint, trained: false };
    await expect(calibrate(new MemoryCalibrationStore(), pending, 'cpu', async (s) => ({ timings: truth(s) }))).rejects.toBeInstanceOf(AiprodError);
  });
});

describe('recordActual', () => {
  it('stores the pair estimated by the calibration in force before the render, then refines it', async () => {
    const store = new MemoryCalibrationStore();
    await calibrate(store, footprint, 'cpu', async (s) => ({ timings: truth(s) }));
    const shot = { steps: 12, frames: 32, upscale: false };
    // This machine got 20 % slower at everything since the calibration.
    const slower = Object.fromEntries(Object.entries(truth(shot)).map(([k, v]) => [k, v * 1.2])) as ReturnType<typeof truth>;
    const before = store.get(footprint.id, 'cpu');
    const inForce = modelsFor(footprint, 'cpu', before);
    const expectedMs = predictStages(inForce.time, inForce.fallback, shapeOf(g, shot)).totalMs;
    const updated = recordActual(store, footprint, 'cpu', shot, { timings: slower }, () => new Date('2026-11-23T12:00:00Z'));
    const [stored] = store.pairs();
    expect(stored).toEqual({ packId: footprint.id, provider: 'cpu', source: 'measured', steps: 12, frames: 32, upscale: false, estimatedMs: expect.closeTo(expectedMs, 6), actualMs: slower.totalMs, recordedAt: '2026-11-23T12:00:00.000Z' });
    expect(updated.runs).toBe((before?.runs ?? 0) + 1);
    // The pipeline's own stages move toward the slower machine, by the smoothing share.
    const pipelineMs = (m: typeof inForce) => {
      const st = predictStages(m.time, m.fallback, shapeOf(g, shot), { warmSessions: true });
      return st.totalMs - st.packLoadMs - st.videoEncodeMs;
    };
    const after = pipelineMs(modelsFor(footprint, 'cpu', updated));
    expect(pipelineMs(inForce)).toBeCloseTo(truth(shot, 0).totalMs, 6);
    expect(after).toBeGreaterThan(truth(shot, 0).totalMs);
    expect(after).toBeLessThan(slower.totalMs - slower.loadMs);
  });

  it('learns a whole render: pack load in a fresh and a warm process, and ffmpeg as start-up + per pixel', async () => {
    const store = new MemoryCalibrationStore();
    await calibrate(store, footprint, 'cpu', async (s) => ({ timings: truth(s, store.get(footprint.id, 'cpu') === undefined ? 900 : 0.5) }));
    const render = (s: ShotSettings, loadMs: number, packLoadMs: number) => {
      const pipeline = truth(s, loadMs);
      const videoEncodeMs = 200 + 0.002 * shapeOf(g, s).outputPixels;
      return { ...pipeline, packLoadMs, videoEncodeMs, totalMs: pipeline.totalMs + packLoadMs + videoEncodeMs };
    };
    const small = { steps: 5, frames: 8, upscale: false };
    const large = { steps: 5, frames: 32, upscale: true };
    recordActual(store, footprint, 'cpu', small, { timings: render(small, 900, 450) }); // `aiprod render`: a fresh process
    const record = recordActual(store, footprint, 'cpu', large, { timings: render(large, 0.4, 12) }); // a warm worker
    expect(record.time.packLoadColdMs).toBe(450);
    expect(record.time.packLoadWarmMs).toBe(12);
    const models = modelsFor(footprint, 'cpu', record);
    const shot = { steps: 5, frames: 16, upscale: true };
    const cold = predictStages(models.time, models.fallback, shapeOf(g, shot));
    const warm = predictStages(models.time, models.fallback, shapeOf(g, shot), { warmSessions: true });
    expect(cold.packLoadMs).toBe(450);
    expect(warm.packLoadMs).toBe(12);
    expect(warm.sessionLoadMs).toBe(0);
    expect(cold.videoEncodeMs).toBeCloseTo(200 + 0.002 * shapeOf(g, shot).outputPixels, 6);
  });

  it('marks a render measured before any calibration as an estimate from the first guess', () => {
    const store = new MemoryCalibrationStore();
    recordActual(store, footprint, 'cuda', { steps: 4, frames: 16, upscale: false }, { timings: truth({ steps: 4, frames: 16, upscale: false }) });
    expect(store.pairs()[0]?.source).toBe('default');
    expect(store.get(footprint.id, 'cuda')?.runs).toBe(1);
  });

  it('learns the memory from measured peaks', () => {
    const store = new MemoryCalibrationStore();
    const weights = 560 * MIB;
    const tensorsOnly = memoryModelOf(g, { base: 0, upsampler: 0 }, 'vram', { overheadBytes: 0, activationFactor: 1 });
    const model = modelsFor(footprint, 'cuda', undefined);
    expect(model.memory.overheadBytes).toBe(512 * MIB);
    const peak = (s: ShotSettings) => weights + 300 * MIB + 2 * analyticActivationBytes(tensorsOnly, s.frames, s.upscale);
    for (const s of [{ steps: 2, frames: 8, upscale: false }, { steps: 2, frames: 32, upscale: false }]) {
      recordActual(store, footprint, 'cuda', s, { timings: truth(s), peakMemoryBytes: peak(s) });
    }
    const learned = modelsFor(footprint, 'cuda', store.get(footprint.id, 'cuda')).memory;
    expect(learned.activationFactor).toBeCloseTo(2, 6);
    expect(learned.overheadBytes).toBeCloseTo(300 * MIB, -2);
  });

  it('refuses timings that cannot be true', () => {
    const store = new MemoryCalibrationStore();
    const s = { steps: 2, frames: 8, upscale: false };
    expect(() => recordActual(store, footprint, 'cpu', s, { timings: { ...truth(s), denoiseMs: Number.NaN } })).toThrow(/denoiseMs/);
    expect(() => recordActual(store, footprint, 'cpu', s, { timings: { ...truth(s), totalMs: 0 } })).toThrow(/totalMs/);
    expect(store.get(footprint.id, 'cpu')).toBeUndefined();
  });
});

describe('a calibration measured on another version of the pack', () => {
  it('is ignored', async () => {
    const store = new MemoryCalibrationStore();
    const record = await calibrate(store, footprint, 'cpu', async (s) => ({ timings: truth(s) }));
    expect(usableCalibration(record, footprint)).toBe(record);
    const newer = { ...footprint, version: '2.0.0', manifest: PackManifest.parse({ ...footprint.manifest, version: '2.0.0' }) };
    expect(fingerprintOf(newer)).not.toBe(record.fingerprint);
    expect(usableCalibration(record, newer)).toBeUndefined();
    expect(modelsFor(newer, 'cpu', record).source).toBe('default');
  });
});
