// Text to video, composed from the numbered stages: 1 encode the prompts, 2 prepare seeded latents,
// 3 denoise with classifier-free guidance, 4 decode with the VAE, 5 upsample when asked; frames come
// back as RGB24. Sessions are opened on one provider for the whole render (runtime/execution-provider);
// in `auto` mode a CUDA failure during the render restarts it on the CPU, reason recorded, since a
// seed reproduces per provider and a half-CUDA, half-CPU video would reproduce on neither.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isAiprodError } from '../../errors';
import { assertRenderable, type LoadedPack } from '../../models/pack-loader';
import type { OnnxComponent, PackComponentName } from '../../models/pack-format';
import { openSessions, type ComponentRef, type DeviceRequest, type ModelSession, type OpenedSessions, type RunMeter } from '../../runtime';
import { PromptTokenizer } from '../../tokenizers';
import { encodePrompts, guidanceRows } from './1-encode';
import { prepareLatents } from './2-prepare';
import { denoise } from './3-denoise';
import { decodeLatents } from './4-decode';
import { upsampleToRgb } from './5-upsample';
import { throwIfCancelled } from './cancel';
import { rgbByteLength, writeRgb24 } from './frames-to-rgb';
import { StepReporter } from './progress';
import type { TextToVideoOptions, TextToVideoRequest, TextToVideoResult, TextToVideoTimings } from './types';
import { resolveRequest, type ResolvedRequest } from './validate-request';

const tokenizers = new Map<string, Promise<PromptTokenizer>>();

function loadTokenizer(pack: LoadedPack): Promise<PromptTokenizer> {
  const spec = pack.manifest.components.tokenizer;
  const file = path.join(pack.dir, ...spec.file.split('/'));
  const key = `${file}\u0000${JSON.stringify(spec)}`;
  let pending = tokenizers.get(key);
  if (pending === undefined) {
    pending = PromptTokenizer.load(file, spec);
    tokenizers.set(key, pending);
    pending.catch(() => tokenizers.delete(key));
  }
  return pending;
}

function componentRefs(pack: LoadedPack, upscale: boolean): ComponentRef[] {
  const roles: PackComponentName[] = ['textEncoder', 'denoiser', 'vaeDecoder', ...(upscale ? (['upsampler'] as const) : [])];
  return roles.map((role) => ({ packDir: pack.dir, role, component: pack.manifest.components[role] as OnnxComponent }));
}

function session(opened: OpenedSessions, role: PackComponentName): ModelSession {
  const found = opened.sessions.get(role);
  if (found === undefined) throw new Error(`internal: no session for ${role}`);
  return found;
}

interface Attempt {
  device: DeviceRequest;
  /** Set when a CUDA failure sent this attempt to the CPU. */
  fallbackReason?: string;
}

async function render(pack: LoadedPack, req: ResolvedRequest, options: TextToVideoOptions, attempt: Attempt, startedAt: number): Promise<TextToVideoResult> {
  const { manifest } = pack;
  const { signal } = options;
  const now = () => performance.now();
  const meter: RunMeter = { runMs: 0, runs: 0 };
  const reporter = new StepReporter(options.onStep, now, startedAt, options.stepEventIntervalMs);
  let previewMs = 0;
  const timePreview = (build: () => void): void => {
    const t = now();
    build();
    previewMs += now() - t;
  };

  let t = now();
  const opened = await openSessions(componentRefs(pack, req.upscale), attempt.device);
  const tokenizer = await loadTokenizer(pack);
  const loadMs = now() - t;
  throwIfCancelled(signal, 'after loading the model');

  t = now();
  const rows = guidanceRows(req.guidance);
  const text = await encodePrompts(tokenizer, session(opened, 'textEncoder'), req, rows, meter);
  const encodeMs = now() - t;
  reporter.report('encode', 1, 1);

  t = now();
  const prepared = prepareLatents(manifest, req.seed, req.latentFrames, req.steps);
  const prepareMs = now() - t;

  t = now();
  const latents = await denoise({
    denoiser: session(opened, 'denoiser'),
    scheduler: prepared.scheduler,
    latents: prepared.latents,
    dims: prepared.dims,
    geometry: prepared.geometry,
    text,
    guidance: req.guidance,
    ...(manifest.latent.preview === undefined ? {} : { previewProjection: manifest.latent.preview }),
    meter,
    reporter,
    timePreview,
    ...(signal === undefined ? {} : { signal }),
  });
  const denoiseMs = now() - t;

  throwIfCancelled(signal, 'before decoding');
  t = now();
  const decoded = await decodeLatents(session(opened, 'vaeDecoder'), latents, prepared.dims, manifest, req.frames, meter);
  const { height, width } = manifest.video;
  const factor = req.upscale ? manifest.video.upscale : 1;
  const rgb = new Uint8ClampedArray(rgbByteLength(req.frames, height * factor, width * factor));
  if (!req.upscale) writeRgb24({ data: decoded.data, layout: 'channels-first', frames: req.frames, height, width }, rgb);
  const decodeMs = now() - t;
  reporter.report('decode', 1, 1);

  let upsampleMs = 0;
  if (req.upscale) {
    t = now();
    await upsampleToRgb({
      upsampler: session(opened, 'upsampler'),
      frames: decoded.data,
      frameCount: req.frames,
      height,
      width,
      factor,
      out: rgb,
      meter,
      reporter,
      ...(signal === undefined ? {} : { signal }),
    });
    upsampleMs = now() - t;
  }

  const timings: TextToVideoTimings = {
    totalMs: now() - startedAt,
    loadMs,
    encodeMs,
    prepareMs,
    denoiseMs,
    decodeMs,
    upsampleMs,
    sessionRunMs: meter.runMs,
    previewMs,
    sessionRuns: meter.runs,
  };
  const providerReason = attempt.fallbackReason ?? opened.providerReason;
  return {
    frames: new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength),
    frameCount: req.frames,
    width: width * factor,
    height: height * factor,
    fps: manifest.video.fps,
    seed: req.seed,
    steps: req.steps,
    guidance: req.guidance,
    executionProvider: opened.provider,
    ...(providerReason === undefined ? {} : { providerReason }),
    timings,
    warnings: text.warnings,
  };
}

/** Whether an error is CUDA failing mid-render (retryable on the CPU in auto mode). */
function isCudaRunFailure(error: unknown): boolean {
  return isAiprodError(error) && error.code === 'MODEL_RUN_FAILED' && error.detail?.provider === 'cuda';
}

export async function runTextToVideo(pack: LoadedPack, request: TextToVideoRequest, options: TextToVideoOptions): Promise<TextToVideoResult> {
  const startedAt = performance.now();
  assertRenderable(pack);
  const req = resolveRequest(pack.manifest, request);
  throwIfCancelled(options.signal, 'before it started');
  try {
    return await render(pack, req, options, { device: options.device }, startedAt);
  } catch (error) {
    if (options.device !== 'auto' || !isCudaRunFailure(error)) throw error;
    const reason = `CUDA failed during the render, which was restarted on the CPU: ${(error as Error).message}`;
    return render(pack, req, options, { device: 'cpu', fallbackReason: reason }, startedAt);
  }
}
