// Where calibrations live: the library database (domain "cost"), one row per pack and execution
// provider, plus the estimate/actual pairs that measure how good the estimates are. The rest of
// engine/cost only sees the CalibrationStore interface.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { MigrationDomain } from '../library/migrations';
import type { CostProvider } from './energy';
import type { TimeModel } from './time-model';
import type { WeightedFit } from './weighted-fit';

export const COST_MIGRATIONS: MigrationDomain = {
  domain: 'cost',
  migrations: [
    {
      version: 1,
      name: 'calibration per pack and provider, estimate/actual pairs',
      up(db) {
        db.exec(`
          CREATE TABLE calibration (
            pack_id     TEXT    NOT NULL,
            provider    TEXT    NOT NULL CHECK (provider IN ('cuda', 'cpu')),
            -- pack version, weights and device the figures were measured with; a mismatch means stale
            fingerprint TEXT    NOT NULL,
            runs        INTEGER NOT NULL CHECK (runs >= 0),
            model       TEXT    NOT NULL,              -- JSON: time model and memory fit
            updated_at  TEXT    NOT NULL,
            PRIMARY KEY (pack_id, provider)
          );
          CREATE TABLE estimate_accuracy (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            pack_id      TEXT    NOT NULL,
            provider     TEXT    NOT NULL CHECK (provider IN ('cuda', 'cpu')),
            source       TEXT    NOT NULL CHECK (source IN ('measured', 'default')),
            steps        INTEGER NOT NULL,
            frames       INTEGER NOT NULL,
            upscale      INTEGER NOT NULL CHECK (upscale IN (0, 1)),
            estimated_ms REAL    NOT NULL CHECK (estimated_ms >= 0),
            actual_ms    REAL    NOT NULL CHECK (actual_ms > 0),
            recorded_at  TEXT    NOT NULL
          );
          CREATE INDEX estimate_accuracy_pack ON estimate_accuracy (pack_id, provider);
        `);
      },
    },
  ],
};

export interface CalibrationRecord {
  packId: string;
  provider: CostProvider;
  fingerprint: string;
  /** Measured renders folded in, micro-benchmark runs included. */
  runs: number;
  time: TimeModel;
  /** Measured peaks (x = pipeline tensors, y = peak - weights); undefined until one has been given. */
  memoryFit?: WeightedFit;
  updatedAt: string;
}

export interface EstimatePair {
  packId: string;
  provider: CostProvider;
  /** Whether the estimate came from a calibration or from the uncalibrated guess. */
  source: 'measured' | 'default';
  steps: number;
  frames: number;
  upscale: boolean;
  estimatedMs: number;
  actualMs: number;
  recordedAt: string;
}

export interface PairFilter {
  packId?: string;
  provider?: CostProvider;
  source?: 'measured' | 'default';
  /** The newest N pairs only. */
  limit?: number;
}

export interface CalibrationStore {
  get(packId: string, provider: CostProvider): CalibrationRecord | undefined;
  /** Writes the calibration and, when given, its estimate/actual pair, together or not at all. */
  save(record: CalibrationRecord, pair?: EstimatePair): void;
  pairs(filter?: PairFilter): EstimatePair[];
}

const FitJson = z.object({ weight: z.number(), sumX: z.number(), sumY: z.number(), sumXX: z.number(), sumXY: z.number() });
const ModelJson = z.object({
  time: z.object({
    encodeMs: z.number().nonnegative(),
    fixedMs: z.number().nonnegative(),
    stepPowerFit: FitJson,
    firstStepExtraMsPerToken: z.number().nonnegative().optional(),
    decodeMsPerFrame: z.number().nonnegative(),
    upsampleMsPerFrame: z.number().nonnegative().optional(),
    sessionLoadMs: z.number().nonnegative().optional(),
    packLoadColdMs: z.number().nonnegative().optional(),
    packLoadWarmMs: z.number().nonnegative().optional(),
    videoFit: FitJson.optional(),
  }),
  memoryFit: FitJson.optional(),
});

interface CalibrationRow {
  pack_id: string;
  provider: CostProvider;
  fingerprint: string;
  runs: number;
  model: string;
  updated_at: string;
}

