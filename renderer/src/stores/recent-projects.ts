import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RecentProject } from '../../../electron/common/channels/projects';
import type { IpcError } from '../../../electron/common/errors';
import type { Api } from '../lib/api';
import { asIpcError } from './errors';

export interface RecentProjectsStore {
  status: 'idle' | 'loading' | 'ready' | 'error';
  entries: readonly RecentProject[];
  error: IpcError | null;
  load(): Promise<void>;
  /** Drops a folder from the list (for entries whose project is gone). */
  forget(folder: string): Promise<void>;
}

/** The recent projects list of the start screen. */
export function createRecentProjectsStore(api: Pick<Api, 'invoke'>): StoreApi<RecentProjectsStore> {
  return createStore<RecentProjectsStore>()((set) => ({
    status: 'idle',
    entries: [],
    error: null,
    async load() {
      set({ status: 'loading', error: null });
      try {
        set({ status: 'ready', entries: await api.invoke('projects.recent') });
      } catch (error) {
        set({ status: 'error', error: asIpcError(error) });
      }
    },
    async forget(folder) {
      try {
        set({ status: 'ready', entries: await api.invoke('projects.forgetRecent', { folder }), error: null });
      } catch (error) {
        set({ status: 'error', error: asIpcError(error) });
      }
    },
  }));
}
