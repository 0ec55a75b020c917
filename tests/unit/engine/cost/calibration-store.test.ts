import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COST_MIGRATIONS, SqliteCalibrationStore, type CalibrationRecord, type EstimatePair } from '../../../../engine/cost/calibration-store';
import { openLibraryDatabase } from '../../../../engine/library/database';
import { LIBRARY_DOMAINS } from '../../../../engine/library/domains';

const record: CalibrationRecord = {
  packId: 'aiprod-nano',
  provider: 'cpu',
  fingerprint: '1.0.0/123456',
  runs: 2,
  time: { encodeMs: 12.5, fixedMs: 40, stepPowerFit: { weight: 1, sumX: 512, sumY: 80, sumXX: 262144, sumXY: 40960 }, decodeMsPerFrame: 3.25 },
  updatedAt: '2026-11-23T10:00:00.000Z',
};

function pair(i: number, overrides: Partial<EstimatePair> = {}): EstimatePair {
  return { packId: 'aiprod-nano', provider: 'cpu', source: 'measured', steps: 10 + i, frames: 16, upscale: i % 2 === 0, estimatedMs: 1000 + i, actualMs: 1100, recordedAt: `2026-11-23T10:0${i}:00.000Z`, ...overrides };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-calibration-'));
  file = path.join(dir, 'library.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the calibration table in the library database', () => {
  it('is registered as the "cost" domain of the library', () => {
    expect(LIBRARY_DOMAINS.map((d) => d.domain)).toContain('cost');
    const db = openLibraryDatabase(file, { domains: LIBRARY_DOMAINS });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    const version = db.prepare("SELECT MAX(version) AS v FROM schema_version WHERE domain = 'cost'").get() as { v: number };
    db.close();
    expect(tables).toEqual(expect.arrayContaining(['calibration', 'estimate_accuracy']));
    expect(version.v).toBe(COST_MIGRATIONS.migrations.length);
  });

  it('round-trips a calibration through a real SQLite file, across a reopen', () => {
    let db = openLibraryDatabase(file, { domains: [COST_MIGRATIONS] });
    new SqliteCalibrationStore(db).save(record);
    db.close();
    db = openLibraryDatabase(file, { domains: [COST_MIGRATIONS] });
    const store = new SqliteCalibrationStore(db);
    expect(store.get('aiprod-nano', 'cpu')).toEqual(record);
    expect(store.get('aiprod-nano', 'cuda')).toBeUndefined();
    expect(store.get('other', 'cpu')).toBeUndefined();
    db.close();
  });

  it('keeps one row per pack and provider: a save replaces it, with the memory fit and upsampling when present', () => {
    const db = openLibraryDatabase(file, { domains: [COST_MIGRATIONS] });
    const store = new SqliteCalibrationStore(db);
    store.save(record);
    const next: CalibrationRecord = {
      ...record,
      runs: 3,
      time: { ...record.time, upsampleMsPerFrame: 7 },
      memoryFit: { weight: 1, sumX: 10, sumY: 20, sumXX: 100, sumXY: 200 },
    };
    store.save(next);
    store.save({ ...record, provider: 'cuda' });
    expect(store.get('aiprod-nano', 'cpu')).toEqual(next);
    expect(store.get('aiprod-nano', 'cuda')?.provider).toBe('cuda');
    expect((db.prepare('SELECT COUNT(*) AS n FROM calibration').get() as { n: number }).n).toBe(2);
    db.close();
  });

  it('stores estimate/actual pairs with the calibration, newest last, filtered and limited', () => {
    const db = openLibraryDatabase(file, { domains: [COST_MIGRATIONS] });
    const store = new SqliteCalibrationStore(db);
    for (let i = 0; i < 5; i++) store.save(record, pair(i));
    store.save(record, pair(5, { source: 'default' }));
    store.save(record, pair(6, { provider: 'cuda' }));
    expect(store.pairs()).toHaveLength(7);
    expect(store.pairs({ provider: 'cpu', source: 'measured' }).map((p) => p.steps)).toEqual([10, 11, 12, 13, 14]);
    expect(store.pairs({ provider: 'cpu', source: 'measured', limit: 2 }).map((p) => p.steps)).toEqual([13, 14]);
    expect(store.pairs({ packId: 'nobody' })).toEqual([]);
    expect(store.pairs({ provider: 'cuda' })[0]).toEqual(pair(6, { provider: 'cuda' }));
    db.close();
  });

  it('writes the calibration and its pair together or not at all', () => {
    const db = openLibraryDatabase(file, { domains: [COST_MIGRATIONS] });
    const store = new SqliteCalibrationStore(db);
    store.save(record);
    // actual_ms must be > 0: the pair is refused, and the calibration update with it.
    expect(() => store.save({ ...record, runs: 9 }, pair(0, { actualMs: 0 }))).toThrow(/CHECK constraint/);
    expect(store.get('aiprod-nano', 'cpu')?.runs).toBe(2);
    expect(store.pairs()).toEqual([]);
    db.close();
  });

  it('treats a row this build cannot read as no calibration', () => {
    const db = openLibraryDatabase(file, { domains: [COST_MIGRATIONS] });
    db.prepare("INSERT INTO calibration VALUES ('aiprod-nano', 'cpu', 'x', 1, '{\"time\": 42}', 'now')").run();
    expect(new SqliteCalibrationStore(db).get('aiprod-nano', 'cpu')).toBeUndefined();
    db.close();
  });
});
