// Packs for the cost tests: the tiny fixture's manifest, optionally with a larger geometry, over
// sparse ONNX files of chosen sizes (the estimates read sizes from disk; no bytes are written).
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { footprintOf, type PackFootprint } from '../../../../engine/cost/pack-footprint';
import { PackManifest } from '../../../../engine/models/pack-format';

export const MIB = 1024 * 1024;
export const root = path.resolve(import.meta.dirname, '../../../..');
export const tinyManifest = PackManifest.parse(JSON.parse(readFileSync(path.join(root, 'tests/fixtures/tiny-pack/aiprod-model.json'), 'utf8')));

/** 16 x 64 x 64 latents, 4 video frames per latent frame, 512 x 512 video up to 64 frames, x2 upsampler. */
export const largeManifest = PackManifest.parse({
  ...tinyManifest,
  id: 'large-test',
  latent: { ...tinyManifest.latent, channels: 16, frames: 4, height: 64, width: 64 },
  video: { ...tinyManifest.video, frames: 16, height: 512, width: 512, maxFrames: 64, upscale: 2 },
});

export const DEFAULT_SIZES = { 'text_encoder.onnx': 10 * MIB, 'denoiser.onnx': 500 * MIB, 'vae_decoder.onnx': 50 * MIB, 'upsampler.onnx': 20 * MIB };

export function sparsePack(manifest: PackManifest, sizes: Record<string, number> = DEFAULT_SIZES): { dir: string; footprint: PackFootprint } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-cost-pack-'));
  for (const [file, bytes] of Object.entries(sizes)) {
    writeFileSync(path.join(dir, file), '');
    truncateSync(path.join(dir, file), bytes);
  }
  return { dir, footprint: footprintOf(manifest, dir) };
}
