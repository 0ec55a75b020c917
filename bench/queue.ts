// npm run bench:queue — what the render queue's bookkeeping costs.
//
// 1. 10,000 jobs submitted one by one through the queue (validation, JSON, one IMMEDIATE
//    transaction each, the job read back for its event), and as one timeline (one transaction).
//    Anchor: the same rows as bare INSERT statements, one autocommit each, no checks.
// 2. 100,000 state transitions through the queue (10 per job: claim, requeue, claim, fail, retry,
//    claim, cancel, retry, claim, done), each one transaction that checks the previous state.
//    Anchor: the same state changes as bare UPDATE ... WHERE id = ?, one autocommit each.
// Both databases are the library's (WAL, synchronous=FULL) with the same schema and indexes. By
// default they live on a tmpfs (/dev/shm) so the figures show the queue's own work rather than the
// disk's fsync; a short sample on the real disk (--disk-dir, default the OS temp folder) shows what
// fsync makes of it.
// 3. Overlap (--overlap-jobs N, default 6; 0 skips): N tiny-pack renders in real workers, with
//    and without starting the next job while the previous one encodes. Wall time of each and the
//    ratio. On a CPU-only machine denoising and encoding share the same cores: there the figure
//    shows the cost of the second worker, which is why the runner's default ('auto') overlaps only
//    when CUDA is usable.
// Usage: tsx bench/queue.ts [--dir DIR] [--jobs N] [--transitions N] [--disk-dir DIR] [--disk-sample N] [--overlap-jobs N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { JobSubmission } from '../engine/jobs/job-model';
import { openJobQueue, type OpenedQueue } from '../engine/jobs/open-queue';
import { QueueRunner } from '../engine/jobs/queue-runner';
import { JOBS_MIGRATIONS } from '../engine/jobs/queue-schema';
import { openLibraryDatabase, type LibraryDatabase } from '../engine/library/database';
import { projectRoot } from '../engine/system/paths';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    jobs: { type: 'string', default: '10000' },
    transitions: { type: 'string', default: '100000' },
    'disk-dir': { type: 'string' },
    'disk-sample': { type: 'string', default: '300' },
    'overlap-jobs': { type: 'string', default: '6' },
  },
});

