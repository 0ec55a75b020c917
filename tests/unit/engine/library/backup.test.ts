import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { backupPathFor, describeLibraryOpen, openLibraryWithBackup } from '../../../../engine/library/backup';
import type { MigrationDomain } from '../../../../engine/library/migrations';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiprod-backup-'));
  file = path.join(dir, 'library.sqlite');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const NOTES: MigrationDomain = { domain: 'notes', migrations: [{ version: 1, name: 'notes', up: (db) => db.exec('CREATE TABLE notes (text TEXT NOT NULL)') }] };
const options = { domains: [NOTES] };

function notes(db: ReturnType<typeof openLibraryWithBackup>['db']): string[] {
  return (db.prepare('SELECT text FROM notes ORDER BY rowid').all() as { text: string }[]).map((r) => r.text);
}

function damage(target: string): void {
  const fd = fs.openSync(target, 'r+');
  fs.writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, 4096);
  fs.closeSync(fd);
}

describe('openLibraryWithBackup', () => {
  it('takes a backup at each clean open that holds what was committed before it', () => {
    const first = openLibraryWithBackup(file, options);
    expect(first.report).toMatchObject({ outcome: 'clean', backup: backupPathFor(file), backupError: null });
    first.db.prepare('INSERT INTO notes VALUES (?)').run('kept');
    first.db.close();
    openLibraryWithBackup(file, options).db.close();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const { db: copy } = openLibraryWithBackup(backupPathFor(file), { ...options, takeBackup: false });
    expect(notes(copy)).toEqual(['kept']);
    copy.close();
  });

  it('moves a damaged file aside, restores the backup and says so', () => {
    let { db } = openLibraryWithBackup(file, options);
    db.prepare('INSERT INTO notes VALUES (?)').run('in the backup');
    db.close();
    ({ db } = openLibraryWithBackup(file, options));
    db.prepare('INSERT INTO notes VALUES (?)').run('after the backup');
    db.close();
    damage(file);

    const opened = openLibraryWithBackup(file, options);
    expect(opened.report.outcome).toBe('restored');
    expect(opened.report.problem).toMatch(/btreeInitPage|malformed|corrupt/i);
    expect(opened.report.corruptCopy).toMatch(/library\.sqlite\.corrupt-/);
    expect(fs.existsSync(opened.report.corruptCopy as string)).toBe(true);
    expect(notes(opened.db)).toEqual(['in the backup']);
    expect(describeLibraryOpen(opened.report)).toMatch(/failed its integrity check .* kept as .*corrupt-.* the backup from .* was restored$/);
    expect(describeLibraryOpen(opened.report)).not.toContain('\n');
    opened.db.close();
  });

  it('without a backup, leaves the damaged file where it is and fails with LIBRARY_CORRUPT', () => {
    fs.writeFileSync(file, Buffer.alloc(8192, 0x41));
    let error: unknown;
    try {
      openLibraryWithBackup(file, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AiprodError);
    expect((error as AiprodError).code).toBe('LIBRARY_CORRUPT');
    expect((error as AiprodError).message).toMatch(/no backup .* left in place/);
    expect(fs.readdirSync(dir)).toEqual(['library.sqlite']);
  });
});
