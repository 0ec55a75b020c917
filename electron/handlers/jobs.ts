import type { JobDto, JobsSnapshot, QueueStatusDto } from '../common/channels/jobs';
import type { PayloadOf, ResultOf } from '../common/contract';
import { AiprodError } from '../../engine/errors';
import type { JobView, QueueStatus } from '../../engine/jobs/job-model';
import { openJobQueue, type OpenedQueue } from '../../engine/jobs/open-queue';
import { QueueEvents, type QueueEvent } from '../../engine/jobs/queue-events';
import { QueueRunner } from '../../engine/jobs/queue-runner';
import type { WorkerLauncher } from '../../engine/jobs/worker-client';
import { packSearchDirs } from '../../engine/system/paths';
import type { Emit, HandlerContext } from './context';

// The jobs domain: the render queue for the studio. Each shell's context gets one JobsService, made
// on first use of a jobs channel: it opens the queue (library database, crash recovery), starts a
// runner that works it for as long as the shell lives, and forwards the queue's events to every
// window. A crash found at the start leaves the queue paused until the user resumes it.

export interface JobsServiceOptions {
  emit: Emit;
  /** AIPROD_HOME; default from the environment. */
  home?: string;
  /** How render workers start (Electron: a utilityProcess); default child_process.fork. */
  launcher?: WorkerLauncher;
  /** Jobs denoising at the same time (default 1). */
  concurrency?: number;
  /** Send preview images while denoising (default true). */
  previews?: boolean;
  /** How often to look for changes other processes made (`aiprod queue add`, default 1000 ms). */
  watchMs?: number;
}

export interface JobsService {
  /** The open queue and its runner (opened on the first call). */
  queue(): Promise<OpenedQueue>;
  snapshot(limit?: number): Promise<JobsSnapshot>;
  /** Stops the runner (running jobs go back in the queue) and closes the database. */
  close(): Promise<void>;
}

/** How many finished jobs a snapshot carries besides every queued and running one. */
const FINISHED_IN_SNAPSHOT = 200;

/** The engine's job as the contract carries it (the shapes are written twice: electron/common imports nothing of ours). */
export function jobDto(job: JobView): JobDto {
  const { negativePrompt, seed, steps, frames, guidance, tier, model, upscale, device, prompt } = job.request;
  return {
    ...job,
    request: {
      prompt,
      seed,
      tier,
      model,
      device,
      ...(negativePrompt === undefined ? {} : { negativePrompt }),
      ...(steps === undefined ? {} : { steps }),
      ...(frames === undefined ? {} : { frames }),
      ...(guidance === undefined ? {} : { guidance }),
      ...(upscale === undefined ? {} : { upscale }),
    },
  };
}

export function statusDto(status: QueueStatus): QueueStatusDto {
  return status;
}

function forward(emit: Emit, event: QueueEvent): void {
  switch (event.type) {
    case 'job':
      emit('jobs.job', jobDto(event.job));
      return;
    case 'progress':
      emit('jobs.progress', { jobId: event.jobId, stage: event.stage, step: event.step, total: event.total, etaMs: event.etaMs, elapsedMs: event.elapsedMs });
      return;
    case 'preview':
      emit('jobs.preview', { jobId: event.jobId, dataUrl: event.dataUrl, width: event.width, height: event.height });
      return;
    case 'queue':
      emit('jobs.status', statusDto(event.status));
      return;
  }
}

