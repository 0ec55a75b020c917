import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MigrationFailedError, SchemaTooNewError, currentVersion, migrate, type MigrationDomain } from '../../../../engine/library/migrations';

const tables = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

const alpha: MigrationDomain = {
  domain: 'alpha',
  migrations: [
    { version: 1, name: 'a one', up: (db) => db.exec('CREATE TABLE a1 (x INTEGER)') },
    { version: 2, name: 'a two', up: (db) => db.exec('ALTER TABLE a1 ADD COLUMN y TEXT') },
  ],
};
const beta: MigrationDomain = { domain: 'beta', migrations: [{ version: 1, name: 'b one', up: (db) => db.exec('CREATE TABLE b1 (x INTEGER)') }] };

describe('migrate', () => {
  it('applies each domain in the order given and records every version', () => {
    const db = new Database(':memory:');
    const applied = migrate(db, [alpha, beta]);
    expect(applied.map((m) => `${m.domain}#${m.version}`)).toEqual(['alpha#1', 'alpha#2', 'beta#1']);
    expect(tables(db)).toEqual(['a1', 'b1', 'schema_version']);
    expect(currentVersion(db, 'alpha')).toBe(2);
    expect(currentVersion(db, 'beta')).toBe(1);
    expect(migrate(db, [alpha, beta])).toEqual([]);
  });

  it('lets a domain added later (e.g. jobs) migrate without touching the others', () => {
    const db = new Database(':memory:');
    migrate(db, [alpha]);
    const applied = migrate(db, [alpha, beta]);
    expect(applied).toEqual([{ domain: 'beta', version: 1, name: 'b one' }]);
  });

  it('rolls back a failing migration as a whole and keeps the previous version', () => {
    const db = new Database(':memory:');
    migrate(db, [alpha]);
    const broken: MigrationDomain = {
      domain: 'alpha',
      migrations: [
        ...alpha.migrations,
        {
          version: 3,
          name: 'half done',
          up: (d) => {
            d.exec('CREATE TABLE a3 (x INTEGER)');
            d.exec('INSERT INTO no_such_table VALUES (1)');
          },
        },
      ],
    };
    expect(() => migrate(db, [broken])).toThrow(MigrationFailedError);
    expect(tables(db)).not.toContain('a3');
    expect(currentVersion(db, 'alpha')).toBe(2);
  });

  it('refuses a database whose schema is newer than the code', () => {
    const db = new Database(':memory:');
    migrate(db, [alpha]);
    const older: MigrationDomain = { domain: 'alpha', migrations: alpha.migrations.slice(0, 1) };
    expect(() => migrate(db, [older])).toThrow(SchemaTooNewError);
  });

  it('refuses misnumbered migrations and duplicate domains', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ domain: 'gap', migrations: [{ version: 2, name: 'x', up: () => {} }] }])).toThrow(/versions must run 1, 2, 3/);
    expect(() => migrate(db, [beta, beta])).toThrow(/registered twice/);
  });
});
