// One shot, start to finish: check the output place and ffmpeg (cheap, so before the minutes of
// work), load the pack, run the text-to-video pipeline, encode the MP4 (temp file + rename), then
// write the reproducibility record (atomically). A failure at any point leaves no output behind.
import { rm } from 'node:fs/promises';
import { RenderCosts, type RenderCostOptions } from '../cost/render-costs';
import { AiprodError, workError } from '../errors';
import { encodeVideo } from '../media/encode';
import { ffmpegInfo } from '../media/ffmpeg-locate';
import { networkGuardStats } from '../net';
import { findPack } from '../models/pack-loader';
import { gateRegisteredPack } from '../models/render-gate';
import { runTextToVideo } from '../pipelines/text-to-video/pipeline';
import { runtimeVersions } from '../system/versions';
import { sha256File, sha256Hex } from './files';
import { prepareOutputTarget } from './output-target';
import { packFileHashes, RECORD_FORMAT, writeRecord, type RenderRecord } from './record';
import { parseRenderRequest, randomSeed, type Device } from './request';
import type { RenderPreview, RenderProgress, RenderShotResult, RenderTimings } from './result';
import { resolveSettings } from './settings';
import { loadTiers } from './tiers';

export interface RenderShotOptions {
  /** The .mp4 to write; its record goes next to it as .json. */
  output: string;
  /** Folders searched for the request's model pack, in order. */
  packSearchDirs: readonly string[];
  device: Device;
  /** Replace an existing output and record (default: refuse). */
  overwrite?: boolean;
  onProgress?: (progress: RenderProgress) => void;
  onPreview?: (preview: RenderPreview) => void;
  signal?: AbortSignal;
  /** Where the estimate before the render and the calibration after it live; false: no estimate (benchmarks). */
  costs?: RenderCostOptions | false;
}

function checkNotAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted !== true) return;
  const reason: unknown = signal.reason;
  if (reason instanceof AiprodError) throw reason;
  throw new AiprodError('CANCELLED', `render cancelled ${what}`);
}

