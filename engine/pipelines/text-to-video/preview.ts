// The live preview: the middle latent frame projected to RGB, latent-sized (h x w pixels). Choice and
// cost: a decode every N steps would show real pixels but costs a VAE run (often more than a step);
// a linear latent-to-RGB projection of one latent frame costs channels x h x w multiply-adds, a few
// microseconds, and is built only for the events the throttle lets out (at most ~4 a second), so it
// stays far below 1% of the denoising time (timings.previewMs measures it).
//
// For flow matching the preview shows the model's current estimate of the clean latent,
// x0 = x - sigma * v, rather than the noisy sample, so the picture settles early instead of fading in
// from noise at the last steps. The projection is the pack's `latent.preview` when it has one (applied
// to the latent the denoiser sees), else the first three channels, each stretched to its own range.
import type { PackManifest } from '../../models/pack-format';
import type { StepPreview } from './types';

export interface LatentGeometry {
  channels: number;
  frames: number;
  height: number;
  width: number;
}

export interface PreviewInput {
  /** [channels, frames, height, width] (batch 1), the sample before this step. */
  sample: Float32Array;
  /** Guided velocity of this step, same layout; with `sigma`, gives the x0 estimate. */
  velocity?: Float32Array;
  sigma?: number;
}

type RgbProjection = NonNullable<PackManifest['latent']['preview']>;

function middleFrame(input: PreviewInput, g: LatentGeometry): Float32Array[] {
  const t = Math.floor(g.frames / 2);
  const plane = g.height * g.width;
  const channels: Float32Array[] = [];
  for (let c = 0; c < g.channels; c++) {
    const start = (c * g.frames + t) * plane;
    const x = input.sample.subarray(start, start + plane);
    if (input.velocity === undefined || input.sigma === undefined) {
      channels.push(x);
      continue;
    }
    const v = input.velocity.subarray(start, start + plane);
    const x0 = new Float32Array(plane);
    for (let i = 0; i < plane; i++) x0[i] = x[i]! - input.sigma * v[i]!;
    channels.push(x0);
  }
  return channels;
}

function projectWithFactors(channels: Float32Array[], projection: RgbProjection, plane: number, rgb: Uint8ClampedArray): void {
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) {
      let value = projection.rgbBias[k]!;
      for (let c = 0; c < channels.length && c < projection.rgbFactors.length; c++) value += channels[c]![i]! * projection.rgbFactors[c]![k]!;
      rgb[i * 3 + k] = (value + 1) * 127.5;
    }
  }
}

function projectStretched(channels: Float32Array[], plane: number, rgb: Uint8ClampedArray): void {
  for (let k = 0; k < 3; k++) {
    const channel = channels[k % channels.length]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < plane; i++) {
      const v = channel[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    for (let i = 0; i < plane; i++) rgb[i * 3 + k] = (channel[i]! - lo) * scale;
  }
}

export function latentPreview(input: PreviewInput, geometry: LatentGeometry, projection?: RgbProjection): StepPreview {
  const plane = geometry.height * geometry.width;
  const channels = middleFrame(input, geometry);
  const rgb = new Uint8ClampedArray(plane * 3);
  if (projection !== undefined) projectWithFactors(channels, projection, plane, rgb);
  else projectStretched(channels, plane, rgb);
  return { width: geometry.width, height: geometry.height, rgb: new Uint8Array(rgb.buffer) };
}
