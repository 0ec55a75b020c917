// Works the render queue: claims the next job, renders it in a worker process, records the
// outcome, and goes on. One job holds the GPU at a time by default (`concurrency`).
//
// Overlap: a render is pipeline (GPU: encode prompt, denoise, decode, upsample) then video encode
// and record (CPU: ffmpeg, hashing). The worker reports the stage 'video' when the pipeline is
// done; from then on the job no longer counts against `concurrency`, and the runner starts the next
// job in a second worker process while the first one encodes. The price is one more worker process
// (its own copy of the model sessions) while both run. `overlap: false` turns it off.
//
// Crash safety: the runner holds the "runner alive" marker while it works. A worker that dies
// fails its job (WORKER_CRASHED) and the queue goes on with a new worker. If the runner itself is
// killed, the next start finds the marker of a dead process and recovers (queue-recovery.ts).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AiprodError, inputError, serializeError, workError } from '../errors';
import type { RenderRequestInput } from '../render/request';
import { probeCuda } from '../runtime/cuda-probe';
import type { RenderPreview, RenderProgress, RenderShotResult } from '../render/result';
import type { JobRequest, JobView, QueueStatus } from './job-model';
import { settleEarlierRun } from './job-outputs';
import { previewImage, type PreviewImage } from './preview-image';
import type { QueueEvent } from './queue-events';
import { recoverIfUnclean } from './queue-recovery';
import type { JobQueueStore } from './queue-store';
import { acquireMarker, clearMarker, ownMarker, type RunnerMarker } from './runner-marker';
import { pauseAt } from './test-hooks';
import { WorkerClient, type WorkerLauncher } from './worker-client';

export type RunnerMode =
  /** `aiprod queue run`: work until nothing is queued, then stop. */
  | 'until-empty'
  /** The studio: keep waiting for jobs until stopped. */
  | 'forever';

export interface QueueRunnerOptions {
  store: JobQueueStore;
  mode: RunnerMode;
  /** Folders searched for model packs. */
  packSearchDirs: readonly string[];
  /** Jobs denoising at the same time (default 1: one GPU job at a time). */
  concurrency?: number;
  /**
   * Start the next job while the previous one encodes its video. 'auto' (the default): when the
   * CUDA provider is usable, since only then do denoising (GPU) and encoding (CPU) use different
   * hardware; on a CPU-only machine both compete for the same cores and a second worker only adds
   * its start-up and memory (bench/queue.ts measures it).
   */
  overlap?: boolean | 'auto';
  /** How worker processes are started (default: fork of dist/node/worker.js). */
  launcher?: WorkerLauncher;
  /** Send preview images of the frames being denoised (default false). */
  previews?: boolean;
  makePreview?: (preview: RenderPreview) => Promise<PreviewImage>;
  /** How often to look for work and cancels from other processes (default 500 ms). */
  pollMs?: number;
  /** Least time between two progress writes of a job to the database (default 1000 ms). */
  progressWriteMs?: number;
  /** Least time between two previews of a job (default 250 ms). */
  previewMs?: number;
  /** How long a cancelled render may take to stop before its worker is killed (default 10 s). */
  cancelGraceMs?: number;
  /** Problems that do not stop the runner (a preview that could not be made, a listener that threw). */
  onWarning?: (message: string) => void;
}

export interface RunSummary {
  done: string[];
  failed: string[];
  cancelled: string[];
  /** Interrupted by stop(): back in the queue. */
  requeued: string[];
  /** Why the runner stopped: nothing left, the queue was paused, or stop() was called. */
  stoppedBecause: 'empty' | 'paused' | 'stopped';
}

interface ActiveJob {
  job: JobView;
  client: WorkerClient;
  controller: AbortController;
  /** Counts against `concurrency` until its pipeline is done. */
  holdsGpu: boolean;
  /** Why its render is being aborted. */
  abortReason?: 'cancel' | 'stop';
  lastStage: string | null;
  lastProgressWrite: number;
  lastPreview: number;
  previewBusy: boolean;
  sawWorker: boolean;
}

/** The render request without the queue's own fields. */
function renderRequestOf(request: JobRequest): RenderRequestInput {
  const { device: _device, ...render } = request;
  return render;
}

function resultSummary(result: RenderShotResult): Record<string, unknown> {
  return {
    seed: result.seed,
    frames: result.frames,
    width: result.width,
    height: result.height,
    fps: result.fps,
    steps: result.steps,
    executionProvider: result.executionProvider,
    outputSha256: result.outputSha256,
    frameHash: result.frameHash,
    totalMs: result.timings.totalMs,
    denoiseMs: result.timings.denoiseMs,
    videoEncodeMs: result.timings.videoEncodeMs,
    warnings: result.warnings,
  };
}

