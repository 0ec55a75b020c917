// The text-to-video pipeline's public shapes: what a caller asks, what it hears while it runs, and
// what it gets back. The CLI, the worker and the studio code against these.
import type { DeviceRequest, ExecutionProvider } from '../../runtime';

export interface TextToVideoRequest {
  prompt: string;
  /** Replaces the unconditional row of classifier-free guidance; empty or absent = unconditioned. */
  negativePrompt?: string;
  /** A non-negative integer below 2^53: the same seed on the same pack and provider gives the same frames. */
  seed: number;
  /** 1..200; default: the pack's defaults.steps. */
  steps?: number;
  /** 0..30; default: the pack's defaults.guidance. */
  guidance?: number;
  /** A positive multiple of the pack's temporal factor, at most video.maxFrames (default video.frames). */
  frames?: number;
  /** Run the pack's upsampler (x video.upscale); refused when the pack has none. */
  upscale?: boolean;
}

export interface TextToVideoOptions {
  device: DeviceRequest;
  onStep?: (event: StepEvent) => void;
  signal?: AbortSignal;
  /** Least time between two step events (default STEP_EVENT_INTERVAL_MS, 250); 0 sends every step. */
  stepEventIntervalMs?: number;
}

export type PipelineStage = 'encode' | 'denoise' | 'decode' | 'upsample';

/** A low-resolution RGB24 look at the video being denoised (row-major, 3 bytes a pixel). */
export interface StepPreview {
  width: number;
  height: number;
  rgb: Uint8Array;
}

export interface StepEvent {
  stage: PipelineStage;
  /** 1-based; equals totalSteps on the stage's last event, which is always sent. */
  step: number;
  totalSteps: number;
  /** Since runTextToVideo was called. */
  elapsedMs: number;
  /** Estimated time to the end of the denoising (0 once it is done). */
  etaMs: number;
  /** Denoising events only. */
  preview?: StepPreview;
}

export interface TextToVideoTimings {
  /** Wall time of runTextToVideo. */
  totalMs: number;
  /** Opening (or finding cached) sessions and the tokenizer. */
  loadMs: number;
  encodeMs: number;
  prepareMs: number;
  denoiseMs: number;
  decodeMs: number;
  upsampleMs: number;
  /** Time spent inside session.run, all components together. */
  sessionRunMs: number;
  /** Building previews (included in denoiseMs). */
  previewMs: number;
  /** session.run calls made. */
  sessionRuns: number;
}

export interface TextToVideoResult {
  /** RGB24, frame-major: frameCount x height x width x 3 bytes. */
  frames: Uint8Array;
  frameCount: number;
  width: number;
  height: number;
  fps: number;
  seed: number;
  steps: number;
  guidance: number;
  executionProvider: ExecutionProvider;
  /** Why this provider, when it is not the one `auto` prefers (or was asked for explicitly). */
  providerReason?: string;
  timings: TextToVideoTimings;
  /** Unknown words, truncation, empty prompt. */
  warnings: string[];
}
