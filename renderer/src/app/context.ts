import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { Api } from '../lib/api';
import type { StudioStores } from '../stores';

export interface Studio {
  api: Api;
  stores: StudioStores;
}

export const StudioContext = createContext<Studio | null>(null);

export function useStudio(): Studio {
  const studio = useContext(StudioContext);
  if (studio === null) throw new Error('useStudio() outside <StudioContext.Provider>');
  return studio;
}

/** A slice of one of the studio's stores, re-rendering only when that slice changes. */
export function useStudioStore<S, T>(pick: (stores: StudioStores) => StoreApi<S>, select: (state: S) => T): T {
  return useStore(pick(useStudio().stores), select);
}