/** The stages after the pipeline: the GPU is free from here on. */
const AFTER_PIPELINE = new Set(['video', 'record']);

export class QueueRunner {
  private readonly store: JobQueueStore;
  private readonly options: QueueRunnerOptions;
  private readonly concurrency: number;
  private maxWorkers: number;
  private overlap = false;
  private readonly active = new Map<string, ActiveJob>();
  private readonly settling = new Set<Promise<void>>();
  private readonly idle: WorkerClient[] = [];
  private readonly summary: RunSummary = { done: [], failed: [], cancelled: [], requeued: [], stoppedBecause: 'empty' };
  private marker: RunnerMarker | undefined;
  private started = false;
  private stopping = false;
  private finished: Promise<RunSummary> | undefined;
  private finish: ((summary: RunSummary) => void) | undefined;
  private fail: ((error: unknown) => void) | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private pumpScheduled = false;

  constructor(options: QueueRunnerOptions) {
    this.options = options;
    this.store = options.store;
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
      throw inputError('INVALID_CONCURRENCY', `concurrency must be a whole number from 1 to 16, got ${concurrency}`, { field: 'concurrency' });
    }
    this.concurrency = concurrency;
    this.maxWorkers = concurrency;
  }

  /** Whether this runner overlaps encoding with the next job's denoising (known once started). */
  get overlapping(): boolean {
    return this.overlap;
  }

  /** Jobs being rendered now. */
  get activeJobIds(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Takes the queue (QUEUE_BUSY when another live process works it) and works it. In
   * 'until-empty' mode a paused queue is refused at once (QUEUE_PAUSED); the promise resolves when
   * nothing is left to do, when the queue is paused meanwhile, or after stop().
   */
  start(): Promise<RunSummary> {
    if (this.started) throw workError('RUNNER_STARTED', 'this queue runner was already started');
    this.started = true;
    this.finished = new Promise<RunSummary>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    void this.begin().catch((error: unknown) => this.abandon(error));
    return this.finished;
  }

  /** Looks for work now (after a submit or a resume in this process). */
  wake(): void {
    if (this.started && !this.stopping) this.pump();
  }

  /** Stops claiming, interrupts running renders (their jobs go back in the queue), closes the workers, clears the marker. */
  async stop(): Promise<RunSummary> {
    if (!this.started) return { ...this.summary, stoppedBecause: 'stopped' };
    if (!this.stopping) {
      this.summary.stoppedBecause = 'stopped';
      await this.shutDown();
    }
    return (this.finished as Promise<RunSummary>).catch(() => ({ ...this.summary }));
  }

  /**
   * For a process that is exiting now (no time for the workers to stop): running jobs go back in
   * the queue and the marker is cleared, synchronously. The workers end with their parent's
   * channel; what they leave on disk is cleaned when the job runs again.
   */
  stopNow(): void {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    this.unsubscribe?.();
    for (const id of this.active.keys()) {
      try {
        this.store.requeue(id);
      } catch {
        // Already settled meanwhile.
      }
    }
    this.releaseMarker();
  }

  private async begin(): Promise<void> {
    const mine = ownMarker();
    for (let attempt = 0; ; attempt++) {
      await recoverIfUnclean(this.store);
      const taken = acquireMarker(this.store.db, mine);
      if (taken.kind === 'acquired') break;
      if (taken.kind === 'busy') {
        throw workError('QUEUE_BUSY', `the queue is already being worked by process ${taken.marker.pid}${taken.marker.startedAt === null ? '' : ` (since ${taken.marker.startedAt})`}`, {
          detail: { pid: taken.marker.pid },
        });
      }
      if (attempt > 0) throw workError('QUEUE_MARKER_STUCK', `the marker of a dead queue runner (pid ${taken.marker.pid}) could not be cleared`);
    }
    this.marker = mine;
    this.overlap = await resolveOverlap(this.options.overlap ?? 'auto');
    this.maxWorkers = this.concurrency * (this.overlap ? 2 : 1);
    // stop() came while this start was still settling in: leave as cleanly as it found the queue.
    if (this.stopping) {
      this.releaseMarker();
      return;
    }
    const status = this.store.status();
    if (this.options.mode === 'until-empty' && status.paused) {
      this.releaseMarker();
      throw inputError('QUEUE_PAUSED', pausedMessage(status), { pausedReason: status.pausedReason, queued: status.counts.queued });
    }
    this.emitQueue();
    this.unsubscribe = this.store.events.on((event) => this.onStoreEvent(event));
    this.pollTimer = setInterval(() => this.poll(), this.options.pollMs ?? 500);
    // Running renders keep the process alive through their workers; the poll alone must not.
    this.pollTimer.unref();
    this.pump();
  }

  private onStoreEvent(event: QueueEvent): void {
    if (this.stopping) return;
    if (event.type === 'job') {
      const active = this.active.get(event.job.id);
      if (active !== undefined && event.job.cancelRequested) this.abortJob(active, 'cancel');
      else if (event.job.state === 'queued') this.schedulePump();
    } else if (event.type === 'queue' && !event.status.paused) {
      this.schedulePump();
    }
  }

  /** One pump for a burst of events (a timeline of 500 shots submitted at once). */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Work and cancels from other processes (the CLI next to the studio) arrive through the database. */
  private poll(): void {
    if (this.stopping) return;
    try {
      for (const id of this.store.cancelRequestedIds()) {
        const active = this.active.get(id);
        if (active !== undefined) this.abortJob(active, 'cancel');
      }
      this.pump();
    } catch (error) {
      this.abandon(error);
    }
  }

  private abortJob(active: ActiveJob, reason: 'cancel' | 'stop'): void {
    if (active.abortReason !== undefined) return;
    active.abortReason = reason;
    active.controller.abort(new AiprodError('CANCELLED', reason === 'cancel' ? `job ${active.job.id} was cancelled` : 'the queue runner is stopping'));
  }

  private gpuHolders(): number {
    let n = 0;
    for (const a of this.active.values()) if (a.holdsGpu) n++;
    return n;
  }

  private pump(): void {
    if (this.stopping) return;
    try {
      while (this.gpuHolders() < this.concurrency && this.active.size < this.maxWorkers) {
        const job = this.store.claimNext();
        if (job === undefined) break;
        pauseAt('claimed', job.id);
        this.launch(job);
      }
      // An idle studio gives the workers' memory (model sessions, VRAM) back.
      if (this.options.mode === 'forever' && this.active.size === 0 && this.idle.length > 0) {
        for (const client of this.idle.splice(0)) void client.close();
      }
      if (this.options.mode === 'until-empty' && this.active.size === 0) {
        const status = this.store.status();
        if (status.paused || status.counts.queued === 0) {
          this.summary.stoppedBecause = status.paused && status.counts.queued > 0 ? 'paused' : 'empty';
          void this.shutDown();
        }
      }
    } catch (error) {
      this.abandon(error);
    }
  }

  private takeClient(): WorkerClient {
    return (
      this.idle.pop() ??
      new WorkerClient({
        ...(this.options.launcher === undefined ? {} : { launcher: this.options.launcher }),
        ...(this.options.cancelGraceMs === undefined ? {} : { cancelGraceMs: this.options.cancelGraceMs }),
      })
    );
  }

  private launch(job: JobView): void {
    const active: ActiveJob = {
      job,
      client: this.takeClient(),
      controller: new AbortController(),
      holdsGpu: true,
      lastStage: null,
      lastProgressWrite: 0,
      lastPreview: 0,
      previewBusy: false,
      sawWorker: false,
    };
    this.active.set(job.id, active);
    const settled = this.run(active)
      .catch((error: unknown) => this.abandon(error))
      .finally(() => {
        this.active.delete(job.id);
        this.settling.delete(settled);
        if (this.stopping) void active.client.close();
        else this.idle.push(active.client);
        this.pump();
      });
    this.settling.add(settled);
  }

  private async run(active: ActiveJob): Promise<void> {
    const { job } = active;
    let result: RenderShotResult;
    try {
      // An earlier run of this job may have finished its files, or left half of them.
      const earlier = await settleEarlierRun({ output: job.output, record: job.record });
      if (earlier.kind === 'complete') {
        this.store.complete(job.id, { ...earlier.record, recovered: true });
        this.summary.done.push(job.id);
        return;
      }
      await prepareOutputDir(job.output);
      result = await active.client.render(
        {
          jobId: job.id,
          request: renderRequestOf(job.request),
          options: { output: job.output, packSearchDirs: [...this.options.packSearchDirs], device: job.request.device, previews: this.options.previews === true },
        },
        {
          signal: active.controller.signal,
          onProgress: (progress) => this.onProgress(active, progress),
          ...(this.options.previews === true ? { onPreview: (preview: RenderPreview) => this.onPreview(active, preview) } : {}),
        },
      );
    } catch (error) {
      this.settleFailure(active, error);
      return;
    }
    pauseAt('rendered', job.id);
    this.store.complete(job.id, resultSummary(result));
    this.summary.done.push(job.id);
  }

  private settleFailure(active: ActiveJob, error: unknown): void {
    const { job } = active;
    if (active.abortReason === 'stop') {
      this.store.requeue(job.id);
      this.summary.requeued.push(job.id);
      return;
    }
    if (active.abortReason === 'cancel' && error instanceof AiprodError && error.code === 'CANCELLED') {
      this.store.markCancelled(job.id);
      this.summary.cancelled.push(job.id);
      return;
    }
    const { code, message } = serializeError(error);
    this.store.fail(job.id, { code, message });
    this.summary.failed.push(job.id);
  }

  private onProgress(active: ActiveJob, progress: RenderProgress): void {
    const { job } = active;
    const etaMs = progress.etaMs ?? null;
    this.store.events.emit({ type: 'progress', jobId: job.id, stage: progress.stage, step: progress.step, total: progress.totalSteps, etaMs, elapsedMs: progress.elapsedMs });
    const now = Date.now();
    try {
      if (!active.sawWorker) {
        active.sawWorker = true;
        this.store.setWorkerPid(job.id, active.client.pid ?? null);
      }
      if (progress.stage !== active.lastStage || now - active.lastProgressWrite >= (this.options.progressWriteMs ?? 1000)) {
        this.store.setProgress(job.id, { stage: progress.stage, step: progress.step, total: progress.totalSteps, etaMs });
        active.lastProgressWrite = now;
      }
    } catch (error) {
      this.warn(`could not record the progress of job ${job.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
    active.lastStage = progress.stage;
    if (active.holdsGpu && this.overlap && AFTER_PIPELINE.has(progress.stage)) {
      active.holdsGpu = false;
      this.pump();
    }
  }

  private onPreview(active: ActiveJob, preview: RenderPreview): void {
    const now = Date.now();
    if (active.previewBusy || now - active.lastPreview < (this.options.previewMs ?? 250)) return;
    active.previewBusy = true;
    active.lastPreview = now;
    const make = this.options.makePreview ?? previewImage;
    make(preview)
      .then((image) => {
        if (this.active.get(active.job.id) === active) this.store.events.emit({ type: 'preview', jobId: active.job.id, ...image });
      })
      .catch((error: unknown) => this.warn(`could not make a preview of job ${active.job.id}: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        active.previewBusy = false;
      });
  }

  private warn(message: string): void {
    this.options.onWarning?.(message);
  }

  private emitQueue(): void {
    const status: QueueStatus = this.store.status();
    this.store.events.emit({ type: 'queue', status });
  }

  private releaseMarker(): void {
    if (this.marker === undefined) return;
    clearMarker(this.store.db, this.marker);
    this.marker = undefined;
  }

  private async shutDown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    for (const active of this.active.values()) this.abortJob(active, 'stop');
    await Promise.allSettled([...this.settling]);
    this.unsubscribe?.();
    await Promise.allSettled(this.idle.splice(0).map((client) => client.close()));
    try {
      this.releaseMarker();
      this.emitQueue();
    } catch (error) {
      this.fail?.(error);
      return;
    }
    this.finish?.({ ...this.summary });
  }

  /** Something the runner cannot work around (the database failed): stop, and reject start(). */
  private abandon(error: unknown): void {
    const reject = this.fail;
    this.fail = undefined;
    this.finish = undefined;
    void this.shutDown().finally(() => reject?.(error));
  }
}

async function resolveOverlap(choice: boolean | 'auto'): Promise<boolean> {
  if (choice !== 'auto') return choice;
  try {
    return (await probeCuda()).available;
  } catch {
    return false;
  }
}

async function prepareOutputDir(output: string): Promise<void> {
  const dir = path.dirname(output);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (code === 'ENOSPC' || code === 'EDQUOT') throw workError('DISK_FULL', `no space left to create the output folder ${dir}`, { cause: error });
    throw workError('OUTPUT_DIR_FAILED', `cannot create the output folder ${dir} (${code})`, { cause: error, detail: { path: dir } });
  }
}

function pausedMessage(status: QueueStatus): string {
  const waiting = `${status.counts.queued} job(s) waiting`;
  if (status.pausedReason === 'unclean-shutdown') {
    return `the queue is paused because its last runner stopped without shutting down (${waiting}); check \`aiprod queue list\`, then run \`aiprod queue resume\``;
  }
  return `the queue is paused (${waiting}); run \`aiprod queue resume\` to go on`;
}
