import type Database from 'better-sqlite3';

// Versioned schema changes, grouped by domain (models, jobs, ...). Each domain keeps its own
// version counter in `schema_version`, so domains owned by different modules evolve independently.

export interface Migration {
  /** 1, 2, 3, ... in order; never renumber a released migration. */
  version: number;
  /** Short description, stored with the version for humans reading the database. */
  name: string;
  up(db: Database.Database): void;
}

export interface MigrationDomain {
  /** Stable key such as "models" or "jobs". */
  domain: string;
  migrations: readonly Migration[];
}

export interface AppliedMigration {
  domain: string;
  version: number;
  name: string;
}

const VERSION_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_version (
    domain     TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    applied_at TEXT    NOT NULL,
    PRIMARY KEY (domain, version)
  )`;

/** Throws a plain Error for a programming mistake in a migration list (caught by the opener). */
export function validateDomains(domains: readonly MigrationDomain[]): void {
  const seen = new Set<string>();
  for (const { domain, migrations } of domains) {
    if (!/^[a-z][a-z0-9_-]*$/.test(domain)) throw new Error(`migration domain "${domain}" is not a lowercase key`);
    if (seen.has(domain)) throw new Error(`migration domain "${domain}" is registered twice`);
    seen.add(domain);
    migrations.forEach((m, index) => {
      if (m.version !== index + 1) throw new Error(`migration ${domain}#${index + 1} is numbered ${m.version}; versions must run 1, 2, 3, ...`);
    });
  }
}

export function currentVersion(db: Database.Database, domain: string): number {
  db.exec(VERSION_TABLE);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version WHERE domain = ?').get(domain) as { v: number | null };
  return row.v ?? 0;
}

export class SchemaTooNewError extends Error {
  constructor(
    readonly domain: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(`the library database has ${domain} schema version ${found}, newer than this build knows (${known})`);
  }
}

export class MigrationFailedError extends Error {
  constructor(
    readonly domain: string,
    readonly version: number,
    cause: unknown,
  ) {
    super(`migration ${domain}#${version} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Brings every domain up to date, in the order given. Each migration runs in its own transaction
 * together with its schema_version row, so a failure leaves the database at the previous version.
 */
export function migrate(db: Database.Database, domains: readonly MigrationDomain[], now: () => Date = () => new Date()): AppliedMigration[] {
  validateDomains(domains);
  db.exec(VERSION_TABLE);
  const applied: AppliedMigration[] = [];
  const record = db.prepare('INSERT INTO schema_version (domain, version, name, applied_at) VALUES (?, ?, ?, ?)');
  for (const { domain, migrations } of domains) {
    const found = currentVersion(db, domain);
    if (found > migrations.length) throw new SchemaTooNewError(domain, found, migrations.length);
    for (const migration of migrations.slice(found)) {
      const step = db.transaction(() => {
        migration.up(db);
        record.run(domain, migration.version, migration.name, now().toISOString());
      });
      try {
        step();
      } catch (error) {
        throw new MigrationFailedError(domain, migration.version, error);
      }
      applied.push({ domain, version: migration.version, name: migration.name });
    }
  }
  return applied;
}
