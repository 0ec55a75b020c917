// Stage 3: the sampling loop with classifier-free guidance. Each step is one denoiser call on a batch
// of the rows guidanceRows chose (cond + uncond = batch 2), then v = v_u + g (v_c - v_u), then the
// scheduler's step, in place. The JS side per step is two copies of the sample into the batch and
// one pass over the velocity: every buffer is allocated once, before the loop.
import { workError } from '../../errors';
import type { ModelSession, RunMeter } from '../../runtime';
import { asFloat32, float32Tensor } from '../../runtime';
import type { Scheduler } from '../../schedulers';
import type { EncodedText } from './1-encode';
import { throwIfCancelled } from './cancel';
import { latentPreview, type LatentGeometry, type PreviewInput } from './preview';
import type { StepReporter } from './progress';
import type { StepPreview } from './types';
import type { PackManifest } from '../../models/pack-format';

export interface DenoiseInput {
  denoiser: ModelSession;
  scheduler: Scheduler;
  /** [1, C, T, h, w]; updated in place and returned. */
  latents: Float32Array;
  dims: readonly [1, number, number, number, number];
  geometry: LatentGeometry;
  text: EncodedText;
  guidance: number;
  previewProjection?: PackManifest['latent']['preview'];
  meter: RunMeter;
  reporter: StepReporter;
  signal?: AbortSignal;
  /** Adds to the caller's preview time. */
  timePreview: (build: () => void) => void;
}

export async function denoise(input: DenoiseInput): Promise<Float32Array> {
  const { denoiser, scheduler, text, guidance, reporter, meter, signal } = input;
  const sample = input.latents;
  const n = sample.length;
  const batch = text.rows.length;
  const steps = scheduler.timesteps.length;
  const [, c, t, h, w] = input.dims;

  const batchLatents = batch === 1 ? null : new Float32Array(batch * n);
  const timestep = new Float32Array(batch);
  const timestepTensor = float32Tensor(timestep, [batch]);
  const latentsTensor = batchLatents === null ? null : float32Tensor(batchLatents, [batch, c, t, h, w]);
  // The flow-matching preview shows x0 = x - sigma v, which needs x from before the in-place step;
  // other samplers preview the sample after it.
  const flowMatching = scheduler.name === 'flow-match-euler';

  reporter.startDenoise(steps);
  for (let i = 0; i < steps; i++) {
    throwIfCancelled(signal, `before denoising step ${i + 1} of ${steps}`);
    const modelInput = scheduler.scaleModelInput(sample, i);
    if (batchLatents !== null) for (let r = 0; r < batch; r++) batchLatents.set(modelInput, r * n);
    timestep.fill(scheduler.timesteps[i]!);

    const out = await denoiser.run(
      {
        latents: latentsTensor ?? float32Tensor(modelInput, [1, c, t, h, w]),
        timestep: timestepTensor,
        text_embeds: text.textEmbeds,
        text_mask: text.textMask,
      },
      ['velocity'],
      meter,
    );
    throwIfCancelled(signal, `after denoising step ${i + 1} of ${steps}`);

    const velocity = asFloat32(out.velocity, 'denoiser velocity').data;
    if (velocity.length !== batch * n) {
      throw workError('PIPELINE_SHAPE_MISMATCH', `denoiser returned velocity [${out.velocity!.dims.join(', ')}], expected [${[batch, c, t, h, w].join(', ')}]`, {
        detail: { component: 'denoiser' },
      });
    }
    // Guidance in place in the first row: v = v_u + g (v_c - v_u). Rows are [cond, uncond].
    if (batch === 2) {
      for (let j = 0; j < n; j++) {
        const vc = velocity[j]!;
        const vu = velocity[n + j]!;
        velocity[j] = vu + guidance * (vc - vu);
      }
    }
    const guided = batch === 2 ? velocity.subarray(0, n) : velocity;

    const emit = reporter.wants(i + 1, steps);
    let preview: StepPreview | undefined;
    const buildPreview = (from: PreviewInput): void =>
      input.timePreview(() => {
        preview = latentPreview(from, input.geometry, input.previewProjection);
      });
    if (emit && flowMatching) buildPreview({ sample, velocity: guided, sigma: scheduler.sigmas[i]! });
    scheduler.step(guided, i, sample, sample);
    if (emit && !flowMatching) buildPreview({ sample });
    if (emit) reporter.emit('denoise', i + 1, steps, preview);
  }
  return sample;
}
