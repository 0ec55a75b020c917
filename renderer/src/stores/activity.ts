import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LogEntry } from '../../../electron/common/channels/app';
import type { Api } from '../lib/api';

/** How many log entries the studio keeps in memory; older ones fall off. */
export const ACTIVITY_LIMIT = 100;

export interface ActivityStore {
  entries: LogEntry[];
  add(entry: LogEntry): void;
}

export function createActivityStore(): StoreApi<ActivityStore> {
  return createStore<ActivityStore>()((set) => ({
    entries: [],
    add: (entry) => set((s) => ({ entries: [...s.entries, entry].slice(-ACTIVITY_LIMIT) })),
  }));
}

/** Feeds the shell's `app.log` events into the store; returns the unsubscribe. */
export function followActivity(api: Pick<Api, 'subscribe'>, store: StoreApi<ActivityStore>): () => void {
  return api.subscribe('app.log', (entry) => store.getState().add(entry));
}
