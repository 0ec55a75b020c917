// The re-render check: from a finished render's reproducibility record, render the shot again through
// the render worker with the recorded prompt, seed, steps, guidance, frames, tier, upscale, model and
// device, then compare. Before rendering, the environment is compared with the record (the installed
// pack's hashes, this machine's versions, the provider to expect) and what differs is said up front.
// After it, the re-render's own record is compared field by field with the original (rerender-compare.ts
// decides the verdict), and its video is scored against the original video (PSNR/SSIM on Y).
//
// The re-render goes to a temporary folder that is removed afterwards, unless `keepOutput` names
// where to keep it (with its record).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AiprodError, inputError, isAiprodError } from '../errors';
import { WorkerClient, type WorkerLauncher } from '../jobs/worker-client';
import { ffmpegInfo } from '../media/ffmpeg-locate';
import { findPack } from '../models/pack-loader';
import { sha256File } from '../render/files';
import { packFileHashes } from '../render/record';
import { Device, type RenderRequestInput } from '../render/request';
import { probeCuda } from '../runtime/cuda-probe';
import { runtimeVersions } from '../system/versions';
import type { QaStepProgress } from './analyse-render';
import { dbToJson, RERENDER_CHECK_FORMAT, type RerenderCheck } from './qa-documents';
import { readRecordForCheck, recordFileOf, type RecordForCheck } from './render-record-read';
import { compareEnvironment, compareRenders, describeDifference, judgeRerender, type Difference, type EnvironmentFacts } from './rerender-compare';
import { analyseVideo, type QaReport } from './report';

