import { existsSync } from 'node:fs';
import path from 'node:path';
import type { QaStoredDto, RenderFactsDto } from '../common/channels/qa';
import type { PayloadOf, ResultOf } from '../common/contract';
import { inputError, isAiprodError } from '../../engine/errors';
import { QaProcessClient, type QaProcessLauncher } from '../../engine/qa/qa-process-client';
import { qaFileFor, readQaFile, saveAnalysis, saveRerenderCheck, type QaFile } from '../../engine/qa/qa-file';
import { readRecordForCheck, recordFileOf, type RecordForCheck } from '../../engine/qa/render-record-read';
import { packSearchDirs } from '../../engine/system/paths';
import type { HandlerContext } from './context';

// The qa domain: a render's stored QA (<job>.qa.json, engine/qa/qa-file.ts), a fresh analysis and
// the re-render check. The work runs in a QA process per run (engine/qa/qa-process-client.ts), so
// neither decoding and SSIM in JavaScript nor a re-render ever blocks this shell's event loop; the
// figures are written here, one process, so two runs of one render finishing together both land.

// The contract's shapes are written again in engine/qa (electron/common imports nothing of ours);
// this fails to compile the moment the engine's documents stop fitting the contract.
type Assert<T extends true> = T;
export type StoredAnalysisFits = Assert<NonNullable<QaFile['analysis']> extends NonNullable<QaStoredDto['analysis']> ? true : false>;
export type StoredCheckFits = Assert<NonNullable<QaFile['rerender']> extends NonNullable<QaStoredDto['rerender']> ? true : false>;

export interface QaServiceOptions {
  /** How QA processes start (Electron may pass a utilityProcess launcher); default child_process.fork. */
  launcher?: QaProcessLauncher;
  /** Folders searched for model packs; default the usual ones (shipped, AIPROD_HOME, AIPROD_PACKS_DIRS). */
  packSearchDirs?: () => readonly string[];
  /** Where re-renders are made before they are compared and removed; default the OS temp folder. */
  tempDir?: string;
}

export interface QaService {
  client: QaProcessClient;
  packSearchDirs(): readonly string[];
  /** Runs going now, by the page's run id. */
  running: Map<string, AbortController>;
}

export function createQaService(options: QaServiceOptions = {}): QaService {
  return {
    client: new QaProcessClient({
      ...(options.launcher === undefined ? {} : { launcher: options.launcher }),
      ...(options.tempDir === undefined ? {} : { tempDir: options.tempDir }),
    }),
    packSearchDirs: options.packSearchDirs ?? (() => packSearchDirs()),
    running: new Map(),
  };
}

const services = new WeakMap<HandlerContext, QaService>();

export function setQaService(ctx: HandlerContext, service: QaService): void {
  services.set(ctx, service);
}

export function qaServiceFor(ctx: HandlerContext): QaService {
  let service = services.get(ctx);
  if (service === undefined) {
    service = createQaService();
    services.set(ctx, service);
  }
  return service;
}

/** Progress events at most this often per run (a render reports every step). */
const PROGRESS_INTERVAL_MS = 150;

