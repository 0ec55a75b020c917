import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addPeakToFit,
  analyticActivationBytes,
  DEFAULT_ACTIVATION_FACTOR,
  DEFAULT_OVERHEAD_BYTES,
  memoryModelOf,
  memoryParamsFrom,
  peakBytes,
} from '../../../../engine/cost/memory';
import { componentFileBytes, footprintOf, shapeOf, weightsBytes } from '../../../../engine/cost/pack-footprint';
import { PackManifest } from '../../../../engine/models/pack-format';

const root = path.resolve(import.meta.dirname, '../../../..');
const MIB = 1024 * 1024;
// Geometry of the tiny fixture: latent 4 x 8 x 8, 2 frames per latent frame, 16 x 16 video up to 8 frames, x2 upsampler.
const manifest = PackManifest.parse(JSON.parse(readFileSync(path.join(root, 'tests/fixtures/tiny-pack/aiprod-model.json'), 'utf8')));

/** A pack folder whose ONNX files have the given sizes (sparse files: no disk is used). */
function packWithSizes(sizes: Record<string, number>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-footprint-'));
  for (const [file, bytes] of Object.entries(sizes)) {
    writeFileSync(path.join(dir, file), '');
    truncateSync(path.join(dir, file), bytes);
  }
  return dir;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('weights from the pack files', () => {
  const dir = packWithSizes({
    'text_encoder.onnx': 10 * MIB,
    'denoiser.onnx': 100 * MIB,
    'denoiser.onnx.data': 400 * MIB, // external data counts with its model
    'vae_decoder.onnx': 50 * MIB,
    'vae_encoder.onnx': 30 * MIB, // not used by text-to-video
    'upsampler.onnx': 20 * MIB,
    'unrelated.bin': 999 * MIB,
  });
  dirs.push(dir);
  const footprint = footprintOf(manifest, dir);

  it('sums each component file and its external data, read from disk (not from the manifest)', () => {
    expect(componentFileBytes(dir, 'denoiser.onnx')).toBe(500 * MIB);
    expect(footprint.componentBytes).toEqual({ textEncoder: 10 * MIB, denoiser: 500 * MIB, vaeDecoder: 50 * MIB, upsampler: 20 * MIB });
  });

  it('counts the upsampler only for a shot that upscales', () => {
    expect(weightsBytes(footprint, false)).toBe(560 * MIB);
    expect(weightsBytes(footprint, true)).toBe(580 * MIB);
  });

  it('names the missing file of a pack', () => {
    const broken = packWithSizes({ 'text_encoder.onnx': 1, 'vae_decoder.onnx': 1 });
    dirs.push(broken);
    expect(() => footprintOf(manifest, broken)).toThrow(/denoiser file denoiser.onnx cannot be read/);
  });

  it('estimates the peak as weights + overhead + factor x the pipeline tensors', () => {
    const model = memoryModelOf(footprint.geometry, { base: 560 * MIB, upsampler: 20 * MIB }, 'vram', { overheadBytes: 300 * MIB, activationFactor: 3 });
    // 8 frames = 4 latent frames: latents 4 x (4 rows of 4 x 8 x 8 floats) = 16384 B, decoded 8 x 3 x 16 x 16 x 4 = 24576 B,
    // upscaled 8 x 3 x 32 x 32 x 4 = 98304 B.
    expect(analyticActivationBytes(model, 8, false)).toBe(16384 + 24576);
    expect(analyticActivationBytes(model, 8, true)).toBe(16384 + 24576 + 98304);
    expect(peakBytes(model, 8, true)).toBe(580 * MIB + 300 * MIB + 3 * 139264);
    expect(peakBytes(model, 8, false)).toBe(560 * MIB + 300 * MIB + 3 * 40960);
  });
});

describe('work shape', () => {
  it('counts latent tokens from the frame count (rounded up to whole latent frames)', () => {
    const g = footprintOf(manifest, path.join(root, 'tests/fixtures/tiny-pack')).geometry;
    expect(shapeOf(g, { steps: 3, frames: 8, upscale: false })).toMatchObject({ latentFrames: 4, latentTokens: 256, decodedPixels: 8 * 256 });
    expect(shapeOf(g, { steps: 3, frames: 3, upscale: false }).latentFrames).toBe(2);
  });
});

describe('memory learned from measured peaks', () => {
  const g = footprintOf(manifest, path.join(root, 'tests/fixtures/tiny-pack')).geometry;
  const model = memoryModelOf(g, { base: 1000, upsampler: 0 }, 'ram', { overheadBytes: 0, activationFactor: 1 });

  it('uses the defaults until a peak is measured', () => {
    expect(memoryParamsFrom(undefined, 'cuda')).toEqual({ overheadBytes: DEFAULT_OVERHEAD_BYTES.cuda, activationFactor: DEFAULT_ACTIVATION_FACTOR });
  });

  it('recovers overhead and factor from peaks at two sizes', () => {
    const truth = (frames: number) => 1000 + 5_000_000 + 6 * analyticActivationBytes(model, frames, false);
    let fit = addPeakToFit(undefined, model, 2, false, truth(2));
    fit = addPeakToFit(fit, model, 8, false, truth(8));
    const params = memoryParamsFrom(fit, 'cpu');
    expect(params.activationFactor).toBeCloseTo(6, 6);
    expect(params.overheadBytes).toBeCloseTo(5_000_000, 0);
  });

  it('from one size, keeps the default factor and puts the rest in the overhead', () => {
    const x = analyticActivationBytes(model, 4, false);
    const fit = addPeakToFit(undefined, model, 4, false, 1000 + 2_000_000 + DEFAULT_ACTIVATION_FACTOR * x);
    expect(memoryParamsFrom(fit, 'cpu')).toEqual({ overheadBytes: 2_000_000, activationFactor: DEFAULT_ACTIVATION_FACTOR });
  });

  it('from a peak below what the default factor says, lowers the factor (never below 1) with no overhead', () => {
    const x = analyticActivationBytes(model, 4, false);
    expect(memoryParamsFrom(addPeakToFit(undefined, model, 4, false, 1000 + 2 * x), 'cpu')).toEqual({ overheadBytes: 0, activationFactor: 2 });
    expect(memoryParamsFrom(addPeakToFit(undefined, model, 4, false, 10), 'cpu')).toEqual({ overheadBytes: 0, activationFactor: 1 });
  });
});