export interface RerenderOptions {
  /** Folders searched for the record's model pack. */
  packSearchDirs: readonly string[];
  /** Where to re-render; default the device the record asked for. */
  device?: Device;
  /** Keep the re-render here (an .mp4 that must not exist yet; its record goes next to it). */
  keepOutput?: string;
  /** A folder for the temporary re-render, owned by the caller (default: a new one in the OS temp folder, removed after). */
  scratchDir?: string;
  /** How render workers start (default child_process.fork of dist/node/worker.js). */
  launcher?: WorkerLauncher;
  onProgress?: (progress: QaStepProgress) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

/** The video a record describes: `<job>.mp4` next to the record, else the path the record names. */
function originalVideoOf(recordFile: string, record: RecordForCheck): string | null {
  const sibling = recordFile.replace(/\.json$/i, '.mp4');
  if (existsSync(sibling)) return sibling;
  return existsSync(record.video.file) ? record.video.file : null;
}

function requestOf(record: RecordForCheck): RenderRequestInput {
  return {
    prompt: record.prompt,
    ...(record.negativePrompt === null || record.negativePrompt === undefined ? {} : { negativePrompt: record.negativePrompt }),
    seed: record.seed,
    steps: record.steps,
    guidance: record.guidance,
    frames: record.frames,
    tier: record.tier as RenderRequestInput['tier'],
    upscale: record.upscale,
    model: record.model.id,
  };
}

async function expectedProvider(device: Device): Promise<string> {
  if (device !== 'auto') return device;
  return (await probeCuda()).available ? 'cuda' : 'cpu';
}

/** The installed pack and this machine's versions, as the re-render will meet them. */
async function environmentNow(record: RecordForCheck, device: Device, packSearchDirs: readonly string[]): Promise<EnvironmentFacts> {
  let pack;
  try {
    pack = await findPack(record.model.id, packSearchDirs);
  } catch (error) {
    if (!isAiprodError(error)) throw error;
    throw new AiprodError(error.code, `cannot re-render: ${error.message}`, { kind: error.kind, ...(error.detail === undefined ? {} : { detail: error.detail }), cause: error });
  }
  const files = await packFileHashes(pack.dir, pack.manifest);
  const ffmpeg = await ffmpegInfo();
  return {
    model: { id: pack.manifest.id, version: pack.manifest.version, files },
    versions: { ...runtimeVersions(), ffmpeg: ffmpeg.version },
    executionProvider: await expectedProvider(device),
  };
}

interface FrameComparison {
  report: QaReport | null;
  /** Why the figures are missing or partial; null when the whole videos were compared. */
  note: string | null;
}

async function compareFrames(rerendered: string, original: string | null, signal: AbortSignal | undefined): Promise<FrameComparison> {
  if (original === null) return { report: null, note: 'the original video is missing, so PSNR/SSIM could not be measured (the frame hashes still compare)' };
  try {
    const report = await analyseVideo(rerendered, { reference: original, framePolicy: 'trim', ...(signal === undefined ? {} : { signal }) });
    return { report, note: report.policy?.frames ?? null };
  } catch (error) {
    // Frames of another size cannot be scored against each other; the rest of the check stands.
    if (isAiprodError(error) && error.kind === 'input' && error.code.startsWith('QA_')) return { report: null, note: `PSNR/SSIM not measured: ${error.message}` };
    throw error;
  }
}

function summaryOf(check: Pick<RerenderCheck, 'status' | 'reasons' | 'provider' | 'psnr' | 'ssim' | 'frameHash' | 'environment'>): string {
  const before = check.environment.differs ? ` (seen before re-rendering: ${check.environment.differences.map((d) => d.field).join(', ')} differ from the record)` : '';
  return verdictLine(check) + before;
}

function verdictLine(check: Pick<RerenderCheck, 'status' | 'reasons' | 'provider' | 'psnr' | 'ssim' | 'frameHash'>): string {
  const psnr = check.psnr === null ? 'n/a' : check.psnr === 'inf' ? 'inf' : `${check.psnr.toFixed(2)} dB`;
  const ssim = check.ssim === null ? 'n/a' : check.ssim.toFixed(4);
  switch (check.status) {
    case 'passed':
      return `re-render reproduces the record: identical frames (frame hash ${check.frameHash.now.slice(0, 12)}…), PSNR ${psnr}`;
    case 'differs-across-providers':
      return `re-render on ${check.provider.now} differs from the ${check.provider.recorded} render, as expected across providers: PSNR ${psnr}, SSIM ${ssim}`;
    case 'failed':
      return `re-render check FAILED: ${check.reasons.join('; ')}`;
  }
}

/** Runs the check for the record of `recordOrVideo` (the record itself, or the video next to it). */
export async function rerenderCheck(recordOrVideo: string, options: RerenderOptions): Promise<RerenderCheck> {
  const recordFile = recordFileOf(recordOrVideo);
  const record = await readRecordForCheck(recordFile);
  const requested = Device.safeParse(record.device.requested);
  const device: Device = options.device ?? (requested.success ? requested.data : 'auto');
  const report = (stage: string, step: number, total: number) => options.onProgress?.({ stage, step, total });

  report('environment', 0, 1);
  const original = originalVideoOf(recordFile, record);
  const originalVideo = original === null ? 'missing' : (await sha256File(original)) === record.outputSha256 ? 'matches-record' : 'modified';
  const environment = compareEnvironment(record, await environmentNow(record, device, options.packSearchDirs));
  report('environment', 1, 1);
  if (options.signal?.aborted === true) throw new AiprodError('CANCELLED', 'the re-render check was cancelled');

  let scratch: string | null = null;
  const client = new WorkerClient(options.launcher === undefined ? {} : { launcher: options.launcher });
  try {
    let output: string;
    if (options.keepOutput !== undefined) output = path.resolve(options.keepOutput);
    else {
      scratch = await mkdtemp(path.join(options.scratchDir ?? os.tmpdir(), 'aiprod-rerender-'));
      output = path.join(scratch, 'rerender.mp4');
    }
    if (original !== null && path.resolve(output) === path.resolve(original)) {
      throw inputError('QA_RERENDER_OUTPUT', `the re-render cannot be kept at ${output}: that is the video being checked`, { output });
    }
    const result = await client.render(
      { request: requestOf(record), options: { output, packSearchDirs: [...options.packSearchDirs], device, overwrite: false } },
      {
        onProgress: (p) => report(`render:${p.stage}`, p.step, p.totalSteps),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    );
    const rerendered = await readRecordForCheck(result.record);

    report('compare', 0, 1);
    const frames = await compareFrames(result.output, original, options.signal);
    const differences: Difference[] = compareRenders(record, rerendered);
    const verdict = judgeRerender(record, rerendered, differences);
    report('compare', 1, 1);

    const notes = [...verdict.notes];
    if (originalVideo === 'modified') notes.push(`the video ${original ?? ''} is not the one the record hashed (outputSha256 differs): it was changed after the render, so PSNR/SSIM compare against the changed file`);
    const check: Omit<RerenderCheck, 'summary'> = {
      format: RERENDER_CHECK_FORMAT,
      checkedAt: (options.now ?? (() => new Date()))().toISOString(),
      record: recordFile,
      video: original,
      status: verdict.status,
      sameProvider: verdict.sameProvider,
      framesIdentical: verdict.framesIdentical,
      reasons: verdict.reasons,
      notes,
      provider: { recorded: record.device.executionProvider, now: rerendered.device.executionProvider },
      frameHash: { recorded: record.frameHash, now: rerendered.frameHash, equal: record.frameHash === rerendered.frameHash },
      outputSha256: { recorded: record.outputSha256, now: rerendered.outputSha256, equal: record.outputSha256 === rerendered.outputSha256 },
      psnr: frames.report === null ? null : dbToJson(frames.report.psnr),
      ssim: frames.report?.ssim ?? null,
      ssimFfmpeg: frames.report?.ssimFfmpeg ?? null,
      comparedFrames: frames.report?.frames ?? null,
      comparison: frames.note,
      originalVideo,
      environment: { differs: environment.length > 0, differences: environment },
      differences,
      rerender: { device, output: options.keepOutput === undefined ? null : result.output, totalMs: result.timings.totalMs },
    };
    return { ...check, summary: summaryOf(check) };
  } finally {
    await client.close();
    if (scratch !== null) await rm(scratch, { recursive: true, force: true });
  }
}

/** Lines for people: the summary, then what differed. */
export function formatRerenderCheck(check: RerenderCheck): string {
  const lines = [
    `record     ${check.record}`,
    `video      ${check.video ?? 'missing'} (${check.originalVideo})`,
    `provider   recorded ${check.provider.recorded}, re-rendered ${check.provider.now}${check.rerender.output === null ? '' : ` -> ${check.rerender.output}`}`,
    `frames     hash ${check.frameHash.equal ? 'equal' : 'DIFFERENT'}: recorded ${check.frameHash.recorded.slice(0, 16)}…, now ${check.frameHash.now.slice(0, 16)}…`,
    `psnr (Y)   ${check.psnr === null ? 'n/a' : check.psnr === 'inf' ? 'inf' : `${check.psnr.toFixed(2)} dB`}, ssim ${check.ssim === null ? 'n/a' : check.ssim.toFixed(4)}${check.comparison === null ? '' : ` (${check.comparison})`}`,
  ];
  if (check.environment.differs) lines.push(`before     the environment differs from the record: ${check.environment.differences.map(describeDifference).join('; ')}`);
  const shown = check.differences.filter((d) => check.status === 'failed' || (d.kind !== 'frames' && d.kind !== 'output'));
  for (const d of shown) lines.push(`differs    ${describeDifference(d)}`);
  for (const note of check.notes) lines.push(`note       ${note}`);
  lines.push(`result     ${check.summary}`);
  return lines.join('\n');
}