function progressSender(ctx: HandlerContext, runId: string): (p: { stage: string; step: number; total: number }) => void {
  let last = 0;
  let lastStage = '';
  return (p) => {
    const now = Date.now();
    // The start and end of each stage always go through; steps in between are thinned out.
    if (p.stage === lastStage && p.step > 0 && p.step < p.total && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    lastStage = p.stage;
    ctx.emit('qa.progress', { runId, stage: p.stage, step: p.step, total: p.total });
  };
}

const isCancel = (error: unknown): boolean => isAiprodError(error) && (error.code === 'CANCELLED' || error.code === 'ABORTED');

/** Claims `runId` for a run (refused while one of that id runs), runs it, and releases it. */
async function claimed<T>(ctx: HandlerContext, runId: string, work: (signal: AbortSignal, service: QaService) => Promise<T>): Promise<T | { kind: 'cancelled' }> {
  const service = qaServiceFor(ctx);
  if (service.running.has(runId)) throw inputError('QA_BUSY', `A QA run with the id ${runId} is already going`, { runId });
  const controller = new AbortController();
  service.running.set(runId, controller);
  try {
    return await work(controller.signal, service);
  } catch (error) {
    if (controller.signal.aborted && isCancel(error)) return { kind: 'cancelled' };
    throw error;
  } finally {
    service.running.delete(runId);
  }
}

function renderFacts(record: RecordForCheck): RenderFactsDto {
  return {
    createdAt: record.createdAt ?? null,
    prompt: record.prompt,
    seed: record.seed,
    steps: record.steps,
    frames: record.video.frames,
    width: record.video.width,
    height: record.video.height,
    fps: record.video.fps,
    executionProvider: record.device.executionProvider,
    model: { id: record.model.id, version: record.model.version },
    frameHash: record.frameHash,
  };
}

/** The stored QA of the render at `path` (its .mp4, its record .json, or its .qa.json). */
export async function qaGet(payload: PayloadOf<'qa.get'>): Promise<ResultOf<'qa.get'>> {
  const qaFile = qaFileFor(payload.path);
  const video = qaFile.replace(/\.qa\.json$/i, '.mp4');
  const recordFile = recordFileOf(video);
  let render: RenderFactsDto | null = null;
  let recordProblem: string | null = null;
  const hasRecord = existsSync(recordFile);
  if (hasRecord) {
    try {
      render = renderFacts(await readRecordForCheck(recordFile));
    } catch (error) {
      if (!isAiprodError(error)) throw error;
      recordProblem = error.message;
    }
  }
  const stored = await readQaFile(qaFile);
  return { video, record: hasRecord ? recordFile : null, qaFile, render, recordProblem, analysis: stored?.analysis ?? null, rerender: stored?.rerender ?? null };
}

export async function qaRun(payload: PayloadOf<'qa.run'>, ctx: HandlerContext): Promise<ResultOf<'qa.run'>> {
  return claimed(ctx, payload.runId, async (signal, service) => {
    const analysis = await service.client.analyse(
      {
        video: payload.output,
        packSearchDirs: service.packSearchDirs(),
        ...(payload.reference === undefined ? {} : { reference: payload.reference }),
        ...(payload.prompt === undefined || payload.prompt.trim() === '' ? {} : { prompt: payload.prompt }),
      },
      { signal, onProgress: progressSender(ctx, payload.runId) },
    );
    await saveAnalysis(payload.output, analysis);
    return { kind: 'done' as const, analysis, qaFile: qaFileFor(payload.output) };
  });
}

export async function qaRerender(payload: PayloadOf<'qa.rerender'>, ctx: HandlerContext): Promise<ResultOf<'qa.rerender'>> {
  const record = recordFileOf(payload.record);
  if (path.extname(record).toLowerCase() !== '.json') throw inputError('QA_BAD_RECORD', `${payload.record} is not a render record`, { path: payload.record });
  return claimed(ctx, payload.runId, async (signal, service) => {
    const check = await service.client.rerender(
      { record, packSearchDirs: service.packSearchDirs(), ...(payload.device === undefined ? {} : { device: payload.device }) },
      { signal, onProgress: progressSender(ctx, payload.runId) },
    );
    await saveRerenderCheck(record, check);
    return { kind: 'done' as const, check, qaFile: qaFileFor(record) };
  });
}

export function qaCancel(payload: PayloadOf<'qa.cancel'>, ctx: HandlerContext): ResultOf<'qa.cancel'> {
  const controller = qaServiceFor(ctx).running.get(payload.runId);
  if (controller === undefined) return { cancelled: false };
  controller.abort();
  return { cancelled: true };
}

/** Stops every QA run of a shell (the shell is closing). */
export function cancelQaRuns(ctx: HandlerContext): void {
  for (const controller of qaServiceFor(ctx).running.values()) controller.abort();
}
