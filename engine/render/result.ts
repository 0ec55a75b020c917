// What a finished render reports back: a zod schema because it crosses a process boundary (worker ->
// caller) and every field of it is what `aiprod render --json` prints.
import { z } from 'zod';

export const ExecutionProvider = z.enum(['cuda', 'cpu']);
export type ExecutionProvider = z.infer<typeof ExecutionProvider>;

export const RenderTimings = z
  .object({
    /** Wall time of the whole render, pack load to record written. */
    totalMs: z.number().nonnegative(),
    /** Denoising loop (the pipeline's own figure). */
    denoiseMs: z.number().nonnegative(),
    /** Finding, reading and checking the model pack (before the pipeline opens its sessions). */
    packLoadMs: z.number().nonnegative(),
    /** The pipeline, prompt encoding to finished frames. */
    pipelineMs: z.number().nonnegative(),
    /** Frames to MP4 through ffmpeg. */
    videoEncodeMs: z.number().nonnegative(),
  })
  // The pipeline's finer figures (loadMs, encodeMs, decodeMs, upsampleMs, sessionRunMs, ...) pass through.
  .catchall(z.number());
export type RenderTimings = z.infer<typeof RenderTimings>;

export const RenderShotResult = z.object({
  output: z.string(),
  record: z.string(),
  frames: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().positive(),
  seed: z.number().int().nonnegative(),
  steps: z.number().int().positive(),
  guidance: z.number(),
  tier: z.string(),
  upscale: z.boolean(),
  model: z.object({ id: z.string(), version: z.string() }),
  executionProvider: ExecutionProvider,
  providerReason: z.string().optional(),
  warnings: z.array(z.string()),
  timings: RenderTimings,
  frameHash: z.string(),
  outputSha256: z.string(),
});
export type RenderShotResult = z.infer<typeof RenderShotResult>;

/** Progress of a render, as the pipeline's step events plus the render's own stages. */
export const RenderProgress = z.object({
  /** 'load', the pipeline's stages ('encode', 'denoise', 'decode', 'upsample', ...), then 'video' and 'record'. */
  stage: z.string(),
  step: z.number().int().nonnegative(),
  totalSteps: z.number().int().nonnegative(),
  elapsedMs: z.number().nonnegative(),
  etaMs: z.number().nonnegative().optional(),
});
export type RenderProgress = z.infer<typeof RenderProgress>;

/** A low-resolution look at the frame being denoised: raw RGB24, row-major. */
export interface RenderPreview {
  width: number;
  height: number;
  rgb: Uint8Array;
}
