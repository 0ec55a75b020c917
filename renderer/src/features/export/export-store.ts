import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExportResult } from '../../../../electron/common/channels/export';
import type { IpcError } from '../../../../electron/common/errors';
import { useStudio } from '../../app/context';
import type { Api } from '../../lib/api';
import { asIpcError } from '../../stores/errors';

// One export at a time from this page: save the project (the engine exports the saved document),
// start the export under an id of our making, follow its progress events, cancel on request.

export type ExportPhase = 'idle' | 'saving' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

export interface ExportState {
  phase: ExportPhase;
  exportId: string | null;
  fraction: number;
  etaMs: number | null;
  result: Extract<ExportResult, { kind: 'done' }> | null;
  error: IpcError | null;
}

export interface ExportActions {
  /** Saves through `save` (false: the save failed and nothing is exported), then exports `folder`. */
  start(folder: string, save: () => Promise<boolean>, destination?: 'project' | 'choose'): Promise<void>;
  cancel(): Promise<void>;
  dismiss(): void;
}

export type ExportStore = ExportState & ExportActions;

const IDLE: ExportState = { phase: 'idle', exportId: null, fraction: 0, etaMs: null, result: null, error: null };

export function createExportStore(api: Pick<Api, 'invoke' | 'subscribe'>, newId: () => string = () => crypto.randomUUID()): StoreApi<ExportStore> {
  let following: (() => void) | null = null;
  return createStore<ExportStore>()((set, get) => ({
    ...IDLE,
    async start(folder, save, destination = 'project') {
      const phase = get().phase;
      if (phase === 'saving' || phase === 'running' || phase === 'cancelling') return;
      set({ ...IDLE, phase: 'saving' });
      if (!(await save())) {
        set({ ...IDLE, phase: 'failed', error: { code: 'EXPORT_NOT_SAVED', message: 'The project could not be saved, so it was not exported; see the save status.' } });
        return;
      }
      const exportId = newId();
      following ??= api.subscribe('export.progress', (event) => {
        const s = get();
        if (event.exportId !== s.exportId || s.phase !== 'running') return;
        set({ fraction: Math.max(s.fraction, event.fraction), etaMs: event.etaMs });
      });
      set({ phase: 'running', exportId });
      try {
        const result = await api.invoke('export.start', { folder, exportId, destination });
        if (get().exportId !== exportId) return;
        set(result.kind === 'done' ? { phase: 'done', fraction: 1, etaMs: 0, result } : { phase: 'cancelled' });
      } catch (error) {
        if (get().exportId === exportId) set({ phase: 'failed', error: asIpcError(error) });
      }
    },
    async cancel() {
      const { exportId, phase } = get();
      if (exportId === null || phase !== 'running') return;
      set({ phase: 'cancelling' });
      try {
        await api.invoke('export.cancel', { exportId });
      } catch (error) {
        set({ phase: 'running', error: asIpcError(error) });
      }
    },
    dismiss() {
      const phase = get().phase;
      if (phase === 'done' || phase === 'cancelled' || phase === 'failed') set({ ...IDLE });
      else set({ error: null });
    },
  }));
}

const stores = new WeakMap<object, StoreApi<ExportStore>>();

/** The export store of this studio's api (one per page), made on first use. */
export function exportStoreFor(api: Api): StoreApi<ExportStore> {
  let store = stores.get(api);
  if (store === undefined) {
    store = createExportStore(api);
    stores.set(api, store);
  }
  return store;
}

export function useExportStore<T>(select: (state: ExportStore) => T): T {
  return useStore(exportStoreFor(useStudio().api), select);
}