interface PairRow {
  pack_id: string;
  provider: CostProvider;
  source: 'measured' | 'default';
  steps: number;
  frames: number;
  upscale: number;
  estimated_ms: number;
  actual_ms: number;
  recorded_at: string;
}

/** The store over an open better-sqlite3 database on which COST_MIGRATIONS has run. */
export class SqliteCalibrationStore implements CalibrationStore {
  constructor(private readonly db: Database.Database) {}

  get(packId: string, provider: CostProvider): CalibrationRecord | undefined {
    const row = this.db.prepare('SELECT * FROM calibration WHERE pack_id = ? AND provider = ?').get(packId, provider) as CalibrationRow | undefined;
    if (row === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(row.model);
    } catch {
      return undefined;
    }
    // A row this build cannot read counts as no calibration: the next measurement replaces it.
    const parsed = ModelJson.safeParse(json);
    if (!parsed.success) return undefined;
    const record: CalibrationRecord = {
      packId: row.pack_id,
      provider: row.provider,
      fingerprint: row.fingerprint,
      runs: row.runs,
      time: stripUndefined(parsed.data.time),
      updatedAt: row.updated_at,
    };
    if (parsed.data.memoryFit !== undefined) record.memoryFit = parsed.data.memoryFit;
    return record;
  }

  save(record: CalibrationRecord, pair?: EstimatePair): void {
    const upsert = this.db.prepare(
      `INSERT INTO calibration (pack_id, provider, fingerprint, runs, model, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (pack_id, provider) DO UPDATE SET fingerprint = excluded.fingerprint, runs = excluded.runs,
         model = excluded.model, updated_at = excluded.updated_at`,
    );
    const insertPair = this.db.prepare(
      `INSERT INTO estimate_accuracy (pack_id, provider, source, steps, frames, upscale, estimated_ms, actual_ms, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const model = JSON.stringify({ time: record.time, memoryFit: record.memoryFit });
    this.db.transaction(() => {
      upsert.run(record.packId, record.provider, record.fingerprint, record.runs, model, record.updatedAt);
      if (pair !== undefined) {
        insertPair.run(pair.packId, pair.provider, pair.source, pair.steps, pair.frames, pair.upscale ? 1 : 0, pair.estimatedMs, pair.actualMs, pair.recordedAt);
      }
    })();
  }

  pairs(filter: PairFilter = {}): EstimatePair[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const conditions: [string, string | undefined][] = [
      ['pack_id', filter.packId],
      ['provider', filter.provider],
      ['source', filter.source],
    ];
    for (const [column, value] of conditions) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    const sql = `SELECT * FROM estimate_accuracy ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC ${filter.limit !== undefined ? 'LIMIT ?' : ''}`;
    if (filter.limit !== undefined) args.push(Math.max(0, Math.floor(filter.limit)));
    const rows = this.db.prepare(sql).all(...args) as PairRow[];
    return rows.reverse().map((r) => ({
      packId: r.pack_id,
      provider: r.provider,
      source: r.source,
      steps: r.steps,
      frames: r.frames,
      upscale: r.upscale === 1,
      estimatedMs: r.estimated_ms,
      actualMs: r.actual_ms,
      recordedAt: r.recorded_at,
    }));
  }
}

function stripUndefined(time: z.infer<typeof ModelJson>['time']): TimeModel {
  const model: TimeModel = { encodeMs: time.encodeMs, fixedMs: time.fixedMs, stepPowerFit: time.stepPowerFit, decodeMsPerFrame: time.decodeMsPerFrame };
  if (time.upsampleMsPerFrame !== undefined) model.upsampleMsPerFrame = time.upsampleMsPerFrame;
  if (time.firstStepExtraMsPerToken !== undefined) model.firstStepExtraMsPerToken = time.firstStepExtraMsPerToken;
  if (time.sessionLoadMs !== undefined) model.sessionLoadMs = time.sessionLoadMs;
  if (time.packLoadColdMs !== undefined) model.packLoadColdMs = time.packLoadColdMs;
  if (time.packLoadWarmMs !== undefined) model.packLoadWarmMs = time.packLoadWarmMs;
  if (time.videoFit !== undefined) model.videoFit = time.videoFit;
  return model;
}
