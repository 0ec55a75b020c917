// The studio's pages, as the nav shows them. Names only (no components): unit tests of the shell
// import this list, and they are type-checked without the DOM library. page-views.ts maps each id
// to its component.

export const PAGE_IDS = ['studio', 'models', 'report', 'settings'] as const;
export type PageId = (typeof PAGE_IDS)[number];

export interface PageDef {
  /** The hash route: #/<id>. */
  id: PageId;
  /** The nav link's text. */
  label: string;
}

/** Pages that exist; the nav shows exactly these, in this order. "Models" and "Sovereignty report"
 * go between Studio and Settings when their features land. */
export const PAGES: readonly PageDef[] = [
  { id: 'studio', label: 'Studio' },
  { id: 'models', label: 'Models' },
  { id: 'report', label: 'Sovereignty report' },
  { id: 'settings', label: 'Settings' },
];

export function pageForHash(hash: string): PageDef {
  const id = hash.replace(/^#\/?/, '');
  return PAGES.find((p) => p.id === id) ?? (PAGES[0] as PageDef);
}
