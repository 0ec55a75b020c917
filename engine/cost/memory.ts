// Peak memory of a render: the weights (file sizes, exact), the runtime's fixed overhead (CUDA
// context and libraries, or onnxruntime's own allocations on CPU), and the activations: the tensors
// the pipeline holds at its widest point (latents of both guidance rows, decoded frames, upscaled
// frames) times a factor that absorbs what the models allocate inside (attention maps, arenas).
// Overhead and factor are learned from measured peaks by the same weighted line fit as the step
// time (x = the pipeline's tensors, y = peak - weights). On CPU the figure is host RAM.
import type { CostProvider } from './energy';
import type { PackGeometry } from './pack-footprint';
import { addToFit, emptyFit, lineParams, type WeightedFit } from './weighted-fit';

const FLOAT32 = 4;
const MIB = 1024 * 1024;

/** Used until a peak has been measured: onnxruntime's arenas and intermediates, roughly. */
export const DEFAULT_ACTIVATION_FACTOR = 4;
/** Used until a peak has been measured: a CUDA context with cuBLAS/cuDNN, or onnxruntime on CPU. */
export const DEFAULT_OVERHEAD_BYTES: Record<CostProvider, number> = { cuda: 512 * MIB, cpu: 64 * MIB };

export interface MemoryParams {
  overheadBytes: number;
  activationFactor: number;
}

/** Everything the guard needs to recompute the peak for another frame count or tier, purely. */
export interface MemoryModel {
  kind: 'vram' | 'ram';
  /** Text encoder + denoiser + decoder weights. */
  baseWeightsBytes: number;
  /** Upsampler weights, loaded only when the shot upscales. */
  upsamplerWeightsBytes: number;
  overheadBytes: number;
  activationFactor: number;
  /** Latent tensor bytes per latent frame, one row. */
  latentBytesPerLatentFrame: number;
  framesPerLatentFrame: number;
  /** Decoded frame bytes (3 x H x W float32) and the upscaled one. */
  decodedBytesPerFrame: number;
  upscaledBytesPerFrame: number;
  /** The pack's frame limits: a proposal stays within them. */
  minFrames: number;
  maxFrames: number;
}

export function memoryModelOf(geometry: PackGeometry, weights: { base: number; upsampler: number }, kind: 'vram' | 'ram', params: MemoryParams): MemoryModel {
  const pixels = geometry.height * geometry.width;
  return {
    kind,
    baseWeightsBytes: weights.base,
    upsamplerWeightsBytes: weights.upsampler,
    overheadBytes: params.overheadBytes,
    activationFactor: params.activationFactor,
    latentBytesPerLatentFrame: geometry.latentChannels * geometry.latentHeight * geometry.latentWidth * FLOAT32,
    framesPerLatentFrame: geometry.framesPerLatentFrame,
    decodedBytesPerFrame: 3 * pixels * FLOAT32,
    upscaledBytesPerFrame: 3 * pixels * geometry.upscale * geometry.upscale * FLOAT32,
    minFrames: geometry.framesPerLatentFrame,
    maxFrames: geometry.maxFrames,
  };
}

/**
 * The tensors the pipeline itself holds at its widest: the denoiser's input and output for both
 * guidance rows (4 latents), the decoded clip, and the upscaled clip when the shot upscales.
 */
export function analyticActivationBytes(model: MemoryModel, frames: number, upscale: boolean): number {
  const latentFrames = Math.max(1, Math.ceil(frames / model.framesPerLatentFrame));
  const latents = 4 * latentFrames * model.latentBytesPerLatentFrame;
  const decoded = frames * model.decodedBytesPerFrame;
  const upscaled = upscale ? frames * model.upscaledBytesPerFrame : 0;
  return latents + decoded + upscaled;
}

export function weightsFor(model: MemoryModel, upscale: boolean): number {
  return model.baseWeightsBytes + (upscale ? model.upsamplerWeightsBytes : 0);
}

export function peakBytes(model: MemoryModel, frames: number, upscale: boolean): number {
  return Math.ceil(weightsFor(model, upscale) + model.overheadBytes + model.activationFactor * analyticActivationBytes(model, frames, upscale));
}

/** Folds a measured peak into the memory fit: x = the pipeline's tensors, y = peak - weights. */
export function addPeakToFit(fit: WeightedFit | undefined, model: MemoryModel, frames: number, upscale: boolean, measuredPeakBytes: number): WeightedFit {
  const x = analyticActivationBytes(model, frames, upscale);
  const y = Math.max(0, measuredPeakBytes - weightsFor(model, upscale));
  return addToFit(fit ?? emptyFit(), x, y);
}

/**
 * Overhead and factor from the fit: the line through the peaks when they span different sizes and
 * the line is physical (factor >= 1, overhead >= 0); otherwise the default factor with the overhead
 * taking up what the peaks show beyond it, or a smaller factor when they show less.
 */
export function memoryParamsFrom(fit: WeightedFit | undefined, provider: CostProvider): MemoryParams {
  const line = lineParams(fit, DEFAULT_ACTIVATION_FACTOR, 1);
  if (line === undefined) return { overheadBytes: DEFAULT_OVERHEAD_BYTES[provider], activationFactor: DEFAULT_ACTIVATION_FACTOR };
  return { overheadBytes: line.intercept, activationFactor: line.slope };
}
