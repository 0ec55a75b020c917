import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { QaStoredDto } from '../../../../electron/common/channels/qa';
import type { IpcError } from '../../../../electron/common/errors';
import { useStudio } from '../../app/context';
import type { Api } from '../../lib/api';
import { asIpcError } from '../../stores/errors';

// The QA of renders as the studio shows it: what is stored with each render (by its video path),
// loaded on demand, and one run at a time from this page (an analysis or a re-render check) with
// its progress. The work itself happens in a QA process behind the qa.* channels.

export interface QaEntry {
  stored: QaStoredDto | null;
  loading: boolean;
  error: IpcError | null;
}

export interface QaRunState {
  runId: string;
  kind: 'analyse' | 'rerender';
  /** The render's video the run is for. */
  video: string;
  stage: string;
  step: number;
  total: number;
  cancelling: boolean;
}

export interface QaState {
  entries: Record<string, QaEntry>;
  run: QaRunState | null;
  /** The last run that was cancelled, for the panel to say so. */
  cancelled: { video: string; kind: 'analyse' | 'rerender' } | null;
}

export interface QaActions {
  /** Loads (or reloads) the stored QA of the render at `video`. */
  load(video: string): Promise<void>;
  analyse(video: string, options?: { reference?: string; prompt?: string }): Promise<void>;
  rerender(video: string, record: string): Promise<void>;
  cancel(): Promise<void>;
  dismissError(video: string): void;
}

export type QaStore = QaState & QaActions;

const EMPTY: QaEntry = { stored: null, loading: false, error: null };

export function createQaStore(api: Pick<Api, 'invoke' | 'subscribe'>, newId: () => string = () => crypto.randomUUID()): StoreApi<QaStore> {
  let following: (() => void) | null = null;
  return createStore<QaStore>()((set, get) => {
    const patchEntry = (video: string, patch: Partial<QaEntry>) => set((s) => ({ entries: { ...s.entries, [video]: { ...(s.entries[video] ?? EMPTY), ...patch } } }));

    function follow(): void {
      following ??= api.subscribe('qa.progress', (event) => {
        const run = get().run;
        if (run === null || run.runId !== event.runId) return;
        set({ run: { ...run, stage: event.stage, step: event.step, total: event.total } });
      });
    }

    async function load(video: string): Promise<void> {
      patchEntry(video, { loading: true, error: null });
      try {
        const stored = await api.invoke('qa.get', { path: video });
        patchEntry(video, { stored, loading: false });
      } catch (error) {
        patchEntry(video, { loading: false, error: asIpcError(error) });
      }
    }

    /** Runs `call` as the page's one QA run; its result is merged into the render's entry. */
    async function runOne(video: string, kind: QaRunState['kind'], call: (runId: string) => Promise<Partial<Pick<QaStoredDto, 'analysis' | 'rerender'>> | null>): Promise<void> {
      if (get().run !== null) return;
      follow();
      const runId = newId();
      set({ run: { runId, kind, video, stage: 'starting', step: 0, total: 0, cancelling: false }, cancelled: null });
      patchEntry(video, { error: null });
      try {
        const merged = await call(runId);
        if (merged === null) set({ cancelled: { video, kind } });
        else {
          const current = get().entries[video]?.stored ?? null;
          if (current === null) await load(video);
          else patchEntry(video, { stored: { ...current, ...merged } });
        }
      } catch (error) {
        patchEntry(video, { error: asIpcError(error) });
      } finally {
        if (get().run?.runId === runId) set({ run: null });
      }
    }

    return {
      entries: {},
      run: null,
      cancelled: null,
      load,
      analyse(video, options = {}) {
        return runOne(video, 'analyse', async (runId) => {
          const result = await api.invoke('qa.run', {
            runId,
            output: video,
            ...(options.reference === undefined ? {} : { reference: options.reference }),
            ...(options.prompt === undefined ? {} : { prompt: options.prompt }),
          });
          return result.kind === 'done' ? { analysis: result.analysis } : null;
        });
      },
      rerender(video, record) {
        return runOne(video, 'rerender', async (runId) => {
          const result = await api.invoke('qa.rerender', { runId, record });
          return result.kind === 'done' ? { rerender: result.check } : null;
        });
      },
      async cancel() {
        const run = get().run;
        if (run === null || run.cancelling) return;
        set({ run: { ...run, cancelling: true } });
        try {
          await api.invoke('qa.cancel', { runId: run.runId });
        } catch (error) {
          patchEntry(run.video, { error: asIpcError(error) });
        }
      },
      dismissError(video) {
        patchEntry(video, { error: null });
      },
    };
  });
}

const stores = new WeakMap<object, StoreApi<QaStore>>();

/** The QA store of this studio's api (one per page), made on first use. */
export function qaStoreFor(api: Api): StoreApi<QaStore> {
  let store = stores.get(api);
  if (store === undefined) {
    store = createQaStore(api);
    stores.set(api, store);
  }
  return store;
}

export function useQaStore<T>(select: (state: QaStore) => T): T {
  return useStore(qaStoreFor(useStudio().api), select);
}
