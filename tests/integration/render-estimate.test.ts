// The estimates in the render path, for real: `aiprod render` (the CLI process, its worker, the
// tiny fixture pack on onnxruntime's CPU provider, ffmpeg) writes the estimate it made before the
// render and what the render took into the reproducibility record, and folds the render into the
// calibration in the library database; and the studio's first-use calibration runs in a worker
// process of its own.
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION_NICENESS, calibrateInWorker } from '../../engine/cost/calibration-worker';
import { SqliteCalibrationStore, type CalibrationRecord, type EstimatePair } from '../../engine/cost/calibration-store';
import type { RecordedActual, RecordedEstimate } from '../../engine/cost/render-costs';
import { forkLauncher, type WorkerExit, type WorkerLauncher } from '../../engine/jobs/worker-client';
import { openLibraryDatabase } from '../../engine/library/database';
import { LIBRARY_DOMAINS } from '../../engine/library/domains';
import { libraryPaths } from '../../engine/library/paths';
import { buildBundles, cliEnv, runCli, scratchDir, TINY_PACK_DIR, TINY_PACK_ID } from './cli-helpers';

const dir = scratchDir('render-estimate');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => buildBundles());

interface RecordWithCosts {
  timings: { totalMs: number };
  estimate: RecordedEstimate | null;
  actual: RecordedActual | null;
}

function library(home: string): { calibration: CalibrationRecord | undefined; pairs: EstimatePair[] } {
  const db = openLibraryDatabase(libraryPaths(home).database, { domains: LIBRARY_DOMAINS });
  try {
    const store = new SqliteCalibrationStore(db);
    return { calibration: store.get(TINY_PACK_ID, 'cpu'), pairs: store.pairs() };
  } finally {
    db.close();
  }
}

async function render(home: string, name: string): Promise<RecordWithCosts> {
  const out = path.join(dir, `${name}.mp4`);
  const run = await runCli(['render', '--prompt', 'a red ball', '--model', TINY_PACK_ID, '--device', 'cpu', '--seed', '3', '--steps', '6', '--frames', '8', '--out', out, '--json'], cliEnv(home));
  if (run.status !== 0) throw new Error(`render failed (${run.status}): ${run.stderr}`);
  const json = JSON.parse(run.stdout) as { record: string };
  return JSON.parse(readFileSync(json.record, 'utf8')) as RecordWithCosts;
}

describe('aiprod render and the estimates', () => {
  const home = path.join(dir, 'home-render');

  it('writes the estimate and the actual into the record, and the calibration gains the render', async () => {
    expect(library(home).calibration).toBeUndefined();
    const record = await render(home, 'first');
    // Nothing calibrated yet, and a render never calibrates: the first guess, said as such.
    expect(record.estimate).toMatchObject({ source: 'default', calibrationRuns: 0, executionProvider: 'cpu', memoryKind: 'ram', warmSessions: false });
    expect(record.estimate?.seconds).toBeGreaterThan(0);
    expect(record.estimate?.cost.currency).toBe('EUR');
    expect(record.estimate?.vramBytes).toBeGreaterThan(0);
    expect(record.estimate?.memoryCheck).toMatchObject({ policy: 'warn', fits: true });
    expect(record.actual?.executionProvider).toBe('cpu');
    expect(record.actual?.seconds).toBeCloseTo(record.timings.totalMs / 1000, 2);
    const estimated = record.estimate?.seconds ?? 0;
    const actual = record.actual?.seconds ?? 1;
    expect(record.actual?.relativeError).toBeCloseTo((estimated - actual) / actual, 2);

    const after = library(home);
    expect(after.calibration?.runs).toBe(1);
    expect(after.pairs).toHaveLength(1);
    expect(after.pairs[0]).toMatchObject({ packId: TINY_PACK_ID, provider: 'cpu', source: 'default', steps: 6, frames: 8 });
    expect(after.pairs[0]?.actualMs).toBeCloseTo(record.timings.totalMs, 3);
  });

  it('the next render is estimated from that calibration and refines it again', async () => {
    const record = await render(home, 'second');
    expect(record.estimate).toMatchObject({ source: 'measured', calibrationRuns: 1 });
    const after = library(home);
    expect(after.calibration?.runs).toBe(2);
    expect(after.pairs.map((p) => p.source)).toEqual(['default', 'measured']);
  });
});

describe('the first-use calibration in a worker process', () => {
  it('measures the pack through the real pipeline, stores it, and does not run twice', async () => {
    const home = path.join(dir, 'home-calibrate');
    const runs: number[] = [];
    const priorities: number[] = [];
    let pid: number | undefined;
    const fork = forkLauncher();
    const launcher: WorkerLauncher = {
      launch() {
        const handle = fork.launch();
        pid = handle.pid;
        return handle;
      },
    };
    const request = { packId: TINY_PACK_ID, packSearchDirs: [TINY_PACK_DIR], device: 'cpu' as const, home };
    const result = await calibrateInWorker(request, {
      launcher,
      onRun: (index, total) => {
        runs.push(index, total);
        if (pid !== undefined) priorities.push(os.getPriority(pid));
      },
    });
    expect(result).toEqual({ packId: TINY_PACK_ID, provider: 'cpu', runs: 2, measuredNow: true });
    // A warm-up and two measured runs, announced as they start.
    expect(runs).toEqual([0, 3, 1, 3, 2, 3]);
    // Background work: the benchmark ran at a lower priority than the studio.
    expect(priorities).toEqual([CALIBRATION_NICENESS, CALIBRATION_NICENESS, CALIBRATION_NICENESS]);
    const stored = library(home).calibration;
    expect(stored?.runs).toBe(2);
    expect(stored?.time.sessionLoadMs).toBeGreaterThan(0);
    const again = await calibrateInWorker(request);
    expect(again).toEqual({ packId: TINY_PACK_ID, provider: 'cpu', runs: 2, measuredNow: false });
  });

  it('fails with the engine’s error for an unknown pack, and the worker goes away', async () => {
    const home = path.join(dir, 'home-unknown');
    const exits: Promise<WorkerExit>[] = [];
    const fork = forkLauncher();
    const launcher: WorkerLauncher = {
      launch() {
        const handle = fork.launch();
        exits.push(new Promise((resolve) => handle.onExit(resolve)));
        return handle;
      },
    };
    await expect(calibrateInWorker({ packId: 'no-such-pack', packSearchDirs: [TINY_PACK_DIR], device: 'cpu', home }, { launcher })).rejects.toMatchObject({ code: 'PACK_NOT_FOUND', kind: 'input' });
    expect(exits).toHaveLength(1);
    // Asked to shut down once its one job was done: it exits by itself, with status 0.
    expect(await exits[0]).toEqual({ code: 0, signal: null });
  });
});
