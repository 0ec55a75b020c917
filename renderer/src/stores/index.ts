import type { StoreApi } from 'zustand/vanilla';
import type { Api } from '../lib/api';
import { createActivityStore, type ActivityStore } from './activity';
import { createAppInfoStore, type AppInfoStore } from './app-info';
import { createProjectStore, type ProjectStore } from './project';
import { createRecentProjectsStore, type RecentProjectsStore } from './recent-projects';
import { createThumbnailsStore, type ThumbnailsStore } from './thumbnails';

/** Every store of the studio, made once per page for one api. */
export interface StudioStores {
  appInfo: StoreApi<AppInfoStore>;
  activity: StoreApi<ActivityStore>;
  project: StoreApi<ProjectStore>;
  recent: StoreApi<RecentProjectsStore>;
  thumbnails: StoreApi<ThumbnailsStore>;
}

export function createStudioStores(api: Api): StudioStores {
  return {
    appInfo: createAppInfoStore(api),
    activity: createActivityStore(),
    project: createProjectStore(api),
    recent: createRecentProjectsStore(api),
    thumbnails: createThumbnailsStore(api),
  };
}

export { followActivity } from './activity';
export { followProjectSaves } from './project';
