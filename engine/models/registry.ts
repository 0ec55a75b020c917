import type { LibraryDatabase } from '../library/database';
import type { PackFormat, TrainingStatus } from './pack-metadata';

// The model registry's rows in the library database, as typed records. Pure data access: deciding
// statuses is verification.ts's job, moving files is the importer's.

export type PackStatus = 'ok' | 'modified' | 'missing' | 'pending_training';
export type FileState = 'ok' | 'modified' | 'missing';
export type PackOrigin = 'imported' | 'shipped';

export interface PackFileRecord {
  path: string;
  bytes: number;
  sha256: string;
  /** Size and mtime seen when the file was last hashed in place; null until then, or while absent. */
  seenBytes: number | null;
  seenMtimeMs: number | null;
  state: FileState;
}

export interface PackRecord {
  id: string;
  name: string;
  version: string;
  license: { spdx: string; owner: string };
  provenance: Record<string, unknown>;
  format: PackFormat;
  trainingStatus: TrainingStatus;
  status: PackStatus;
  problem: string | null;
  source: PackOrigin;
  path: string;
  checksumsSha256: string;
  importedAt: string;
  lastVerifiedAt: string | null;
  files: PackFileRecord[];
}

interface PackRow {
  id: string;
  name: string;
  version: string;
  license_spdx: string;
  license_owner: string;
  provenance: string;
  format: PackFormat;
  training_status: TrainingStatus;
  status: PackStatus;
  problem: string | null;
  source: PackOrigin;
  path: string;
  checksums_sha256: string;
  imported_at: string;
  last_verified_at: string | null;
}

interface FileRow {
  pack_id: string;
  path: string;
  bytes: number;
  sha256: string;
  seen_bytes: number | null;
  seen_mtime_ms: number | null;
  state: FileState;
}

export class ModelRegistry {
  constructor(private readonly db: LibraryDatabase) {}

  all(): PackRecord[] {
    const packs = this.db.prepare('SELECT * FROM model_packs ORDER BY id').all() as PackRow[];
    const files = this.db.prepare('SELECT * FROM model_pack_files ORDER BY pack_id, path').all() as FileRow[];
    const byPack = new Map<string, FileRow[]>();
    for (const f of files) byPack.set(f.pack_id, [...(byPack.get(f.pack_id) ?? []), f]);
    return packs.map((p) => toRecord(p, byPack.get(p.id) ?? []));
  }

  get(id: string): PackRecord | undefined {
    const pack = this.db.prepare('SELECT * FROM model_packs WHERE id = ?').get(id) as PackRow | undefined;
    if (!pack) return undefined;
    const files = this.db.prepare('SELECT * FROM model_pack_files WHERE pack_id = ? ORDER BY path').all(id) as FileRow[];
    return toRecord(pack, files);
  }

  /** Inserts the record, replacing any row of the same id, with its files, in one transaction. */
  put(record: PackRecord): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM model_packs WHERE id = ?').run(record.id);
      this.db
        .prepare(
          `INSERT INTO model_packs (id, name, version, license_spdx, license_owner, provenance, format, training_status, status, problem,
             source, path, checksums_sha256, imported_at, last_verified_at)
           VALUES (@id, @name, @version, @license_spdx, @license_owner, @provenance, @format, @training_status, @status, @problem,
             @source, @path, @checksums_sha256, @imported_at, @last_verified_at)`,
        )
        .run(toRow(record));
      const insertFile = this.db.prepare(
        'INSERT INTO model_pack_files (pack_id, path, bytes, sha256, seen_bytes, seen_mtime_ms, state) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const f of record.files) insertFile.run(record.id, f.path, f.bytes, f.sha256, f.seenBytes, f.seenMtimeMs, f.state);
    })();
  }

  /** Stores the outcome of a check: pack status and problem, each file's state and what was seen of it. */
  saveCheck(id: string, status: PackStatus, problem: string | null, files: readonly PackFileRecord[], verifiedAt: string | undefined): void {
    this.db.transaction(() => {
      if (verifiedAt === undefined) this.db.prepare('UPDATE model_packs SET status = ?, problem = ? WHERE id = ?').run(status, problem, id);
      else this.db.prepare('UPDATE model_packs SET status = ?, problem = ?, last_verified_at = ? WHERE id = ?').run(status, problem, verifiedAt, id);
      const update = this.db.prepare('UPDATE model_pack_files SET state = ?, seen_bytes = ?, seen_mtime_ms = ?, bytes = ? WHERE pack_id = ? AND path = ?');
      for (const f of files) update.run(f.state, f.seenBytes, f.seenMtimeMs, f.bytes, id, f.path);
    })();
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM model_packs WHERE id = ?').run(id);
  }

  /** Runs `fn` in one transaction (for the importer's register-then-rename). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function toRecord(p: PackRow, files: FileRow[]): PackRecord {
  return {
    id: p.id,
    name: p.name,
    version: p.version,
    license: { spdx: p.license_spdx, owner: p.license_owner },
    provenance: JSON.parse(p.provenance) as Record<string, unknown>,
    format: p.format,
    trainingStatus: p.training_status,
    status: p.status,
    problem: p.problem,
    source: p.source,
    path: p.path,
    checksumsSha256: p.checksums_sha256,
    importedAt: p.imported_at,
    lastVerifiedAt: p.last_verified_at,
    files: files.map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256, seenBytes: f.seen_bytes, seenMtimeMs: f.seen_mtime_ms, state: f.state })),
  };
}

function toRow(r: PackRecord): PackRow {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    license_spdx: r.license.spdx,
    license_owner: r.license.owner,
    provenance: JSON.stringify(r.provenance),
    format: r.format,
    training_status: r.trainingStatus,
    status: r.status,
    problem: r.problem,
    source: r.source,
    path: r.path,
    checksums_sha256: r.checksumsSha256,
    imported_at: r.importedAt,
    last_verified_at: r.lastVerifiedAt,
  };
}
