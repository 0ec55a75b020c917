// What the estimates need from a model pack: the size of the weights each component loads (from the
// files on disk, so a pack whose manifest omits `bytes` still counts) and the geometry that says how
// much work a shot of N frames is.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors';
import type { PackComponentName, PackManifest } from '../models/pack-format';

/** The components a text-to-video render loads, always; the upsampler only when asked. */
const ALWAYS_LOADED: readonly PackComponentName[] = ['textEncoder', 'denoiser', 'vaeDecoder'];

export interface PackFootprint {
  id: string;
  version: string;
  dir: string;
  trained: boolean;
  /** Bytes of weights per component present in the pack (ONNX file plus its external data). */
  componentBytes: Partial<Record<PackComponentName, number>>;
  /** Parameter counts where the manifest gives them. */
  componentParameters: Partial<Record<PackComponentName, number>>;
  geometry: PackGeometry;
  defaults: { steps: number };
  hasUpsampler: boolean;
  /** The validated manifest, for the render's own settings rules. */
  manifest: PackManifest;
}

export interface PackGeometry {
  latentChannels: number;
  latentHeight: number;
  latentWidth: number;
  /** Video frames per latent frame (video.frames / latent.frames). */
  framesPerLatentFrame: number;
  defaultFrames: number;
  maxFrames: number;
  height: number;
  width: number;
  /** Spatial factor of the upsampler (1 without one). */
  upscale: number;
  /** Prompt length in tokens (tokenizer.maxLength). */
  textTokens: number;
}

/** One shot's work, in the units the time and memory models scale by. */
export interface WorkShape {
  steps: number;
  frames: number;
  upscale: boolean;
  latentFrames: number;
  /** Latent positions the denoiser sees per row: latent frames x height x width. */
  latentTokens: number;
  /** Pixels of the decoded clip (frames x height x width), before the upsampler. */
  decodedPixels: number;
  /** Pixels of the finished video: decoded, times the upsampler's factor squared when it runs. */
  outputPixels: number;
}

export function shapeOf(geometry: PackGeometry, request: { steps: number; frames: number; upscale: boolean }): WorkShape {
  const latentFrames = Math.max(1, Math.ceil(request.frames / geometry.framesPerLatentFrame));
  return {
    steps: request.steps,
    frames: request.frames,
    upscale: request.upscale,
    latentFrames,
    latentTokens: latentFrames * geometry.latentHeight * geometry.latentWidth,
    decodedPixels: request.frames * geometry.height * geometry.width,
    outputPixels: request.frames * geometry.height * geometry.width * (request.upscale ? geometry.upscale * geometry.upscale : 1),
  };
}

export function geometryOf(manifest: PackManifest): PackGeometry {
  const framesPerLatentFrame = Math.max(1, Math.round(manifest.video.frames / manifest.latent.frames));
  return {
    latentChannels: manifest.latent.channels,
    latentHeight: manifest.latent.height,
    latentWidth: manifest.latent.width,
    framesPerLatentFrame,
    defaultFrames: manifest.video.frames,
    maxFrames: manifest.video.maxFrames ?? manifest.video.frames,
    height: manifest.video.height,
    width: manifest.video.width,
    upscale: manifest.components.upsampler === undefined ? 1 : manifest.video.upscale,
    textTokens: manifest.components.tokenizer.maxLength,
  };
}

/**
 * Bytes of one component's weights: its .onnx file plus external-data files named after it
 * (`denoiser.onnx.data`, `denoiser.onnx_data`, `denoiser.data`, `denoiser.bin`), where they exist.
 */
export function componentFileBytes(dir: string, file: string): number {
  const full = path.join(dir, file);
  let bytes = statSync(full).size;
  const folder = path.dirname(full);
  const base = path.basename(file);
  const stem = base.replace(/\.onnx$/i, '');
  const companions = new Set([`${base}.data`, `${base}_data`, `${stem}.data`, `${stem}.bin`]);
  for (const entry of readdirSync(folder)) {
    if (companions.has(entry)) bytes += statSync(path.join(folder, entry)).size;
  }
  return bytes;
}

export function footprintOf(manifest: PackManifest, dir: string): PackFootprint {
  const componentBytes: PackFootprint['componentBytes'] = {};
  const componentParameters: PackFootprint['componentParameters'] = {};
  const names: PackComponentName[] = [...ALWAYS_LOADED];
  if (manifest.components.upsampler !== undefined) names.push('upsampler');
  for (const name of names) {
    const component = manifest.components[name];
    if (component === undefined) continue;
    try {
      componentBytes[name] = componentFileBytes(dir, component.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw inputError('PACK_FILE_MISSING', `model pack ${manifest.id}: ${name} file ${component.file} cannot be read (${code})`, {
        pack: manifest.id,
        file: component.file,
      });
    }
    if (component.parameters !== undefined) componentParameters[name] = component.parameters;
  }
  return {
    id: manifest.id,
    version: manifest.version,
    dir,
    trained: manifest.provenance.status === 'trained',
    componentBytes,
    componentParameters,
    geometry: geometryOf(manifest),
    defaults: { steps: manifest.defaults.steps },
    hasUpsampler: manifest.components.upsampler !== undefined,
    manifest,
  };
}

/** Total weights a render loads: the always-loaded components, plus the upsampler when used. */
export function weightsBytes(footprint: PackFootprint, upscale: boolean): number {
  let total = 0;
  for (const name of ALWAYS_LOADED) total += footprint.componentBytes[name] ?? 0;
  if (upscale) total += footprint.componentBytes.upsampler ?? 0;
  return total;
}
