import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { useStudio } from '../../app/context';
import type { Api } from '../../lib/api';
import { browserTransport } from './browser-transport';
import { createModelsStore, type ModelsStore } from './models-store';

// The models store of the page: one per api, reaching files the way this page can (browser-transport.ts).

const stores = new WeakMap<object, StoreApi<ModelsStore>>();

/** The models store of this studio's api (one per page), made on first use. */
export function modelsStoreFor(api: Api): StoreApi<ModelsStore> {
  let store = stores.get(api);
  if (store === undefined) {
    store = createModelsStore(api, browserTransport());
    stores.set(api, store);
  }
  return store;
}

/** A slice of the models store, for any component under the studio's context. */
export function useModelsStore<T>(select: (state: ModelsStore) => T): T {
  return useStore(modelsStoreFor(useStudio().api), select);
}
