import type { ComponentType } from 'react';
import { ModelsPage } from '../features/models/ModelsPage';
import { ReportPage } from '../features/report/ReportPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import type { PageId } from './pages';
import { StudioWorkspace } from './StudioWorkspace';

/** The component of each page of pages.ts. */
export const PAGE_VIEWS: Record<PageId, ComponentType> = {
  studio: StudioWorkspace,
  models: ModelsPage,
  report: ReportPage,
  settings: SettingsPage,
};
