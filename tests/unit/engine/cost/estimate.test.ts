import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate, MemoryCalibrationStore, type ShotSettings } from '../../../../engine/cost/calibration';
import type { EstimateDevice } from '../../../../engine/cost/device';
import { estimateShot, estimateTimeline } from '../../../../engine/cost/estimate';
import { DEFAULT_OVERHEAD_BYTES } from '../../../../engine/cost/memory';
import { shapeOf } from '../../../../engine/cost/pack-footprint';
import { loadPricing } from '../../../../engine/cost/pricing';
import { AiprodError } from '../../../../engine/errors';
import { loadTiers } from '../../../../engine/render/tiers';
import { largeManifest, MIB, root, sparsePack, tinyManifest } from './fixtures';

const large = sparsePack(largeManifest);
const tiny = sparsePack(tinyManifest);
afterAll(() => [large.dir, tiny.dir].forEach((d) => rmSync(d, { recursive: true, force: true })));
const pricing = loadPricing(path.join(root, 'configs/pricing.json'));
const tiers = loadTiers();
const cpu: EstimateDevice = { provider: 'cpu', name: 'Test CPU', freeMemoryBytes: 8 * 1024 * MIB };
const h100: EstimateDevice = {
  provider: 'cuda',
  name: 'NVIDIA H100 80GB HBM3',
  gpu: { name: 'NVIDIA H100 80GB HBM3', powerLimitW: 700, memoryTotalBytes: 81559 * MIB, memoryUsedBytes: 0, memoryFreeBytes: 81079 * MIB },
  freeMemoryBytes: 81079 * MIB,
};

function truth(s: ShotSettings) {
  const tokens = shapeOf(large.footprint.geometry, s).latentTokens;
  const denoiseMs = s.steps * 0.03 * tokens ** 1.1;
  return { totalMs: 200 + 30 + denoiseMs + 8 * s.frames + (s.upscale ? 20 * s.frames : 0), encodeMs: 30, denoiseMs, decodeMs: 8 * s.frames, upsampleMs: s.upscale ? 20 * s.frames : 0 };
}

