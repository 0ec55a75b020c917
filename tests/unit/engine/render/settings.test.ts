import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { PackManifest } from '../../../../engine/models/pack-format';
import { parseRenderRequest } from '../../../../engine/render/request';
import { frameRange, resolveSettings } from '../../../../engine/render/settings';
import { loadTiers } from '../../../../engine/render/tiers';

const root = path.resolve(import.meta.dirname, '../../../..');
// The tiny fixture pack: 4 frames per 2 latent frames (factor 2), up to 8 frames, with an upsampler.
const manifest = PackManifest.parse(JSON.parse(readFileSync(path.join(root, 'tests/fixtures/tiny-pack/aiprod-model.json'), 'utf8')));
const withoutUpsampler = PackManifest.parse({ ...manifest, components: { ...manifest.components, upsampler: undefined } });
const tiers = loadTiers();

describe('loadTiers', () => {
  it('reads configs/tiers.json', () => {
    const file = JSON.parse(readFileSync(path.join(root, 'configs/tiers.json'), 'utf8')) as { tiers: Record<string, { steps: number }> };
    expect(tiers.eco.steps).toBe(file.tiers.eco?.steps);
    expect(tiers.premium.steps).toBe(file.tiers.premium?.steps);
  });
});

describe('resolveSettings', () => {
  it('derives the frame range from the pack geometry', () => {
    expect(frameRange(manifest)).toEqual({ step: 2, min: 2, max: 8 });
  });

  it('takes the tier defaults and lets explicit values win', () => {
    const byTier = resolveSettings(parseRenderRequest({ prompt: 'x', tier: 'eco' }), manifest, tiers);
    expect(byTier.steps).toBe(tiers.eco.steps);
    expect(byTier.guidance).toBe(tiers.eco.guidance);
    const explicit = resolveSettings(parseRenderRequest({ prompt: 'x', tier: 'eco', steps: 3, guidance: 1.5, frames: 6 }), manifest, tiers);
    expect(explicit).toMatchObject({ steps: 3, guidance: 1.5, frames: 6 });
  });

  it('fits a tier frame count the pack cannot render, with a warning', () => {
    // The tiers ask for 16 frames; the tiny pack renders at most 8.
    const settings = resolveSettings(parseRenderRequest({ prompt: 'x' }), manifest, tiers);
    expect(settings.frames).toBe(8);
    expect(settings.warnings.join(' ')).toContain(`${tiers.standard.frames} frames`);
  });

  it.each([7, 10, 1])('refuses an explicit frame count of %i that the pack cannot render', (frames) => {
    try {
      resolveSettings(parseRenderRequest({ prompt: 'x', frames }), manifest, tiers);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AiprodError);
      expect((error as AiprodError).kind).toBe('input');
      expect((error as AiprodError).message).toContain('frames must be a multiple of 2 from 2 to 8');
    }
  });

  it('upscales only when the tier asks and the pack can', () => {
    expect(resolveSettings(parseRenderRequest({ prompt: 'x', tier: 'standard' }), manifest, tiers).upscale).toBe(tiers.standard.upscale);
    expect(resolveSettings(parseRenderRequest({ prompt: 'x', tier: 'eco' }), manifest, tiers).upscale).toBe(false);
    const noUpsampler = resolveSettings(parseRenderRequest({ prompt: 'x', tier: 'premium' }), withoutUpsampler, tiers);
    expect(noUpsampler.upscale).toBe(false);
    expect(noUpsampler.warnings.join(' ')).toContain('no upsampler');
    expect(() => resolveSettings(parseRenderRequest({ prompt: 'x', upscale: true }), withoutUpsampler, tiers)).toThrow(/no upsampler/);
  });
});
