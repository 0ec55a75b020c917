import type { ComponentType } from 'react';
import { StudioPage } from '../features/studio/StudioPage';

export interface PageDef {
  /** The hash route: #/<id>. */
  id: string;
  /** The nav link's text. */
  label: string;
  Component: ComponentType;
}

/** Pages that exist; the nav shows exactly these. Models, the sovereignty report and settings join
 * this list when their features land. */
export const PAGES: readonly PageDef[] = [{ id: 'studio', label: 'Studio', Component: StudioPage }];

export function pageForHash(hash: string): PageDef {
  const id = hash.replace(/^#\/?/, '');
  return PAGES.find((p) => p.id === id) ?? (PAGES[0] as PageDef);
}
