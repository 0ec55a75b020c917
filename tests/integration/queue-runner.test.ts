// The queue runner in this process with real worker processes (dist/node/worker.js), onnxruntime on
// the CPU with the tiny fixture pack, real ffmpeg and the real library database: order, overlap,
// worker crashes, cancels (also from another database connection, as another process would), and
// progress with preview images.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openJobQueue, type OpenedQueue } from '../../engine/jobs/open-queue';
import type { QueueEvent } from '../../engine/jobs/queue-events';
import { QueueRunner, type QueueRunnerOptions } from '../../engine/jobs/queue-runner';
import { buildBundles, scratchDir, TINY_PACK_DIR, TINY_PACK_ID } from './cli-helpers';

const dir = scratchDir('queue-runner');
let homes = 0;
let queue: OpenedQueue | undefined;

beforeAll(() => buildBundles());
afterEach(() => {
  queue?.close();
  queue = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freshQueue(): Promise<OpenedQueue> {
  queue = await openJobQueue({ home: path.join(dir, `home-${++homes}`) });
  return queue;
}

const shot = (prompt: string, extra: Record<string, unknown> = {}) => ({ request: { prompt, model: TINY_PACK_ID, device: 'cpu', steps: 4, frames: 4, seed: 11, ...extra } });

function runner(q: OpenedQueue, options: Partial<QueueRunnerOptions> = {}): QueueRunner {
  return new QueueRunner({ store: q.store, mode: 'until-empty', packSearchDirs: [TINY_PACK_DIR], ...options });
}

/** The job events in the order they happened, as "id:state". */
function recordStates(q: OpenedQueue): string[] {
  const seen: string[] = [];
  q.store.events.on((event) => {
    if (event.type === 'job') seen.push(`${event.job.id}:${event.job.state}`);
  });
  return seen;
}

describe('queue runner', () => {
  it('renders a submitted timeline in queue order, each job once, in one transaction of submits', async () => {
    const q = await freshQueue();
    const jobs = q.store.submitMany([shot('one'), shot('two'), shot('three')]);
    expect(jobs.map((j) => j.position)).toEqual([1, 2, 3]);
    const order = recordStates(q);
    const summary = await runner(q, { overlap: false }).start();
    expect(summary).toMatchObject({ done: jobs.map((j) => j.id), failed: [], stoppedBecause: 'empty' });
    expect(order.filter((s) => s.endsWith(':running'))).toEqual(jobs.map((j) => `${j.id}:running`));
    for (const job of jobs) {
      expect(q.store.get(job.id)).toMatchObject({ state: 'done', attempts: 1 });
      expect(existsSync(job.output) && existsSync(job.record)).toBe(true);
    }
    expect(readdirSync(path.dirname(jobs[0]!.output)).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(q.store.status().runnerPid).toBeNull();
  });

  it('with overlap, starts the next job while the previous one encodes; without, only after it is done', async () => {
    const q = await freshQueue();
    const [a, b] = q.store.submitMany([shot('first'), shot('second')]);
    const withOverlap = recordStates(q);
    await runner(q, { overlap: true }).start();
    expect(withOverlap.indexOf(`${b!.id}:running`)).toBeLessThan(withOverlap.indexOf(`${a!.id}:done`));

    const [c, d] = q.store.submitMany([shot('third'), shot('fourth')]);
    const without = recordStates(q);
    await runner(q, { overlap: false }).start();
    expect(without.indexOf(`${d!.id}:running`)).toBeGreaterThan(without.indexOf(`${c!.id}:done`));
  });

  it('with concurrency 2, starts the second job before the first is done', async () => {
    const q = await freshQueue();
    const [a, b] = q.store.submitMany([shot('left'), shot('right')]);
    const states = recordStates(q);
    await runner(q, { concurrency: 2, overlap: false }).start();
    expect(states.indexOf(`${b!.id}:running`)).toBeLessThan(states.indexOf(`${a!.id}:done`));
    expect([a!, b!].map((j) => q.store.get(j.id).state)).toEqual(['done', 'done']);
  });

  it('fails the job whose worker is killed (WORKER_CRASHED, with the signal) and goes on with the next', async () => {
    const q = await freshQueue();
    const [doomed, next] = q.store.submitMany([shot('killed mid-denoise', { steps: 200, frames: 8 }), shot('after the crash')]);
    let killed = false;
    q.store.events.on((event) => {
      if (event.type === 'progress' && event.jobId === doomed!.id && event.stage === 'denoise' && !killed) {
        killed = true;
        // The worker's pid as the runner recorded it for recovery.
        const pid = q.store.db.prepare<[string], { worker_pid: number | null }>('SELECT worker_pid FROM jobs WHERE id = ?').get(doomed!.id)?.worker_pid;
        if (typeof pid === 'number') process.kill(pid, 'SIGKILL');
      }
    });
    const summary = await runner(q, { overlap: true }).start();
    expect(killed).toBe(true);
    expect(summary.failed).toEqual([doomed!.id]);
    expect(q.store.get(doomed!.id)).toMatchObject({ state: 'failed', error: { code: 'WORKER_CRASHED' } });
    expect(q.store.get(doomed!.id).error?.message).toContain('SIGKILL');
    expect(q.store.get(next!.id).state).toBe('done');
    expect(existsSync(doomed!.output)).toBe(false);
  });

  it('cancels a running job asked from this process, and one asked through another connection', async () => {
    const q = await freshQueue();
    const [here, elsewhere, last] = q.store.submitMany([shot('cancelled here', { steps: 200, frames: 8 }), shot('cancelled elsewhere', { steps: 200, frames: 8 }), shot('last')]);
    const other = new Database(q.library.file);
    const asked = new Set<string>();
    q.store.events.on((event) => {
      // At each job's first progress event (loading the pack): the render has begun in its worker.
      if (event.type !== 'progress' || asked.has(event.jobId)) return;
      asked.add(event.jobId);
      if (event.jobId === here!.id) q.store.cancel(here!.id);
      // What `aiprod queue cancel` in another process does: it only sets the flag in the database.
      if (event.jobId === elsewhere!.id) other.prepare("UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = 'running'").run(elsewhere!.id);
    });
    const summary = await runner(q, { overlap: false, pollMs: 100 }).start();
    other.close();
    expect(summary.cancelled).toEqual([here!.id, elsewhere!.id]);
    for (const job of [here!, elsewhere!]) {
      expect(q.store.get(job.id)).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' }, cancelRequested: false });
      expect(existsSync(job.output)).toBe(false);
    }
    expect(q.store.get(last!.id).state).toBe('done');
  });

  it('reports progress with step, total and ETA, and PNG previews as data URLs', async () => {
    const q = await freshQueue();
    const job = q.store.submit(shot('with previews', { steps: 200, frames: 8 }));
    const events: QueueEvent[] = [];
    q.store.events.on((event) => events.push(event));
    await runner(q, { previews: true, previewMs: 0 }).start();
    const denoise = events.filter((e): e is Extract<QueueEvent, { type: 'progress' }> => e.type === 'progress' && e.stage === 'denoise');
    // The pipeline throttles its step events (one per 250 ms at most, and the last step): rising, ending at the last step.
    const steps = denoise.map((e) => e.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.at(-1)).toBe(200);
    expect(denoise.every((e) => e.total === 200 && e.jobId === job.id && typeof e.etaMs === 'number')).toBe(true);
    const previews = events.filter((e): e is Extract<QueueEvent, { type: 'preview' }> => e.type === 'preview');
    expect(previews.length).toBeGreaterThan(0);
    const png = Buffer.from(previews[0]!.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(previews[0]).toMatchObject({ jobId: job.id, width: 160 });
  });

  it('stop() puts the running job back in the queue at its place and clears the runner marker', async () => {
    const q = await freshQueue();
    const [first, second] = q.store.submitMany([shot('interrupted', { steps: 200, frames: 8 }), shot('waiting')]);
    const r = runner(q, { overlap: false });
    q.store.events.on((event) => {
      if (event.type === 'progress' && event.stage === 'denoise') void r.stop();
    });
    const summary = await r.start();
    expect(summary).toMatchObject({ requeued: [first!.id], stoppedBecause: 'stopped' });
    expect(q.store.get(first!.id)).toMatchObject({ state: 'queued', attempts: 1, position: 1 });
    expect(q.store.get(second!.id)).toMatchObject({ state: 'queued', attempts: 0 });
    expect(q.store.status()).toMatchObject({ paused: false, runnerPid: null });
    expect(existsSync(first!.output)).toBe(false);
  });
});
