import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppInfo } from '../../../electron/common/channels/app';
import type { IpcError } from '../../../electron/common/errors';
import { ApiError, type Api } from '../lib/api';

export type AppInfoState =
  | { status: 'idle'; info: null; error: null }
  | { status: 'loading'; info: AppInfo | null; error: null }
  | { status: 'ready'; info: AppInfo; error: null }
  | { status: 'error'; info: AppInfo | null; error: IpcError };

export interface AppInfoStore {
  state: AppInfoState;
  /** Reads `app.info` again; concurrent calls share one request. */
  load(): Promise<void>;
}

function asIpcError(error: unknown): IpcError {
  if (error instanceof ApiError) return error.detail === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, detail: error.detail };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** The engine's status as the studio shows it: what runs here, which providers, ffmpeg, packs. */
export function createAppInfoStore(api: Pick<Api, 'invoke'>): StoreApi<AppInfoStore> {
  let inFlight: Promise<void> | null = null;
  return createStore<AppInfoStore>()((set, get) => ({
    state: { status: 'idle', info: null, error: null },
    load() {
      inFlight ??= (async () => {
        set({ state: { status: 'loading', info: get().state.info, error: null } });
        try {
          const info = await api.invoke('app.info');
          set({ state: { status: 'ready', info, error: null } });
        } catch (error) {
          set({ state: { status: 'error', info: get().state.info, error: asIpcError(error) } });
        } finally {
          inFlight = null;
        }
      })();
      return inFlight;
    },
  }));
}
