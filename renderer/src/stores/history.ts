// Undo and redo as a list of edits, each holding the state before and after it. States are
// immutable and share what did not change, so an entry costs a few references, not a copy of the
// project. Typing coalesces: edits with the same key, each within COALESCE_MS of the previous one,
// merge into one entry, so Ctrl+Z takes back a burst of typing rather than one character.

export const HISTORY_LIMIT = 200;
export const COALESCE_MS = 1500;

export interface HistoryEntry<S> {
  /** What the edit did, in words ("Edit prompt", "Delete 2 shots"). */
  label: string;
  before: S;
  after: S;
  /** Edits with the same non-null key may merge (one field of one shot being typed into). */
  key: string | null;
  /** When the entry last changed (ms). */
  at: number;
}

export interface History<S> {
  past: readonly HistoryEntry<S>[];
  future: readonly HistoryEntry<S>[];
  /** Set by undo and redo: the next edit starts a new entry even with the same key. */
  sealed: boolean;
}

export function emptyHistory<S>(): History<S> {
  return { past: [], future: [], sealed: false };
}

/** Adds an edit; any redo is gone once a new edit is made. */
export function record<S>(history: History<S>, edit: { label: string; before: S; after: S; key: string | null; at: number }): History<S> {
  const top = history.past[history.past.length - 1];
  if (top !== undefined && !history.sealed && edit.key !== null && top.key === edit.key && edit.at - top.at <= COALESCE_MS) {
    return { past: [...history.past.slice(0, -1), { ...top, after: edit.after, at: edit.at }], future: [], sealed: false };
  }
  const past = [...history.past, { ...edit }];
  return { past: past.length > HISTORY_LIMIT ? past.slice(past.length - HISTORY_LIMIT) : past, future: [], sealed: false };
}

export function undo<S>(history: History<S>): { history: History<S>; entry: HistoryEntry<S> } | null {
  const entry = history.past[history.past.length - 1];
  if (entry === undefined) return null;
  return { entry, history: { past: history.past.slice(0, -1), future: [...history.future, entry], sealed: true } };
}

export function redo<S>(history: History<S>): { history: History<S>; entry: HistoryEntry<S> } | null {
  const entry = history.future[history.future.length - 1];
  if (entry === undefined) return null;
  return { entry, history: { past: [...history.past, entry], future: history.future.slice(0, -1), sealed: true } };
}
