import type { MigrationDomain } from '../library/migrations';

// Tables of the model registry in the library database (domain "models").

export const MODELS_MIGRATIONS: MigrationDomain = {
  domain: 'models',
  migrations: [
    {
      version: 1,
      name: 'model packs and their files',
      up(db) {
        db.exec(`
          CREATE TABLE model_packs (
            id               TEXT PRIMARY KEY,
            name             TEXT NOT NULL,
            version          TEXT NOT NULL,
            license_spdx     TEXT NOT NULL,
            license_owner    TEXT NOT NULL,
            provenance       TEXT NOT NULL,              -- JSON of the manifest's provenance
            format           TEXT NOT NULL CHECK (format IN ('aiprod-model/1', 'seed-manifest')),
            training_status  TEXT NOT NULL CHECK (training_status IN ('trained', 'pending_training')),
            status           TEXT NOT NULL CHECK (status IN ('ok', 'modified', 'missing', 'pending_training')),
            problem          TEXT,                       -- the first problem found, for humans
            source           TEXT NOT NULL CHECK (source IN ('imported', 'shipped')),
            path             TEXT NOT NULL,
            checksums_sha256 TEXT NOT NULL,              -- hash of CHECKSUMS.sha256 as registered
            imported_at      TEXT NOT NULL,
            last_verified_at TEXT
          );
          CREATE TABLE model_pack_files (
            pack_id  TEXT NOT NULL REFERENCES model_packs (id) ON DELETE CASCADE,
            path     TEXT NOT NULL,
            bytes         INTEGER NOT NULL,            -- registered size and hash
            sha256        TEXT NOT NULL,
            -- size and mtime (ms) seen when the file was last hashed in place; NULL until then or while absent
            seen_bytes    INTEGER,
            seen_mtime_ms REAL,
            state         TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'modified', 'missing')),
            PRIMARY KEY (pack_id, path)
          );
        `);
      },
    },
  ],
};
