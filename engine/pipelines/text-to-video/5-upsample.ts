// Stage 5 (optional): the pack's upsampler, frame by frame in small batches, straight into the RGB24
// output. It takes [n, 3, H, W] while the decoder gives [1, 3, F, H, W], so each batch is gathered
// frame-major first (one copy of that batch).
import { workError } from '../../errors';
import { asFloat32, float32Tensor, sameDims, type ModelSession, type RunMeter } from '../../runtime';
import { throwIfCancelled } from './cancel';
import { writeRgb24 } from './frames-to-rgb';
import type { StepReporter } from './progress';

/** Frames per upsampler call: bounds the memory of large frames at a small cost in calls. */
export const UPSAMPLE_BATCH = 8;

export interface UpsampleInput {
  upsampler: ModelSession;
  /** [1, 3, F, H, W] */
  frames: Float32Array;
  frameCount: number;
  height: number;
  width: number;
  factor: number;
  /** RGB24 of the whole upscaled clip. */
  out: Uint8ClampedArray;
  meter: RunMeter;
  reporter: StepReporter;
  signal?: AbortSignal;
}

export async function upsampleToRgb(input: UpsampleInput): Promise<void> {
  const { frameCount: F, height: H, width: W, factor } = input;
  const plane = H * W;
  const batches = Math.ceil(F / UPSAMPLE_BATCH);
  const gather = new Float32Array(Math.min(F, UPSAMPLE_BATCH) * 3 * plane);
  for (let b = 0; b < batches; b++) {
    throwIfCancelled(input.signal, `before upsampling batch ${b + 1} of ${batches}`);
    const first = b * UPSAMPLE_BATCH;
    const n = Math.min(UPSAMPLE_BATCH, F - first);
    const batch = gather.subarray(0, n * 3 * plane);
    for (let f = 0; f < n; f++) {
      for (let c = 0; c < 3; c++) {
        const src = (c * F + first + f) * plane;
        batch.set(input.frames.subarray(src, src + plane), (f * 3 + c) * plane);
      }
    }
    const out = await input.upsampler.run({ frames: float32Tensor(batch, [n, 3, H, W]) }, ['upscaled'], input.meter);
    const upscaled = asFloat32(out.upscaled, 'upsampler upscaled');
    const expected = [n, 3, H * factor, W * factor];
    if (!sameDims(upscaled.dims, expected)) {
      throw workError('PIPELINE_SHAPE_MISMATCH', `upsampler returned [${upscaled.dims.join(', ')}], expected [${expected.join(', ')}] (video.upscale = ${factor})`, {
        detail: { component: 'upsampler' },
      });
    }
    writeRgb24({ data: upscaled.data, layout: 'frames-first', frames: n, height: H * factor, width: W * factor }, input.out, first);
    input.reporter.report('upsample', b + 1, batches);
  }
}
