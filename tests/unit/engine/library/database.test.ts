import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { openLibraryDatabase } from '../../../../engine/library/database';
import { LIBRARY_DOMAINS } from '../../../../engine/library/domains';
import type { MigrationDomain } from '../../../../engine/library/migrations';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiprod-db-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AiprodError ? error.code : `not an AiprodError: ${String(error)}`;
  }
  return undefined;
}

describe('openLibraryDatabase', () => {
  it('opens in WAL mode with synchronous=FULL and foreign keys, and migrates the app domains', () => {
    const file = path.join(dir, 'sub', 'library.sqlite');
    const db = openLibraryDatabase(file, { domains: LIBRARY_DOMAINS });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['schema_version', 'model_packs', 'model_pack_files']));
    db.close();
  });

  it('refuses a file that is not a database with LIBRARY_CORRUPT naming it', () => {
    const file = path.join(dir, 'library.sqlite');
    fs.writeFileSync(file, Buffer.alloc(8192, 0x41));
    expect(codeOf(() => openLibraryDatabase(file, { domains: LIBRARY_DOMAINS }))).toBe('LIBRARY_CORRUPT');
  });

  it('reports a failed migration as LIBRARY_MIGRATION_FAILED and a newer schema as LIBRARY_TOO_NEW', () => {
    const file = path.join(dir, 'library.sqlite');
    const broken: MigrationDomain = { domain: 'x', migrations: [{ version: 1, name: 'bad', up: (db) => db.exec('NOT SQL') }] };
    expect(codeOf(() => openLibraryDatabase(file, { domains: [broken] }))).toBe('LIBRARY_MIGRATION_FAILED');
    const two: MigrationDomain = {
      domain: 'y',
      migrations: [
        { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE y1 (a)') },
        { version: 2, name: 'two', up: (db) => db.exec('CREATE TABLE y2 (a)') },
      ],
    };
    openLibraryDatabase(file, { domains: [two] }).close();
    expect(codeOf(() => openLibraryDatabase(file, { domains: [{ domain: 'y', migrations: two.migrations.slice(0, 1) }] }))).toBe('LIBRARY_TOO_NEW');
  });
});
