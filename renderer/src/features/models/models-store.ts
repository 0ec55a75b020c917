import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ModelPackDto, ModelsProgressEvent, PackProblemDto } from '../../../../electron/common/channels/models';
import type { IpcError } from '../../../../electron/common/errors';
import { ApiError, type Api } from '../../lib/api';
import { describeDrop, type Dropped } from './dropped';
import { importDropped, type ImportTransport } from './import-dropped';

// The model library as the studio shows it: the packs (models.list, then kept current by
// models.changed), the imports and verifications in progress (models.progress), and what the last
// verification of each pack found. A failed call is kept in `error` for the page to show.

export interface Operation {
  id: string;
  operation: 'import' | 'verify';
  label: string;
  /** 'start': asked for, no progress yet. */
  phase: ModelsProgressEvent['phase'] | 'start';
  bytes: number;
  totalBytes: number | null;
  files: number;
  totalFiles: number | null;
  rate: number;
  etaMs: number | null;
  file?: string;
  packId?: string;
  error?: IpcError;
}

export interface ModelsState {
  loaded: boolean;
  packs: ModelPackDto[];
  /** Imports and verifications, newest first. */
  operations: Operation[];
  /** Packs being verified or removed right now (by id; "*" for a verification of all). */
  busy: Record<string, 'verify' | 'remove'>;
  /** What the last verification found, per pack id. */
  checked: Record<string, { ok: boolean; problems: PackProblemDto[] }>;
  error: IpcError | null;
}

export interface ModelsActions {
  load(): Promise<void>;
  /** Subscribes to models.progress and models.changed; returns the unsubscribe. */
  follow(): () => void;
  /** Imports what was dropped (or picked); resolves with the imported pack's id, or null. */
  importDrop(dropped: Dropped): Promise<string | null>;
  verify(id?: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  dismiss(operationId: string): void;
  dismissError(): void;
}

export type ModelsStore = ModelsState & ModelsActions;

/** Finished operations kept on screen. */
const KEEP_FINISHED = 6;

export function asIpcError(error: unknown): IpcError {
  if (error instanceof ApiError) return error.detail === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, detail: error.detail };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function newOperationId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createModelsStore(api: Pick<Api, 'invoke' | 'subscribe'>, transport: ImportTransport): StoreApi<ModelsStore> {
  let loading: Promise<void> | null = null;
  /** An upload's id (what the host's events carry) -> the operation the page made for it. */
  const aliases = new Map<string, string>();

  return createStore<ModelsStore>()((set, get) => {
    function upsert(id: string, patch: Partial<Operation> & Pick<Operation, 'operation' | 'label'>): void {
      const operations = get().operations;
      const existing = operations.find((o) => o.id === id);
      if (existing !== undefined) {
        set({ operations: operations.map((o) => (o.id === id ? { ...o, ...patch } : o)) });
        return;
      }
      const fresh: Operation = { id, phase: 'start', bytes: 0, totalBytes: null, files: 0, totalFiles: null, rate: 0, etaMs: null, ...patch };
      const running = operations.filter((o) => o.phase !== 'done' && o.phase !== 'failed');
      const finished = operations.filter((o) => o.phase === 'done' || o.phase === 'failed').slice(0, KEEP_FINISHED - 1);
      set({ operations: [fresh, ...running, ...finished] });
    }

    function onProgress(event: ModelsProgressEvent): void {
      const id = aliases.get(event.importId) ?? event.importId;
      const current = get().operations.find((o) => o.id === id);
      // A late byte count must not undo "done" or "failed".
      if (current !== undefined && (current.phase === 'done' || current.phase === 'failed')) return;
      const { importId: _importId, ...rest } = event;
      upsert(id, { ...rest, label: current?.label ?? event.label });
    }

    function fail(id: string, operation: Operation['operation'], label: string, error: unknown): void {
      upsert(id, { operation, label, phase: 'failed', error: asIpcError(error) });
    }

    function setBusy(id: string, what: 'verify' | 'remove' | null): void {
      const { [id]: _gone, ...rest } = get().busy;
      set({ busy: what === null ? rest : { ...rest, [id]: what } });
    }

    return {
      loaded: false,
      packs: [],
      operations: [],
      busy: {},
      checked: {},
      error: null,

      load() {
        loading ??= (async () => {
          try {
            set({ packs: await api.invoke('models.list'), loaded: true });
          } catch (error) {
            set({ error: asIpcError(error) });
          } finally {
            loading = null;
          }
        })();
        return loading;
      },

      follow() {
        const offs = [
          api.subscribe('models.progress', onProgress),
          api.subscribe('models.changed', (event) => set({ packs: event.packs, loaded: true })),
        ];
        return () => {
          for (const off of offs) off();
        };
      },

      async importDrop(dropped) {
        const id = newOperationId();
        const label = describeDrop(dropped);
        upsert(id, { operation: 'import', label });
        try {
          const result = await importDropped(api, transport, dropped, {
            importId: id,
            // The host names an upload itself; its events then carry that id.
            onUploadId: (uploadId) => aliases.set(uploadId, id),
          });
          upsert(id, { operation: 'import', label, phase: 'done', packId: result.pack.id, bytes: result.pack.bytes, totalBytes: result.pack.bytes, files: result.pack.files, totalFiles: result.pack.files });
          const others = get().packs.filter((p) => p.id !== result.pack.id);
          set({ packs: [...others, result.pack].sort((a, b) => (a.id < b.id ? -1 : 1)) });
          return result.pack.id;
        } catch (error) {
          fail(id, 'import', label, error);
          return null;
        }
      },

      async verify(id) {
        const key = id ?? '*';
        const operationId = newOperationId();
        setBusy(key, 'verify');
        upsert(operationId, { operation: 'verify', label: id ?? 'every pack' });
        try {
          const report = await api.invoke('models.verify', id === undefined ? { verifyId: operationId } : { id, verifyId: operationId });
          const checked = { ...get().checked };
          for (const pack of report.packs) checked[pack.id] = { ok: pack.problem === null, problems: report.problems.filter((p) => p.id === pack.id) };
          const byId = new Map(report.packs.map((p) => [p.id, p]));
          set({ checked, packs: get().packs.map((p) => byId.get(p.id) ?? p) });
          upsert(operationId, { operation: 'verify', label: id ?? 'every pack', phase: 'done' });
          return report.ok;
        } catch (error) {
          fail(operationId, 'verify', id ?? 'every pack', error);
          set({ error: asIpcError(error) });
          return false;
        } finally {
          setBusy(key, null);
        }
      },

      async remove(id) {
        setBusy(id, 'remove');
        try {
          await api.invoke('models.remove', { id });
          const { [id]: _gone, ...checked } = get().checked;
          set({ packs: get().packs.filter((p) => p.id !== id), checked });
          return true;
        } catch (error) {
          set({ error: asIpcError(error) });
          return false;
        } finally {
          setBusy(id, null);
        }
      },

      dismiss: (operationId) => set({ operations: get().operations.filter((o) => o.id !== operationId) }),
      dismissError: () => set({ error: null }),
    };
  });
}
