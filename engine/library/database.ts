import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { workError } from '../errors';
import { MigrationFailedError, SchemaTooNewError, migrate, type MigrationDomain } from './migrations';

// Opens the app-wide library database: WAL so readers never block the writer, synchronous=FULL so a
// committed transaction survives a power cut, a quick integrity check, then the domain migrations.

export type LibraryDatabase = Database.Database;

export interface OpenLibraryOptions {
  /** Domains to migrate, in order. Pass LIBRARY_DOMAINS (./domains) for the whole app. */
  domains: readonly MigrationDomain[];
}

export function openLibraryDatabase(file: string, options: OpenLibraryOptions): LibraryDatabase {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: LibraryDatabase;
  try {
    db = new Database(file);
  } catch (error) {
    throw workError('LIBRARY_OPEN_FAILED', `cannot open the library database ${file}: ${messageOf(error)}`, { cause: error });
  }
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(String(check));
  } catch (error) {
    db.close();
    throw workError('LIBRARY_CORRUPT', `the library database ${file} failed its integrity check: ${messageOf(error)}`, {
      cause: error,
      detail: { file },
    });
  }
  try {
    migrate(db, options.domains);
  } catch (error) {
    db.close();
    if (error instanceof SchemaTooNewError) {
      throw workError('LIBRARY_TOO_NEW', `${error.message}: ${file} was written by a newer AIPROD Studio`, {
        detail: { file, domain: error.domain, found: error.found, known: error.known },
      });
    }
    if (error instanceof MigrationFailedError) {
      throw workError('LIBRARY_MIGRATION_FAILED', `${file}: ${error.message}`, { cause: error, detail: { file, domain: error.domain, version: error.version } });
    }
    throw error;
  }
  return db;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
