import type { NetworkGuardStats, OriginCount } from '../net';
import type { RenderNetworkCount, RenderScan } from './render-records';

// The network section: what the guard of this process counted since it was installed, and, when
// render records are given, what the guard of each rendering process counted.

export interface RenderNetworkSummary {
  records: number;
  attempts: number;
  blocked: number;
  /** Records made by a process whose guard was not installed: their zero proves nothing. */
  withoutGuard: number;
  items: RenderNetworkCount[];
  unreadable: { record: string; problem: string }[];
}

export interface NetworkFacts {
  guard: { installed: boolean; label: string | null; since: string | null };
  attempts: number;
  blocked: number;
  /** Where the attempts came from, most frequent first (at most MAX_ORIGINS_LISTED rows). */
  byOrigin: OriginCount[];
  /** Attempts beyond the rows listed, counted in the totals only. */
  unlistedAttempts: number;
  renders: RenderNetworkSummary | null;
}

const MAX_ORIGINS_LISTED = 50;

export function summarizeRenders(scan: RenderScan | readonly RenderNetworkCount[]): RenderNetworkSummary {
  const items = Array.isArray(scan) ? [...(scan as readonly RenderNetworkCount[])] : [...(scan as RenderScan).counts];
  const unreadable = Array.isArray(scan) ? [] : [...(scan as RenderScan).unreadable];
  return {
    records: items.length,
    attempts: items.reduce((sum, r) => sum + r.attempts, 0),
    blocked: items.reduce((sum, r) => sum + r.blocked, 0),
    withoutGuard: items.filter((r) => !r.installed).length,
    items,
    unreadable,
  };
}

export function networkFacts(stats: NetworkGuardStats, renders?: RenderScan | readonly RenderNetworkCount[]): NetworkFacts {
  const listed = stats.byOrigin.slice(0, MAX_ORIGINS_LISTED);
  const folded = stats.byOrigin.slice(MAX_ORIGINS_LISTED).reduce((sum, row) => sum + row.count, 0);
  return {
    guard: { installed: stats.installed, label: stats.label, since: stats.since },
    attempts: stats.attempts,
    blocked: stats.blocked,
    byOrigin: listed.map((row) => ({ ...row })),
    unlistedAttempts: stats.unlistedAttempts + folded,
    renders: renders === undefined ? null : summarizeRenders(renders),
  };
}
