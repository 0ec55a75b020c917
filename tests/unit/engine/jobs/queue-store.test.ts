import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import type { JobSubmission } from '../../../../engine/jobs/job-model';
import { openJobQueue, type OpenedQueue } from '../../../../engine/jobs/open-queue';
import type { QueueEvent } from '../../../../engine/jobs/queue-events';

let dir: string;
let queue: OpenedQueue;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiprod-jobs-'));
  queue = await openJobQueue({ home: dir, takeBackup: false });
});
afterEach(() => {
  queue.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const shot = (prompt: string, extra: Record<string, unknown> = {}): JobSubmission => ({ request: { prompt, model: 'tiny-test', steps: 4, ...extra } });

function errorOf(fn: () => unknown): AiprodError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AiprodError) return error;
    throw new Error(`not an AiprodError: ${String(error)}`);
  }
  throw new Error('did not throw');
}

function events(): QueueEvent[] {
  const seen: QueueEvent[] = [];
  queue.store.events.on((e) => seen.push(e));
  return seen;
}

describe('submitting', () => {
  it('stores the validated request with a fixed seed, the device and the default output under renders/', () => {
    const job = queue.store.submit(shot('a red ball', { device: 'cpu' }));
    expect(job).toMatchObject({ state: 'queued', prompt: 'a red ball', attempts: 0, position: 1, error: null, progress: null });
    expect(job.request).toMatchObject({ prompt: 'a red ball', model: 'tiny-test', steps: 4, tier: 'standard', device: 'cpu' });
    expect(Number.isInteger(job.request.seed)).toBe(true);
    expect(job.output).toBe(path.join(dir, 'renders', `${job.id}.mp4`));
    expect(job.record).toBe(path.join(dir, 'renders', `${job.id}.json`));
    expect(queue.store.get(job.id)).toEqual(job);
  });

  it('places a project shot under <project>/renders/<shot>/ and refuses unsafe shot ids or a missing project folder', () => {
    const project = path.join(dir, 'my-project');
    fs.mkdirSync(project);
    const job = queue.store.submit({ ...shot('x'), projectDir: project, projectId: 'p1', shotId: 'shot-01' });
    expect(job).toMatchObject({ projectId: 'p1', shotId: 'shot-01', output: path.join(project, 'renders', 'shot-01', `${job.id}.mp4`) });
    expect(errorOf(() => queue.store.submit({ ...shot('x'), projectDir: project, shotId: '../escape' })).code).toBe('SHOT_ID_INVALID');
    expect(errorOf(() => queue.store.submit({ ...shot('x'), projectDir: project })).code).toBe('SHOT_ID_REQUIRED');
    expect(errorOf(() => queue.store.submit({ ...shot('x'), projectDir: path.join(dir, 'nope'), shotId: 's' })).code).toBe('PROJECT_DIR_MISSING');
  });

  it('submits a timeline in order in one transaction, and nothing of it when one shot is refused', () => {
    const jobs = queue.store.submitMany([shot('one'), shot('two'), shot('three')]);
    expect(jobs.map((j) => [j.prompt, j.position])).toEqual([
      ['one', 1],
      ['two', 2],
      ['three', 3],
    ]);
    const error = errorOf(() => queue.store.submitMany([shot('four'), shot('five', { steps: 0 }), shot('six')]));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.kind).toBe('input');
    expect(error.message).toMatch(/^shot 2 of 3: steps must be between 1 and 200/);
    expect(queue.store.list().map((j) => j.prompt)).toEqual(['one', 'two', 'three']);
  });

  it('refuses an empty timeline and an unknown device', () => {
    expect(errorOf(() => queue.store.submitMany([])).code).toBe('NO_SHOTS');
    expect(errorOf(() => queue.store.submit(shot('x', { device: 'tpu' }))).message).toMatch(/device must be one of auto, cuda, cpu/);
  });
});

