// Proof that rendering and reporting stay off the network (issue 10): a full render in the real
// worker process (dist/node/worker.js, the real pipeline on the CPU with the tiny pack, real ffmpeg)
// records zero attempts from the worker's guard, and the report, made by the real `aiprod report` in
// its own guarded process, shows zero for itself and for the render. Then the same worker with one
// deliberate connection attempt (a test harness around the unchanged worker bundle): refused,
// counted in the render's record, and shown in the report with the points it costs.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkLauncher, WorkerClient } from '../../engine/jobs/worker-client';
import { hasValidContentHash } from '../../engine/sovereignty/build-report';
import { SovereigntyReportSchema, type SovereigntyReport } from '../../engine/sovereignty/report-schema';
import { buildBundles, cliEnv, runCli, scratchDir, TINY_PACK_DIR, TINY_PACK_ID } from './cli-helpers';

const dir = scratchDir('sovereignty-render');
const plainRenders = path.join(dir, 'plain', 'renders');
const probedRenders = path.join(dir, 'probed', 'renders');
const env = cliEnv(path.join(dir, 'home'));
const request = { prompt: 'a red ball rolling', model: TINY_PACK_ID, seed: 11, steps: 4, frames: 8 };
const options = (output: string) => ({ output, packSearchDirs: [TINY_PACK_DIR], device: 'cpu' as const });

const plainWorker = new WorkerClient();
const probedWorker = new WorkerClient({ launcher: forkLauncher(path.join(import.meta.dirname, 'sovereignty-worker-harness.mjs')) });

interface RecordGuard {
  networkGuard: { installed: boolean; attempts: number; blocked: number };
}

async function reportOn(renders: string): Promise<SovereigntyReport> {
  const run = await runCli(['report', '--format', 'json', '--out', '-', '--renders', renders], env);
  expect(run.status, run.stderr).toBe(0);
  const report = SovereigntyReportSchema.parse(JSON.parse(run.stdout));
  expect(hasValidContentHash(report)).toBe(true);
  return report;
}

beforeAll(() => {
  buildBundles();
  // <project>/renders/<shot>/, as the studio lays renders out.
  mkdirSync(path.join(plainRenders, 'shot-1'), { recursive: true });
  mkdirSync(path.join(probedRenders, 'shot-1'), { recursive: true });
});

afterAll(async () => {
  await Promise.all([plainWorker.close(), probedWorker.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a render and its report, with the network guard on', () => {
  it('make no attempt to reach the network: zero in the render record and zero in the report process', async () => {
    const result = await plainWorker.render({ jobId: 'plain', request, options: options(path.join(plainRenders, 'shot-1', 'plain.mp4')) });
    expect(result.frames).toBe(8);
    const record = JSON.parse(readFileSync(result.record, 'utf8')) as RecordGuard;
    expect(record.networkGuard).toEqual({ installed: true, attempts: 0, blocked: 0 });

    const report = await reportOn(plainRenders);
    // The report's own process (the CLI, guard labelled "cli").
    expect(report.network).toMatchObject({ guard: { installed: true, label: 'cli' }, attempts: 0, blocked: 0, byOrigin: [], unlistedAttempts: 0 });
    expect(report.network.renders).toMatchObject({ records: 1, attempts: 0, blocked: 0, withoutGuard: 0, items: [{ record: 'shot-1/plain.json', model: TINY_PACK_ID, installed: true }] });
    expect(report.score.criteria.find((c) => c.id === 'network')).toMatchObject({ score: 10 });
  });

  it('refuse and count a deliberate attempt from the render worker, and the report shows it', async () => {
    const result = await probedWorker.render({ jobId: 'probed', request, options: options(path.join(probedRenders, 'shot-1', 'probed.mp4')) });
    // The render itself still works: the refusal is an error for the caller, not a crash.
    expect(result.frames).toBe(8);
    const record = JSON.parse(readFileSync(result.record, 'utf8')) as RecordGuard;
    expect(record.networkGuard).toEqual({ installed: true, attempts: 1, blocked: 1 });

    const report = await reportOn(probedRenders);
    expect(report.network.attempts).toBe(0);
    expect(report.network.renders).toMatchObject({ records: 1, attempts: 1, blocked: 1, withoutGuard: 0 });
    const network = report.score.criteria.find((c) => c.id === 'network');
    expect(network?.score).toBe(9);
    expect(network?.justification).toBe('9 and not 10 because render records show 1 blocked attempt.');
  });
});