function positiveInt(name: string, raw: string | undefined, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}, got ${raw}`);
  return n;
}

const JOBS = positiveInt('jobs', values.jobs);
const TRANSITIONS = positiveInt('transitions', values.transitions, 10);
const DISK_SAMPLE = positiveInt('disk-sample', values['disk-sample'], 10);
const OVERLAP_JOBS = positiveInt('overlap-jobs', values['overlap-jobs'], 0);
const fastRoot = values.dir ?? (existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
const diskRoot = values['disk-dir'] ?? os.tmpdir();
const TRANSITIONS_PER_JOB = 10;

const shot = (i: number): JobSubmission => ({ request: { prompt: `shot number ${i}: a red ball rolling`, model: 'tiny-test', steps: 4, frames: 4, seed: i, device: 'cpu' } });

function rate(count: number, ms: number): string {
  return `${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s`;
}

function time(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

interface Pair {
  label: string;
  count: number;
  queueMs: number;
  anchorMs: number;
}

function print(pair: Pair): void {
  const ratio = pair.queueMs / pair.anchorMs;
  console.log(
    `${pair.label.padEnd(44)} queue ${rate(pair.count, pair.queueMs).padStart(10)}   bare SQL ${rate(pair.count, pair.anchorMs).padStart(10)}   queue/bare time ${ratio.toFixed(2)}x`,
  );
}

/** The anchor's database: the same file settings and jobs schema, written with plain statements. */
function openAnchor(dir: string): LibraryDatabase {
  return openLibraryDatabase(path.join(dir, 'anchor.sqlite'), { domains: [JOBS_MIGRATIONS] });
}

function anchorInsert(db: LibraryDatabase, count: number, offset = 0): number {
  const insert = db.prepare(
    `INSERT INTO jobs (id, position, state, request, output_path, record_path, created_at) VALUES (?, ?, 'queued', ?, ?, ?, ?)`,
  );
  return time(() => {
    for (let i = offset; i < offset + count; i++) {
      const id = `job-${i.toString(16).padStart(12, '0')}`;
      insert.run(id, i + 1, JSON.stringify(shot(i).request), `/renders/${id}.mp4`, `/renders/${id}.json`, new Date().toISOString());
    }
  });
}

const CYCLE = ['running', 'queued', 'running', 'failed', 'queued', 'running', 'cancelled', 'queued', 'running', 'done'] as const;

function anchorTransitions(db: LibraryDatabase, ids: readonly string[], perJob: number): number {
  const update = db.prepare('UPDATE jobs SET state = ? WHERE id = ?');
  return time(() => {
    for (const id of ids) for (let k = 0; k < perJob; k++) update.run(CYCLE[k], id);
  });
}

function queueTransitions(queue: OpenedQueue, ids: readonly string[], perJob: number): number {
  const { store } = queue;
  const steps: ((id: string) => unknown)[] = [
    (id) => store.claim(id),
    (id) => store.requeue(id),
    (id) => store.claim(id),
    (id) => store.fail(id, { code: 'BENCH', message: 'a failure for the benchmark' }),
    (id) => store.retry(id),
    (id) => store.claim(id),
    (id) => store.markCancelled(id),
    (id) => store.retry(id),
    (id) => store.claim(id),
    (id) => store.complete(id, { frames: 4 }),
  ];
  return time(() => {
    for (const id of ids) for (let k = 0; k < perJob; k++) (steps[k] as (id: string) => unknown)(id);
  });
}

function medianMs(runs: number, work: () => unknown): number {
  const times = Array.from({ length: runs }, () => time(work)).sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] as number;
}

async function bookkeeping(root: string, jobs: number, transitions: number, label: string): Promise<Pair[]> {
  const dir = mkdtempSync(path.join(root, 'aiprod-bench-queue-'));
  try {
    const queue = await openJobQueue({ home: dir, takeBackup: false });
    const anchor = openAnchor(dir);
    const pairs: Pair[] = [];

    let submitted: string[] = [];
    const submitMs = time(() => {
      for (let i = 0; i < jobs; i++) submitted.push(queue.store.submit(shot(i)).id);
    });
    pairs.push({ label: `${label}: submit ${jobs.toLocaleString('en-US')} jobs, one by one`, count: jobs, queueMs: submitMs, anchorMs: anchorInsert(anchor, jobs) });

    const perJob = TRANSITIONS_PER_JOB;
    const needed = Math.ceil(transitions / perJob);
    if (needed > submitted.length) throw new Error(`${transitions} transitions need ${needed} jobs; only ${submitted.length} were submitted`);
    submitted = submitted.slice(0, needed);
    const anchorIds = (anchor.prepare('SELECT id FROM jobs ORDER BY position LIMIT ?').all(needed) as { id: string }[]).map((r) => r.id);
    const count = needed * perJob;
    pairs.push({
      label: `${label}: ${count.toLocaleString('en-US')} state transitions`,
      count,
      queueMs: queueTransitions(queue, submitted, perJob),
      anchorMs: anchorTransitions(anchor, anchorIds, perJob),
    });

    if (jobs >= 1000) {
      // A timeline: every shot in one transaction (all or nothing), against bare INSERTs in one transaction too.
      const timeline = Array.from({ length: jobs }, (_, i) => shot(i));
      const queueMs = time(() => queue.store.submitMany(timeline));
      const anchorMs = time(() => anchor.transaction(() => anchorInsert(anchor, jobs, jobs))());
      pairs.push({ label: `${label}: submit ${jobs.toLocaleString('en-US')} jobs as one timeline`, count: jobs, queueMs, anchorMs });
    }
    // Listing the whole queue, as `queue list` and a studio opening do: it must stay interactive (< 50 ms
    // for 10,000 jobs). Anchor: the same rows as a bare SELECT.
    const listed = queue.store.list().length;
    const listMs = medianMs(5, () => queue.store.list());
    const anchorListMs = medianMs(5, () => anchor.prepare('SELECT * FROM jobs ORDER BY position').all());
    console.log(`  ${label}: list ${listed.toLocaleString('en-US')} jobs: ${listMs.toFixed(1)} ms (bare SELECT ${anchorListMs.toFixed(1)} ms, x${(listMs / anchorListMs).toFixed(2)}); goal < 50 ms`);
    anchor.close();
    queue.close();
    return pairs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function overlap(count: number): Promise<void> {
  const build = spawnSync(process.execPath, [path.join(projectRoot(), 'scripts/build.mjs'), '--node-only', '--quiet'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the worker bundle could not be built: ${build.stderr}`);
  const packs = [path.join(projectRoot(), 'tests', 'fixtures')];
  const results: { overlap: boolean; ms: number }[] = [];
  // without, with, without: the faster of the two runs without overlap is kept, so warmer caches
  // in a later run cannot make the overlap look better than it is.
  for (const withOverlap of [false, true, false]) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-bench-overlap-'));
    try {
      const queue = await openJobQueue({ home: dir, takeBackup: false });
      queue.store.submitMany(Array.from({ length: count }, (_, i) => ({ request: { prompt: `overlap ${i}`, model: 'tiny-test', steps: 60, frames: 8, seed: i, device: 'cpu' } })));
      const runner = new QueueRunner({ store: queue.store, mode: 'until-empty', packSearchDirs: packs, overlap: withOverlap });
      const started = performance.now();
      const summary = await runner.start();
      const ms = performance.now() - started;
      if (summary.done.length !== count) throw new Error(`only ${summary.done.length} of ${count} overlap jobs finished: ${JSON.stringify(summary)}`);
      results.push({ overlap: withOverlap, ms });
      console.log(`  run ${results.length}: overlap ${withOverlap ? 'on ' : 'off'} ${(ms / 1000).toFixed(2)} s`);
      queue.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const without = Math.min(...results.filter((r) => !r.overlap).map((r) => r.ms));
  const withIt = results.find((r) => r.overlap)?.ms ?? Number.NaN;
  console.log(
    `overlap: ${count} tiny renders (60 steps, 8 frames, CPU)      without ${(without / 1000).toFixed(2)} s   with ${(withIt / 1000).toFixed(2)} s   with/without ${(withIt / without).toFixed(2)}x`,
  );
}

console.log(`render queue bookkeeping (databases in ${fastRoot}; WAL, synchronous=FULL)`);
for (const pair of await bookkeeping(fastRoot, JOBS, TRANSITIONS, 'tmpfs')) print(pair);
console.log(`\nthe same on the disk (${diskRoot}), a sample: every commit waits for fsync`);
for (const pair of await bookkeeping(diskRoot, DISK_SAMPLE, DISK_SAMPLE, 'disk')) print(pair);
if (OVERLAP_JOBS > 0) {
  console.log('\nencoding of one job overlapping the denoising of the next (real workers, real ffmpeg)');
  await overlap(OVERLAP_JOBS);
}