describe('transitions', () => {
  it('claims queued jobs in position order, counting attempts, and not while paused', () => {
    const [a, b] = queue.store.submitMany([shot('a'), shot('b')]);
    queue.store.pause();
    expect(queue.store.claimNext()).toBeUndefined();
    queue.store.resume();
    const claimed = queue.store.claimNext();
    expect(claimed).toMatchObject({ id: a!.id, state: 'running', attempts: 1 });
    expect(claimed?.startedAt).not.toBeNull();
    expect(queue.store.claimNext()?.id).toBe(b!.id);
    expect(queue.store.claimNext()).toBeUndefined();
  });

  it('refuses a change from the wrong state with JOB_STATE_CONFLICT naming both states, and changes nothing', () => {
    const job = queue.store.submit(shot('a'));
    const error = errorOf(() => queue.store.complete(job.id, {}));
    expect(error.code).toBe('JOB_STATE_CONFLICT');
    expect(error.message).toBe(`cannot complete job ${job.id}: it is queued, not running`);
    expect(queue.store.get(job.id)).toEqual(job);
    expect(errorOf(() => queue.store.retry(job.id)).code).toBe('JOB_STATE_CONFLICT');
    expect(errorOf(() => queue.store.claim('job-nope')).code).toBe('JOB_NOT_FOUND');
  });

  it('records done with its result, failed with its error, and retries a failure at the end of the queue keeping attempts', () => {
    const [a, b, c] = queue.store.submitMany([shot('a'), shot('b'), shot('c')]);
    queue.store.claim(a!.id);
    expect(queue.store.complete(a!.id, { frames: 4 })).toMatchObject({ state: 'done', error: null });
    queue.store.claim(b!.id);
    const failed = queue.store.fail(b!.id, { code: 'PACK_NOT_FOUND', message: 'unknown model' });
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'PACK_NOT_FOUND', message: 'unknown model' }, attempts: 1 });
    expect(failed.finishedAt).not.toBeNull();
    const retried = queue.store.retry(b!.id);
    expect(retried).toMatchObject({ state: 'queued', error: null, attempts: 1, finishedAt: null });
    expect(retried.position).toBeGreaterThan(c!.position);
    expect(errorOf(() => queue.store.cancel(a!.id)).code).toBe('JOB_STATE_CONFLICT');
  });

  it('cancels a queued job at once and flags a running one for its runner', () => {
    const [a, b] = queue.store.submitMany([shot('a'), shot('b')]);
    expect(queue.store.cancel(b!.id)).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
    queue.store.claim(a!.id);
    expect(queue.store.cancel(a!.id)).toMatchObject({ state: 'running', cancelRequested: true });
    expect(queue.store.cancelRequestedIds()).toEqual([a!.id]);
    expect(queue.store.markCancelled(a!.id)).toMatchObject({ state: 'cancelled', cancelRequested: false });
  });

  it('sends job events after the commit only: a refused change sends none', () => {
    const job = queue.store.submit(shot('a'));
    const seen = events();
    errorOf(() => queue.store.fail(job.id, { code: 'X', message: 'x' }));
    expect(seen).toEqual([]);
    queue.store.claim(job.id);
    expect(seen).toEqual([{ type: 'job', job: queue.store.get(job.id) }]);
  });
});

describe('reordering and the queue state', () => {
  it('moves a queued job among the queued ones and leaves the positions of other states alone', () => {
    const [a, b, c, d] = queue.store.submitMany([shot('a'), shot('b'), shot('c'), shot('d')]);
    queue.store.claim(a!.id);
    const order = queue.store.reorder(d!.id, 0).map((j) => j.id);
    expect(order).toEqual([d!.id, b!.id, c!.id]);
    expect(queue.store.get(a!.id).position).toBe(1);
    expect(queue.store.reorder(d!.id, 99).map((j) => j.id)).toEqual([b!.id, c!.id, d!.id]);
    expect(queue.store.claimNext()?.id).toBe(b!.id);
    expect(errorOf(() => queue.store.reorder(a!.id, 0)).code).toBe('JOB_STATE_CONFLICT');
    expect(errorOf(() => queue.store.reorder(c!.id, -1)).code).toBe('INVALID_INDEX');
  });

  it('reports counts per state and the paused flag with its reason', () => {
    const [a] = queue.store.submitMany([shot('a'), shot('b')]);
    queue.store.claim(a!.id);
    expect(queue.store.status()).toMatchObject({ paused: false, pausedReason: null, counts: { queued: 1, running: 1, done: 0, failed: 0, cancelled: 0 } });
    expect(queue.store.pause()).toMatchObject({ paused: true, pausedReason: 'user' });
    expect(queue.store.resume()).toMatchObject({ paused: false, pausedReason: null, recovery: null });
  });

  it('keeps progress of a running job for a reader that comes later', () => {
    const job = queue.store.submit(shot('a'));
    queue.store.setProgress(job.id, { stage: 'denoise', step: 3, total: 4, etaMs: 100 });
    expect(queue.store.get(job.id).progress).toBeNull();
    queue.store.claim(job.id);
    queue.store.setProgress(job.id, { stage: 'denoise', step: 3, total: 4, etaMs: 100.4 });
    expect(queue.store.get(job.id).progress).toEqual({ stage: 'denoise', step: 3, total: 4, etaMs: 100 });
  });
});
