import type { DependencyEntryDto, ModelEntryDto } from '../../../../electron/common/channels/report';

// The viewer's filters: which model packs and which packages to list. Pure functions of the report,
// so the page and its tests agree on what "copyleft" or "unknown licence" means.

export const MODEL_FILTERS = [
  { id: 'all', label: 'All packs' },
  { id: 'trained', label: 'Trained' },
  { id: 'pending', label: 'Pending training' },
  { id: 'checksum-problem', label: 'Checksum problems' },
  { id: 'not-renderable', label: 'Cannot render' },
] as const;
export type ModelFilter = (typeof MODEL_FILTERS)[number]['id'];

export const DEPENDENCY_FILTERS = [
  { id: 'all', label: 'All packages' },
  { id: 'copyleft', label: 'Copyleft' },
  { id: 'unknown-license', label: 'Unknown licence' },
  { id: 'absent', label: 'Absent (optional, not installed)' },
  { id: 'flagged', label: 'Flagged' },
] as const;
export type DependencyFilter = (typeof DEPENDENCY_FILTERS)[number]['id'];

/** Anything short of "verified" or "not yet verified" is a problem worth finding. */
export const CHECKSUM_PROBLEMS: ReadonlySet<ModelEntryDto['checksums']['state']> = new Set(['modified', 'missing', 'no-checksums']);

const MODEL_TESTS: Record<ModelFilter, (m: ModelEntryDto) => boolean> = {
  all: () => true,
  trained: (m) => m.provenance.status === 'trained',
  pending: (m) => m.provenance.status === 'pending_training',
  'checksum-problem': (m) => CHECKSUM_PROBLEMS.has(m.checksums.state),
  'not-renderable': (m) => !m.renderable,
};

const DEPENDENCY_TESTS: Record<DependencyFilter, (d: DependencyEntryDto) => boolean> = {
  all: () => true,
  copyleft: (d) => d.copyleft,
  // An absent package has no licence to know; "unknown" means installed with a licence nobody could name.
  'unknown-license': (d) => d.status === 'installed' && d.category === 'unknown',
  absent: (d) => d.status === 'absent',
  flagged: (d) => d.flagged,
};

/** Words of the query, lower-cased; every one must appear in one of the fields. */
function terms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter((t) => t !== '');
}

export function matchesQuery(fields: readonly (string | null)[], query: string): boolean {
  const words = terms(query);
  if (words.length === 0) return true;
  const haystack = fields.filter((f): f is string => f !== null).map((f) => f.toLowerCase());
  return words.every((word) => haystack.some((field) => field.includes(word)));
}

/** Searched: the pack's name, id, licence and owner. */
export function filterModels(models: readonly ModelEntryDto[], filter: ModelFilter, query: string): ModelEntryDto[] {
  return models.filter((m) => MODEL_TESTS[filter](m) && matchesQuery([m.name, m.id, m.license.spdx, m.license.owner], query));
}

/** Searched: the package's name and licence. */
export function filterDependencies(dependencies: readonly DependencyEntryDto[], filter: DependencyFilter, query: string): DependencyEntryDto[] {
  return dependencies.filter((d) => DEPENDENCY_TESTS[filter](d) && matchesQuery([d.name, d.license], query));
}

export function isModelFilter(value: string): value is ModelFilter {
  return MODEL_FILTERS.some((f) => f.id === value);
}

export function isDependencyFilter(value: string): value is DependencyFilter {
  return DEPENDENCY_FILTERS.some((f) => f.id === value);
}
