import type { NetworkApi } from './blocked-error';
import { NetworkBlockedError } from './blocked-error';

// The guard's process-wide state. It lives on globalThis under a registered symbol, not in module
// scope, so two copies of this module (a bundle and a test loader, say) share one guard and one
// count, and installing twice never wraps a function twice.

export interface BlockedAttempt {
  api: NetworkApi;
  target: string;
  origin: string;
  at: string;
}

export interface OriginCount {
  origin: string;
  api: NetworkApi;
  target: string;
  count: number;
  lastAt: string;
}

export interface NetworkGuardStats {
  installed: boolean;
  /** Label of this process given at install ("main", "worker", "cli", ...), if any. */
  label: string | null;
  /** Attempts to reach a non-loopback address. */
  attempts: number;
  /** Of those, how many were refused: all of them while the guard is installed. */
  blocked: number;
  /** One row per (origin, api, target), most frequent first. */
  byOrigin: OriginCount[];
  /** Rows beyond MAX_ORIGINS that were folded into the totals only. */
  unlistedAttempts: number;
  /** When the guard was installed (ISO 8601), null if it never was. */
  since: string | null;
}

export interface GuardState {
  installed: boolean;
  since: string | null;
  label: string | null;
  attempts: number;
  blocked: number;
  byOrigin: Map<string, OriginCount>;
  unlistedAttempts: number;
  listeners: Array<(attempt: BlockedAttempt) => void>;
  /** Names of the patches applied, so a repeated install skips them. */
  patched: Set<string>;
}

/** Keeps memory bounded if something retries forever from ever-new places. */
export const MAX_ORIGINS = 500;

const STATE_KEY = Symbol.for('aiprod.engine.networkGuard');

export function guardState(): GuardState {
  const holder = globalThis as typeof globalThis & { [STATE_KEY]?: GuardState };
  holder[STATE_KEY] ??= {
    installed: false,
    since: null,
    label: null,
    attempts: 0,
    blocked: 0,
    byOrigin: new Map(),
    unlistedAttempts: 0,
    listeners: [],
    patched: new Set(),
  };
  return holder[STATE_KEY];
}

/** Counts one refused attempt and returns the error to hand to the caller. */
export function recordBlocked(api: NetworkApi, target: string, origin: string): NetworkBlockedError {
  const state = guardState();
  const at = new Date().toISOString();
  state.attempts += 1;
  state.blocked += 1;
  const key = `${origin}\u0000${api}\u0000${target}`;
  const row = state.byOrigin.get(key);
  if (row) {
    row.count += 1;
    row.lastAt = at;
  } else if (state.byOrigin.size < MAX_ORIGINS) {
    state.byOrigin.set(key, { origin, api, target, count: 1, lastAt: at });
  } else {
    state.unlistedAttempts += 1;
  }
  const error = new NetworkBlockedError(api, target, origin);
  for (const listener of state.listeners) {
    try {
      listener({ api, target, origin, at });
    } catch {
      // A failing listener (a logger, say) must not turn a refusal into a crash.
    }
  }
  return error;
}

export function snapshot(): NetworkGuardStats {
  const state = guardState();
  return {
    installed: state.installed,
    label: state.label,
    attempts: state.attempts,
    blocked: state.blocked,
    byOrigin: [...state.byOrigin.values()].map((row) => ({ ...row })).sort((a, b) => b.count - a.count),
    unlistedAttempts: state.unlistedAttempts,
    since: state.since,
  };
}