export function createJobsService(options: JobsServiceOptions): JobsService {
  let opening: Promise<{ opened: OpenedQueue; runner: QueueRunner; watch: NodeJS.Timeout; onExit: () => void }> | undefined;
  let closed = false;

  const open = async () => {
    const events = new QueueEvents((error) => console.error(`aiprod jobs: an event listener failed: ${error instanceof Error ? error.message : String(error)}`));
    events.on((event) => forward(options.emit, event));
    const opened = await openJobQueue({ ...(options.home === undefined ? {} : { home: options.home }), events });
    const runner = new QueueRunner({
      store: opened.store,
      mode: 'forever',
      packSearchDirs: packSearchDirs(),
      previews: options.previews ?? true,
      ...(options.launcher === undefined ? {} : { launcher: options.launcher }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      onWarning: (message) => console.error(`aiprod jobs: ${message}`),
    });
    runner.start().catch((error: unknown) => {
      // QUEUE_BUSY (an `aiprod queue run` works it) is not fatal: the studio still lists and submits.
      console.error(`aiprod jobs: the queue runner stopped: ${error instanceof Error ? error.message : String(error)}`);
      events.emit({ type: 'queue', status: opened.store.status() });
    });
    // Changes made by other processes (the CLI) reach the studio as a status event; the page reloads the list.
    let seen = opened.store.db.pragma('data_version', { simple: true });
    const watch = setInterval(() => {
      try {
        const now = opened.store.db.pragma('data_version', { simple: true });
        if (now !== seen) events.emit({ type: 'queue', status: opened.store.status() });
        seen = now;
      } catch {
        // The database was closed by close().
      }
    }, options.watchMs ?? 1000);
    watch.unref();
    // A shell that exits without close() (Electron quitting) still leaves the queue cleanly.
    const onExit = () => runner.stopNow();
    process.once('exit', onExit);
    return { opened, runner, watch, onExit };
  };

  const get = () => {
    if (closed) return Promise.reject(new AiprodError('JOBS_CLOSED', 'the render queue of this studio is closed'));
    opening ??= open();
    return opening;
  };

  return {
    async queue() {
      return (await get()).opened;
    },
    async snapshot(limit) {
      const { opened } = await get();
      const { store } = opened;
      const pending = store.list({ states: ['running', 'queued'], ...(limit === undefined ? {} : { limit }) });
      const finished = store.recentlyFinished(limit === undefined ? FINISHED_IN_SNAPSHOT : Math.max(0, limit - pending.length));
      const jobs = [...pending, ...finished].sort((a, b) => a.position - b.position);
      return { jobs: jobs.map(jobDto), status: statusDto(store.status()), notices: opened.notices };
    },
    async close() {
      closed = true;
      if (opening === undefined) return;
      const { opened, runner, watch, onExit } = await opening;
      clearInterval(watch);
      process.off('exit', onExit);
      await runner.stop();
      opened.close();
    },
  };
}

const services = new WeakMap<HandlerContext, JobsService>();

/** Gives a shell's context its own service (Electron's main passes its utilityProcess launcher). */
export function setJobsService(ctx: HandlerContext, service: JobsService): void {
  services.set(ctx, service);
}

/** The shell's render queue, made on first use with the default launcher. */
export function jobsServiceFor(ctx: HandlerContext): JobsService {
  let service = services.get(ctx);
  if (service === undefined) {
    service = createJobsService({ emit: ctx.emit });
    services.set(ctx, service);
  }
  return service;
}

/** Closes the shell's render queue, if it was ever opened. */
export async function closeJobsService(ctx: HandlerContext): Promise<void> {
  await services.get(ctx)?.close();
  services.delete(ctx);
}

export async function jobsList(payload: PayloadOf<'jobs.list'>, ctx: HandlerContext): Promise<ResultOf<'jobs.list'>> {
  return jobsServiceFor(ctx).snapshot(payload?.limit);
}

export async function jobsSubmit(payload: PayloadOf<'jobs.submit'>, ctx: HandlerContext): Promise<ResultOf<'jobs.submit'>> {
  const { store } = await jobsServiceFor(ctx).queue();
  const jobs = store.submitMany(payload.shots.map((shot) => ({ ...shot, request: { ...shot.request } })));
  return { jobs: jobs.map(jobDto) };
}

export async function jobsCancel(payload: PayloadOf<'jobs.cancel'>, ctx: HandlerContext): Promise<ResultOf<'jobs.cancel'>> {
  const { store } = await jobsServiceFor(ctx).queue();
  return jobDto(store.cancel(payload.id));
}

export async function jobsRetry(payload: PayloadOf<'jobs.retry'>, ctx: HandlerContext): Promise<ResultOf<'jobs.retry'>> {
  const { store } = await jobsServiceFor(ctx).queue();
  return jobDto(store.retry(payload.id));
}

export async function jobsReorder(payload: PayloadOf<'jobs.reorder'>, ctx: HandlerContext): Promise<ResultOf<'jobs.reorder'>> {
  const { store } = await jobsServiceFor(ctx).queue();
  return { queued: store.reorder(payload.id, payload.index).map(jobDto) };
}

export async function jobsPause(_payload: PayloadOf<'jobs.pause'>, ctx: HandlerContext): Promise<ResultOf<'jobs.pause'>> {
  const { store } = await jobsServiceFor(ctx).queue();
  return statusDto(store.pause('user'));
}

export async function jobsResume(_payload: PayloadOf<'jobs.resume'>, ctx: HandlerContext): Promise<ResultOf<'jobs.resume'>> {
  const { store } = await jobsServiceFor(ctx).queue();
  return statusDto(store.resume());
}