/** Renders one shot; `request` is validated here (RenderRequest), whoever sent it. */
export async function renderShot(request: unknown, options: RenderShotOptions): Promise<RenderShotResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const report = (stage: string, step: number, totalSteps: number) => options.onProgress?.({ stage, step, totalSteps, elapsedMs: elapsed() });

  const parsed = parseRenderRequest(request);
  const seed = parsed.seed ?? randomSeed();
  const target = prepareOutputTarget(options.output, { overwrite: options.overwrite === true });
  // Fails now (FFMPEG_NOT_FOUND) rather than after the denoising when ffmpeg is missing.
  const ffmpeg = await ffmpegInfo();
  checkNotAborted(options.signal, 'before it started');

  report('load', 0, 1);
  const pack = await findPack(parsed.model, [...options.packSearchDirs]);
  // A pack the model library holds (shipped or imported) renders only with the bytes it verified.
  await gateRegisteredPack(pack);
  const settings = resolveSettings(parsed, pack.manifest, loadTiers());
  const fileHashes = await packFileHashes(pack.dir, pack.manifest);
  const packLoadMs = elapsed();
  report('load', 1, 1);
  checkNotAborted(options.signal, 'after loading the model');
  // Estimated before the minutes of work (never calibrated here); on CUDA a shot that would not fit is refused now.
  const costs = options.costs === false ? undefined : await RenderCosts.begin({ pack, tier: parsed.tier, settings, device: options.device }, options.costs ?? {});

  const pipelineStarted = performance.now();
  const video = await runTextToVideo(
    pack,
    {
      prompt: parsed.prompt,
      ...(parsed.negativePrompt === undefined ? {} : { negativePrompt: parsed.negativePrompt }),
      seed,
      steps: settings.steps,
      guidance: settings.guidance,
      frames: settings.frames,
      upscale: settings.upscale,
    },
    {
      device: options.device,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onStep: (event) => {
        costs?.observe(event);
        options.onProgress?.({ stage: event.stage, step: event.step, totalSteps: event.totalSteps, elapsedMs: elapsed(), etaMs: Math.max(0, event.etaMs) });
        if (event.preview !== undefined) options.onPreview?.(event.preview);
      },
    },
  );
  const pipelineMs = performance.now() - pipelineStarted;
  checkNotAborted(options.signal, 'after the pipeline');
  const frameHash = sha256Hex(video.frames);

  report('video', 0, 1);
  const encodeStarted = performance.now();
  // A cancel that lands while ffmpeg runs is still a cancel (CANCELLED), not an ffmpeg failure.
  const encoded = await encodeVideo(video.frames, target.video, {
    width: video.width,
    height: video.height,
    fps: video.fps,
    overwrite: options.overwrite === true,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  }).catch((error: unknown) => {
    checkNotAborted(options.signal, 'while encoding');
    throw error;
  });
  const videoEncodeMs = performance.now() - encodeStarted;
  report('video', 1, 1);

  // From here on the MP4 exists: a failure must take it away again, or it would sit there without a record.
  try {
    checkNotAborted(options.signal, 'after encoding');
    report('record', 0, 1);
    const outputSha256 = await sha256File(encoded.output);
    const { totalMs: pipelineTotalMs, ...pipelineTimings } = video.timings;
    const timings: RenderTimings = {
      ...pipelineTimings,
      denoiseMs: video.timings.denoiseMs,
      packLoadMs,
      pipelineMs: pipelineTotalMs ?? pipelineMs,
      videoEncodeMs,
      totalMs: elapsed(),
    };
    const warnings = [...settings.warnings, ...video.warnings, ...(costs?.warnings ?? [])];
    const estimated = costs?.recordFields(timings, video.executionProvider);
    const record: RenderRecord = {
      format: RECORD_FORMAT,
      createdAt: new Date().toISOString(),
      prompt: parsed.prompt,
      negativePrompt: parsed.negativePrompt ?? null,
      seed: video.seed,
      steps: video.steps,
      guidance: video.guidance,
      frames: video.frameCount,
      tier: parsed.tier,
      upscale: settings.upscale,
      scheduler: pack.manifest.scheduler,
      model: {
        id: pack.manifest.id,
        name: pack.manifest.name,
        version: pack.manifest.version,
        license: pack.manifest.license.spdx,
        status: pack.manifest.provenance.status,
        files: fileHashes,
      },
      device: { requested: options.device, executionProvider: video.executionProvider, providerReason: video.providerReason ?? null },
      versions: { ...runtimeVersions(), ffmpeg: ffmpeg.version },
      video: { file: encoded.output, width: encoded.width, height: encoded.height, fps: encoded.fps, frames: encoded.frames, bytes: encoded.bytes },
      timings,
      frameHash,
      outputSha256,
      warnings,
      networkGuard: (({ installed, attempts, blocked }) => ({ installed, attempts, blocked }))(networkGuardStats()),
      ...(estimated === undefined ? {} : estimated),
    };
    await writeRecord(target.record, record);
    report('record', 1, 1);
    // After the record: only a finished render refines the calibration.
    const calibrationWarning = costs?.commit(video.executionProvider, timings);
    return {
      output: encoded.output,
      record: target.record,
      frames: encoded.frames,
      width: encoded.width,
      height: encoded.height,
      fps: encoded.fps,
      seed: video.seed,
      steps: video.steps,
      guidance: video.guidance,
      tier: parsed.tier,
      upscale: settings.upscale,
      model: { id: pack.manifest.id, version: pack.manifest.version },
      executionProvider: video.executionProvider,
      ...(video.providerReason === undefined ? {} : { providerReason: video.providerReason }),
      warnings: calibrationWarning === undefined ? warnings : [...warnings, calibrationWarning],
      timings,
      frameHash,
      outputSha256,
    };
  } catch (error) {
    await rm(encoded.output, { force: true });
    if (error instanceof AiprodError) throw error;
    throw workError('RECORD_WRITE_FAILED', `could not write the reproducibility record ${target.record}: ${(error as Error).message}`, { cause: error });
  }
}
