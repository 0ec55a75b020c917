// The "runner alive" marker in queue_state: the process working the queue writes its pid and
// identity when it starts and clears them when it stops cleanly. A marker left by a process that is
// gone is the proof of an unclean shutdown (SIGKILL, power cut, native crash of the app).
import type Database from 'better-sqlite3';
import { isSameProcessAlive, processIdentity } from './process-identity';

export interface RunnerMarker {
  pid: number;
  identity: string | null;
  startedAt: string | null;
}

export type AcquireResult =
  | { kind: 'acquired'; marker: RunnerMarker }
  /** Another live process works the queue. */
  | { kind: 'busy'; marker: RunnerMarker }
  /** The marker of a dead runner is still there: recover first. */
  | { kind: 'dead'; marker: RunnerMarker };

interface MarkerRow {
  runner_pid: number | null;
  runner_identity: string | null;
  runner_started_at: string | null;
}

function readRow(db: Database.Database): RunnerMarker | null {
  const row = db.prepare<[], MarkerRow>('SELECT runner_pid, runner_identity, runner_started_at FROM queue_state WHERE id = 1').get();
  if (row === undefined || row.runner_pid === null) return null;
  return { pid: row.runner_pid, identity: row.runner_identity, startedAt: row.runner_started_at };
}

export function readMarker(db: Database.Database): RunnerMarker | null {
  return readRow(db);
}

export function markerIsAlive(marker: RunnerMarker): boolean {
  return isSameProcessAlive(marker.pid, marker.identity);
}

/** This process's own marker. */
export function ownMarker(now: Date = new Date()): RunnerMarker {
  return { pid: process.pid, identity: processIdentity(process.pid), startedAt: now.toISOString() };
}

/** Claims the queue for this process, in one transaction. */
export function acquireMarker(db: Database.Database, mine: RunnerMarker): AcquireResult {
  return db
    .transaction((): AcquireResult => {
      const current = readRow(db);
      if (current !== null) {
        if (current.pid === mine.pid && current.identity === mine.identity) return { kind: 'acquired', marker: current };
        return markerIsAlive(current) ? { kind: 'busy', marker: current } : { kind: 'dead', marker: current };
      }
      db.prepare('UPDATE queue_state SET runner_pid = ?, runner_identity = ?, runner_started_at = ? WHERE id = 1').run(mine.pid, mine.identity, mine.startedAt);
      return { kind: 'acquired', marker: mine };
    })
    .immediate();
}

/** Clears the marker if it is `marker` (a clean stop, or the recovery of a dead runner). */
export function clearMarker(db: Database.Database, marker: RunnerMarker): boolean {
  const result = db
    .prepare('UPDATE queue_state SET runner_pid = NULL, runner_identity = NULL, runner_started_at = NULL WHERE id = 1 AND runner_pid = ? AND runner_identity IS ?')
    .run(marker.pid, marker.identity);
  return result.changes === 1;
}