describe('estimateShot', () => {
  it('takes steps, frames and upscaling from the tier unless the shot says otherwise', () => {
    const byTier = estimateShot({ footprint: large.footprint, device: cpu, pricing, tiers }, { tier: 'premium' });
    expect(byTier).toMatchObject({ tier: 'premium', steps: tiers.premium.steps, frames: tiers.premium.frames, upscale: true });
    const explicit = estimateShot({ footprint: large.footprint, device: cpu, pricing, tiers }, { tier: 'premium', steps: 7, frames: 32 });
    expect(explicit).toMatchObject({ steps: 7, frames: 32 });
  });

  it('gives the calibrated time, and energy and money consistent with it', async () => {
    const store = new MemoryCalibrationStore();
    const calibration = await calibrate(store, large.footprint, 'cuda', async (s) => ({ timings: truth(s) }));
    const e = estimateShot({ footprint: large.footprint, device: h100, pricing, tiers, calibration }, { tier: 'standard', steps: 25, frames: 48 });
    // The pipeline's stages as calibrated; pack load, session opening and video from the first guess.
    const b = e.breakdown;
    expect(b.sessionLoadMs).toBeGreaterThan(0);
    expect(b.packLoadMs).toBeGreaterThan(0);
    expect(b.videoEncodeMs).toBeGreaterThan(0);
    const expectedMs = truth({ steps: 25, frames: 48, upscale: true }).totalMs + b.sessionLoadMs + b.packLoadMs + b.videoEncodeMs;
    expect(e.seconds).toBeCloseTo(expectedMs / 1000, 2);
    const warm = estimateShot({ footprint: large.footprint, device: h100, pricing, tiers, calibration, warmSessions: true }, { tier: 'standard', steps: 25, frames: 48 });
    expect(warm.breakdown.sessionLoadMs).toBe(0);
    expect(warm.seconds).toBeLessThan(e.seconds);
    expect(e.breakdown.calibration).toEqual({ source: 'measured', runs: 2 });
    expect(e.breakdown.fixedMs).toBeCloseTo(200, 1);
    expect(e.breakdown.encodeMs).toBeCloseTo(30, 1);
    expect(e.breakdown.decodeMs).toBeCloseTo(8 * 48, 1);
    expect(e.breakdown.upsampleMs).toBeCloseTo(20 * 48, 1);
    // H100 at its 700 W limit + the configured CPU package.
    const watts = 700 + pricing.power.cpuPackageWatts;
    expect(e.power).toEqual({ gpuWatts: 700, cpuWatts: pricing.power.cpuPackageWatts, gpuSource: 'nvidia-smi power.limit' });
    // Six significant digits are kept.
    expect(Math.abs(e.energyKWh / ((e.seconds * watts) / 3.6e6) - 1)).toBeLessThan(1e-5);
    const money = e.energyKWh * pricing.electricity.pricePerKWh + (e.seconds / 3600) * pricing.amortisation.gpuPerHour;
    expect(e.cost.amount).toBeCloseTo(money, 5);
    expect(e.cost.currency).toBe(pricing.currency);
    expect(e.executionProvider).toBe('cuda');
    expect(e.memoryKind).toBe('vram');
    expect(e.warnings).toEqual([]);
  });

  it('without a calibration gives the first guess and says so', () => {
    const e = estimateShot({ footprint: large.footprint, device: cpu, pricing, tiers }, { tier: 'eco' });
    expect(e.breakdown.calibration).toEqual({ source: 'default', runs: 0 });
    expect(e.seconds).toBeGreaterThan(0);
    expect(e.warnings.join(' ')).toMatch(/not calibrated on cpu/);
  });

  it('on CPU gives host RAM: weights + the CPU overhead + activations, and CPU amortisation', () => {
    const e = estimateShot({ footprint: large.footprint, device: cpu, pricing, tiers }, { tier: 'eco', frames: 16 });
    expect(e.memoryKind).toBe('ram');
    // eco does not upscale: 560 MiB weights; 16 frames hold 16 x 3.25 MiB of tensors, x4.
    expect(e.vramBytes).toBe(560 * MIB + DEFAULT_OVERHEAD_BYTES.cpu + 4 * 16 * 3.25 * MIB);
    expect(e.power.gpuWatts).toBe(0);
    expect(e.rates.amortisationPerHour).toBe(pricing.amortisation.cpuPerHour);
  });

  it('refuses what the render would refuse, with the render’s messages', () => {
    const ctx = { footprint: tiny.footprint, device: cpu, pricing, tiers };
    expect(() => estimateShot(ctx, { tier: 'eco', frames: 7 })).toThrow(/frames must be a multiple of 2 from 2 to 8/);
    expect(() => estimateShot(ctx, { tier: 'eco', steps: 0 })).toThrow(/steps must be between 1 and 200/);
    // The tier's 16 frames do not fit the tiny pack: adapted, with a warning, as the render does.
    const adapted = estimateShot(ctx, { tier: 'eco' });
    expect(adapted.frames).toBe(8);
    expect(adapted.warnings.join(' ')).toMatch(/tier eco asks for 16 frames/);
  });
});

describe('estimateTimeline', () => {
  it('adds the shots’ times, energy and money; the peak memory is the largest shot’s', () => {
    const ctx = { footprint: large.footprint, device: h100, pricing, tiers };
    const shots = [{ tier: 'eco' as const, frames: 8 }, { tier: 'premium' as const, frames: 64 }, { tier: 'standard' as const }];
    const timeline = estimateTimeline(ctx, shots);
    const each = shots.map((s) => estimateShot(ctx, s));
    expect(timeline.shots).toEqual(each);
    expect(timeline.seconds).toBeCloseTo(each.reduce((a, e) => a + e.seconds, 0), 6);
    // Six significant digits are kept.
    expect(Math.abs(timeline.energyKWh / each.reduce((a, e) => a + e.energyKWh, 0) - 1)).toBeLessThan(1e-5);
    expect(timeline.cost.amount).toBeCloseTo(each.reduce((a, e) => a + e.cost.amount, 0), 6);
    expect(timeline.vramBytes).toBe(Math.max(...each.map((e) => e.vramBytes)));
    expect(timeline.vramBytes).toBe(each[1]?.vramBytes);
  });

  it('names the shot at fault, and refuses an empty timeline', () => {
    const ctx = { footprint: tiny.footprint, device: cpu, pricing, tiers };
    let error: unknown;
    try {
      estimateTimeline(ctx, [{ tier: 'eco' }, { tier: 'eco', frames: 9 }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AiprodError);
    expect((error as AiprodError).message).toMatch(/^shot 2: frames must be/);
    expect((error as AiprodError).kind).toBe('input');
    expect(() => estimateTimeline(ctx, [])).toThrow(/no shot/);
  });
});
