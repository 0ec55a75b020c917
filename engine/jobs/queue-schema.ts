// Tables of the render queue in the library database (domain "jobs").
import type { MigrationDomain } from '../library/migrations';

export const JOBS_MIGRATIONS: MigrationDomain = {
  domain: 'jobs',
  migrations: [
    {
      version: 1,
      name: 'render jobs and the queue state',
      up(db) {
        db.exec(`
          CREATE TABLE jobs (
            id               TEXT    PRIMARY KEY,
            position         INTEGER NOT NULL,             -- queue order; lower runs first
            state            TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
            request          TEXT    NOT NULL,             -- JSON: prompt, negativePrompt, seed, steps, guidance, frames, tier, model, upscale, device
            output_path      TEXT    NOT NULL,
            record_path      TEXT    NOT NULL,
            project_id       TEXT,
            project_dir      TEXT,
            shot_id          TEXT,
            attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            error_code       TEXT,
            error_message    TEXT,
            created_at       TEXT    NOT NULL,
            started_at       TEXT,
            finished_at      TEXT,
            progress_stage   TEXT,
            progress_step    INTEGER,
            progress_total   INTEGER,
            progress_eta_ms  INTEGER,
            cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
            worker_pid       INTEGER,                      -- the worker process of the current run
            result           TEXT                          -- JSON summary of a finished render
          );
          CREATE INDEX jobs_by_state_position ON jobs (state, position);
          CREATE INDEX jobs_by_position ON jobs (position);

          -- One row: whether the queue is paused, and the "runner alive" marker. A marker whose
          -- process is gone means the last runner died without shutting down.
          CREATE TABLE queue_state (
            id                INTEGER PRIMARY KEY CHECK (id = 1),
            paused            INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
            paused_reason     TEXT CHECK (paused_reason IN ('user', 'unclean-shutdown')),
            paused_at         TEXT,
            runner_pid        INTEGER,
            runner_identity   TEXT,                        -- pid plus process start time, against pid reuse
            runner_started_at TEXT,
            recovery          TEXT                         -- JSON report of the last crash recovery
          );
          INSERT INTO queue_state (id, paused) VALUES (1, 0);
        `);
      },
    },
  ],
};
