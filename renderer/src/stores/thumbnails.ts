import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Api } from '../lib/api';

/** A thumbnail: its data: URL, null when it cannot be shown, absent until asked for. */
export interface ThumbnailsStore {
  urls: Readonly<Record<string, string | null>>;
  /** Fetches a rendered shot's thumbnail once; later calls for the same file do nothing. */
  request(folder: string, file: string): void;
}

export function thumbnailKey(folder: string, file: string): string {
  return `${folder}\n${file}`;
}

export function createThumbnailsStore(api: Pick<Api, 'invoke'>): StoreApi<ThumbnailsStore> {
  const asked = new Set<string>();
  return createStore<ThumbnailsStore>()((set) => ({
    urls: {},
    request(folder, file) {
      const key = thumbnailKey(folder, file);
      if (asked.has(key)) return;
      asked.add(key);
      api.invoke('projects.thumbnail', { folder, file }).then(
        ({ dataUrl }) => set((s) => ({ urls: { ...s.urls, [key]: dataUrl } })),
        // A missing or unreadable thumbnail just leaves the block without a picture.
        () => set((s) => ({ urls: { ...s.urls, [key]: null } })),
      );
    },
  }));
}
