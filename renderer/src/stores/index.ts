import type { StoreApi } from 'zustand/vanilla';
import type { Api } from '../lib/api';
import { createActivityStore, type ActivityStore } from './activity';
import { createAppInfoStore, type AppInfoStore } from './app-info';

/** Every store of the studio, made once per page for one api. */
export interface StudioStores {
  appInfo: StoreApi<AppInfoStore>;
  activity: StoreApi<ActivityStore>;
}

export function createStudioStores(api: Api): StudioStores {
  return { appInfo: createAppInfoStore(api), activity: createActivityStore() };
}

export { followActivity } from './activity';
