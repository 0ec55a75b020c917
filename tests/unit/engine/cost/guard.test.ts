import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { EstimateDevice } from '../../../../engine/cost/device';
import { estimateShot } from '../../../../engine/cost/estimate';
import { checkFits, fitReport } from '../../../../engine/cost/guard';
import { peakBytes } from '../../../../engine/cost/memory';
import { loadPricing } from '../../../../engine/cost/pricing';
import { AiprodError } from '../../../../engine/errors';
import { loadTiers } from '../../../../engine/render/tiers';
import { largeManifest, MIB, root, sparsePack } from './fixtures';
import path from 'node:path';

// Weights 560 MiB (+20 MiB upsampler), CUDA defaults: 512 MiB overhead, activation factor 4.
// Per frame the pipeline holds 0.25 MiB latents + 3 MiB decoded (+12 MiB upscaled), so the peak is
// 1072 + 13 F MiB without upscaling and 1092 + 61 F MiB with it (frames in multiples of 4).
const { dir, footprint } = sparsePack(largeManifest);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pricing = loadPricing(path.join(root, 'configs/pricing.json'));
const tiers = loadTiers();
const gpu: EstimateDevice = { provider: 'cuda', name: 'Test GPU' };
const premium32 = estimateShot({ footprint, device: gpu, pricing, tiers }, { tier: 'premium', frames: 32 });

function thrown(fn: () => unknown): AiprodError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AiprodError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the memory estimate the guard works from', () => {
  it('is 1092 + 61 x frames MiB for an upscaled shot here', () => {
    expect(premium32.upscale).toBe(true);
    expect(premium32.vramBytes).toBe((1092 + 61 * 32) * MIB);
    expect(peakBytes(premium32.memory, 32, false)).toBe((1072 + 13 * 32) * MIB);
  });
});

describe('checkFits', () => {
  it('lets a shot through when it fits, and when the free memory is unknown', () => {
    expect(checkFits(premium32, 4000 * MIB)).toMatchObject({ fits: true, freeBytes: 4000 * MIB });
    expect(checkFits(premium32, undefined)).toMatchObject({ fits: true });
  });

  it('refuses with an input error proposing the longest clip and the largest tier that fit', () => {
    const error = thrown(() => checkFits(premium32, 2000 * MIB));
    expect(error.code).toBe('INSUFFICIENT_MEMORY');
    expect(error.kind).toBe('input');
    // 1092 + 61 F <= 2000  ->  F <= 14.9  ->  12 frames (a multiple of 4); standard upscales too, so eco is the tier.
    expect(error.detail?.proposal).toEqual({ frames: { frames: 12, bytes: (1092 + 61 * 12) * MIB }, tier: { tier: 'eco', bytes: (1072 + 13 * 32) * MIB } });
    expect(error.message).toContain('--frames 12');
    expect(error.message).toContain('--tier eco at 32 frames');
    expect(error.message).toContain('the step count does not change memory');
    expect(error.message).toContain('Test GPU');
  });

  it('proposes exactly the boundary: the proposal fits and one stride more does not', () => {
    for (const freeMiB of [1500, 1800, 2500, 3000]) {
      const report = fitReport(premium32, freeMiB * MIB);
      const proposed = report.proposal.frames;
      if (proposed === undefined) {
        expect(peakBytes(premium32.memory, 4, true)).toBeGreaterThan(freeMiB * MIB);
        continue;
      }
      expect(proposed.bytes).toBeLessThanOrEqual(freeMiB * MIB);
      expect(peakBytes(premium32.memory, proposed.frames + 4, true)).toBeGreaterThan(freeMiB * MIB);
    }
  });

  it('says when nothing fits, not even the shortest clip without upscaling', () => {
    const report = fitReport(premium32, 1000 * MIB);
    expect(report.fits).toBe(false);
    expect(report.proposal).toEqual({});
    expect(report.message).toContain('nothing fits, not even 4 frames without upscaling');
  });

  it('on CPU speaks of RAM', () => {
    const cpu: EstimateDevice = { provider: 'cpu', name: 'Test CPU' };
    const onCpu = estimateShot({ footprint, device: cpu, pricing, tiers }, { tier: 'eco', frames: 64 });
    expect(onCpu.memoryKind).toBe('ram');
    expect(fitReport(onCpu, 100 * MIB).message).toMatch(/of RAM, but only 100.0 MiB is free on Test CPU/);
  });
});
