import type { ComponentType } from 'react';
import { SettingsPage } from '../features/settings/SettingsPage';
import type { PageId } from './pages';
import { StudioWorkspace } from './StudioWorkspace';

/** The component of each page of pages.ts. */
export const PAGE_VIEWS: Record<PageId, ComponentType> = {
  studio: StudioWorkspace,
  settings: SettingsPage,
};
