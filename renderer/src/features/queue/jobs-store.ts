import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { JobDto, QueueStatusDto, ShotSubmission } from '../../../../electron/common/channels/jobs';
import type { IpcError } from '../../../../electron/common/errors';
import { useStudio } from '../../app/context';
import { ApiError, type Api } from '../../lib/api';

// The render queue as the studio shows it: the jobs (from jobs.list, then kept current by the
// jobs.* events), live progress and previews of running jobs, and the queue's paused state. A
// change made elsewhere (the CLI next to the studio) arrives as a jobs.status event, which reloads
// the list.

export interface LiveProgress {
  stage: string;
  step: number;
  total: number;
  etaMs: number | null;
}

export interface JobsState {
  loaded: boolean;
  /** Jobs by id, and their queue order. */
  jobs: Record<string, JobDto>;
  order: string[];
  status: QueueStatusDto | null;
  notices: string[];
  progress: Record<string, LiveProgress>;
  /** The latest preview image (data URL) of each running job. */
  previews: Record<string, string>;
  /** The last failed call, for the panel to show. */
  error: IpcError | null;
}

export interface JobsActions {
  load(): Promise<void>;
  /** Subscribes to the jobs events; returns the unsubscribe. */
  follow(): () => void;
  submit(shots: ShotSubmission[]): Promise<boolean>;
  cancel(id: string): Promise<boolean>;
  retry(id: string): Promise<boolean>;
  move(id: string, index: number): Promise<boolean>;
  pause(): Promise<boolean>;
  resume(): Promise<boolean>;
  dismissError(): void;
}

export type JobsStore = JobsState & JobsActions;

function asIpcError(error: unknown): IpcError {
  if (error instanceof ApiError) return error.detail === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, detail: error.detail };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function ordered(jobs: Record<string, JobDto>): string[] {
  return Object.values(jobs)
    .sort((a, b) => a.position - b.position)
    .map((j) => j.id);
}

export function createJobsStore(api: Pick<Api, 'invoke' | 'subscribe'>): StoreApi<JobsStore> {
  let reloading: Promise<void> | null = null;
  return createStore<JobsStore>()((set, get) => {
    /** Runs a call; a failure is kept in `error` and answered with false. */
    async function attempt(call: () => Promise<void>): Promise<boolean> {
      try {
        await call();
        return true;
      } catch (error) {
        set({ error: asIpcError(error) });
        return false;
      }
    }

    function putJobs(list: readonly JobDto[]): void {
      const jobs = { ...get().jobs };
      for (const job of list) jobs[job.id] = job;
      set({ jobs, order: ordered(jobs) });
    }

    function putJob(job: JobDto): void {
      const jobs = { ...get().jobs, [job.id]: job };
      const patch: Partial<JobsState> = { jobs, order: ordered(jobs) };
      if (job.state !== 'running') {
        // Finished or back in the queue: its live figures are over.
        const { [job.id]: _p, ...progress } = get().progress;
        const { [job.id]: _v, ...previews } = get().previews;
        patch.progress = progress;
        patch.previews = previews;
      }
      set(patch);
    }

    return {
      loaded: false,
      jobs: {},
      order: [],
      status: null,
      notices: [],
      progress: {},
      previews: {},
      error: null,

      load() {
        reloading ??= (async () => {
          try {
            const snapshot = await api.invoke('jobs.list');
            const jobs = Object.fromEntries(snapshot.jobs.map((j) => [j.id, j]));
            set({ loaded: true, jobs, order: ordered(jobs), status: snapshot.status, notices: snapshot.notices });
          } catch (error) {
            set({ error: asIpcError(error) });
          } finally {
            reloading = null;
          }
        })();
        return reloading;
      },

      follow() {
        const offs = [
          api.subscribe('jobs.job', (job) => putJob(job)),
          api.subscribe('jobs.progress', (p) => set({ progress: { ...get().progress, [p.jobId]: { stage: p.stage, step: p.step, total: p.total, etaMs: p.etaMs } } })),
          api.subscribe('jobs.preview', (p) => set({ previews: { ...get().previews, [p.jobId]: p.dataUrl } })),
          api.subscribe('jobs.status', (status) => {
            set({ status });
            void get().load();
          }),
        ];
        return () => {
          for (const off of offs) off();
        };
      },

      submit: (shots) => attempt(async () => putJobs((await api.invoke('jobs.submit', { shots })).jobs)),
      cancel: (id) => attempt(async () => putJob(await api.invoke('jobs.cancel', { id }))),
      retry: (id) => attempt(async () => putJob(await api.invoke('jobs.retry', { id }))),
      move: (id, index) => attempt(async () => putJobs((await api.invoke('jobs.reorder', { id, index })).queued)),
      pause: () => attempt(async () => set({ status: await api.invoke('jobs.pause') })),
      resume: () => attempt(async () => set({ status: await api.invoke('jobs.resume'), notices: [] })),
      dismissError: () => set({ error: null }),
    };
  });
}

const stores = new WeakMap<object, StoreApi<JobsStore>>();

/** The jobs store of this studio's api (one per page), made on first use. */
export function jobsStoreFor(api: Api): StoreApi<JobsStore> {
  let store = stores.get(api);
  if (store === undefined) {
    store = createJobsStore(api);
    stores.set(api, store);
  }
  return store;
}

/** A slice of the render queue's store, for any component under the studio's context. */
export function useJobsStore<T>(select: (state: JobsStore) => T): T {
  return useStore(jobsStoreFor(useStudio().api), select);
}
