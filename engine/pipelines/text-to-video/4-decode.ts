// Stage 4: latents to frames with the VAE decoder. The denoiser works on z' = (z - shift) * scale;
// the decoder takes the VAE's own latents, so z = z' / scale + shift (docs/pack-format.md).
import { workError } from '../../errors';
import type { PackManifest } from '../../models/pack-format';
import { asFloat32, float32Tensor, sameDims, type Float32Tensor, type ModelSession, type RunMeter } from '../../runtime';

/** Undoes the latent scaling in place. */
export function unscaleLatents(latents: Float32Array, latent: Pick<PackManifest['latent'], 'scalingFactor' | 'shiftFactor'>): Float32Array {
  const inverse = 1 / latent.scalingFactor;
  const shift = latent.shiftFactor;
  if (inverse === 1 && shift === 0) return latents;
  for (let i = 0; i < latents.length; i++) latents[i] = latents[i]! * inverse + shift;
  return latents;
}

/** Returns frames [1, 3, F, H, W] in [-1, 1], checked against the pack's geometry. */
export async function decodeLatents(
  decoder: ModelSession,
  latents: Float32Array,
  dims: readonly number[],
  manifest: PackManifest,
  frames: number,
  meter: RunMeter,
): Promise<Float32Tensor> {
  unscaleLatents(latents, manifest.latent);
  const out = await decoder.run({ latents: float32Tensor(latents, dims) }, ['frames'], meter);
  const decoded = asFloat32(out.frames, 'vaeDecoder frames');
  const expected = [1, 3, frames, manifest.video.height, manifest.video.width];
  if (!sameDims(decoded.dims, expected)) {
    throw workError('PIPELINE_SHAPE_MISMATCH', `vaeDecoder of ${manifest.id} returned frames [${decoded.dims.join(', ')}], expected [${expected.join(', ')}] (video geometry in aiprod-model.json)`, {
      detail: { component: 'vaeDecoder' },
    });
  }
  return decoded;
}
