// The library database with a kept backup. Every clean open takes a fresh copy (VACUUM INTO a
// temporary file, flushed, then renamed over `<file>.bak`: one rotating copy, never half-written).
// An open that fails its integrity check moves the damaged file aside (kept, with its -wal/-shm, as
// `<file>.corrupt-<time>`), restores the backup and says so. Without a backup the damaged file is
// left where it is and the open fails with LIBRARY_CORRUPT: nothing is thrown away silently.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AiprodError, workError } from '../errors';
import { openLibraryDatabase, type LibraryDatabase, type OpenLibraryOptions } from './database';

export interface LibraryOpenReport {
  file: string;
  /** 'clean': opened as it was; 'restored': it failed its integrity check and the backup replaced it. */
  outcome: 'clean' | 'restored';
  /** What the integrity check said, when it failed. */
  problem: string | null;
  /** Where the damaged file was kept. */
  corruptCopy: string | null;
  /** The backup that was restored, and when it was taken. */
  restoredFrom: { file: string; takenAt: string } | null;
  /** The backup taken at this open (null when it could not be taken; see backupError). */
  backup: string | null;
  backupError: string | null;
}

export interface OpenWithBackupOptions extends OpenLibraryOptions {
  /** Take the backup after a clean open (default true). */
  takeBackup?: boolean;
  now?: () => Date;
}

export function backupPathFor(file: string): string {
  return `${file}.bak`;
}

const SIDE_FILES = ['-wal', '-shm'] as const;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** VACUUM INTO a temporary name, fsync, rename: the backup is the old one or the complete new one. */
export function takeBackup(db: LibraryDatabase, file: string): string {
  const target = backupPathFor(file);
  const temp = path.join(path.dirname(file), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    db.prepare('VACUUM INTO ?').run(temp);
    const fd = fs.openSync(temp, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  return target;
}

/** Moves the damaged database and its -wal/-shm aside, keeping them; returns the new main name. */
function moveAside(file: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.corrupt-${stamp}`;
  fs.renameSync(file, aside);
  for (const suffix of SIDE_FILES) {
    // A stale WAL must not be replayed onto the restored file; it is kept with the damaged one.
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, aside + suffix);
  }
  return aside;
}

function restoreBackup(backup: string, file: string): void {
  const temp = `${file}.restore-${process.pid}.tmp`;
  fs.copyFileSync(backup, temp);
  const fd = fs.openSync(temp, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

export function openLibraryWithBackup(file: string, options: OpenWithBackupOptions): { db: LibraryDatabase; report: LibraryOpenReport } {
  const now = options.now ?? (() => new Date());
  const report: LibraryOpenReport = { file, outcome: 'clean', problem: null, corruptCopy: null, restoredFrom: null, backup: null, backupError: null };
  let db: LibraryDatabase;
  try {
    db = openLibraryDatabase(file, options);
  } catch (error) {
    if (!(error instanceof AiprodError) || error.code !== 'LIBRARY_CORRUPT') throw error;
    const backup = backupPathFor(file);
    if (!fs.existsSync(backup)) {
      throw workError('LIBRARY_CORRUPT', `${error.message}; there is no backup (${backup}) to restore, so the damaged file was left in place`, {
        cause: error,
        detail: { file, backup: null },
      });
    }
    report.outcome = 'restored';
    report.problem = error.cause === undefined ? error.message : messageOf(error.cause);
    report.restoredFrom = { file: backup, takenAt: fs.statSync(backup).mtime.toISOString() };
    report.corruptCopy = moveAside(file, now());
    restoreBackup(backup, file);
    try {
      db = openLibraryDatabase(file, options);
    } catch (second) {
      throw workError('LIBRARY_CORRUPT', `${error.message}; the damaged file was kept as ${report.corruptCopy}, but its backup ${backup} could not be opened either: ${messageOf(second)}`, {
        cause: second,
        detail: { file, corruptCopy: report.corruptCopy, backup },
      });
    }
  }
  if (options.takeBackup ?? true) {
    try {
      report.backup = takeBackup(db, file);
    } catch (error) {
      // A full disk must not stop the app from opening its library; the report says it.
      report.backupError = messageOf(error);
    }
  }
  return { db, report };
}

/** One line for people, or null when there is nothing to say. */
export function describeLibraryOpen(report: LibraryOpenReport): string | null {
  if (report.outcome !== 'restored') return report.backupError === null ? null : `could not back up the library database: ${report.backupError}`;
  const problem = (report.problem ?? 'unknown problem').replace(/\s*\n\s*/g, '; ');
  return `the library database ${report.file} failed its integrity check (${problem}); the damaged file was kept as ${report.corruptCopy ?? '?'} and the backup from ${report.restoredFrom?.takenAt ?? '?'} was restored`;
}
