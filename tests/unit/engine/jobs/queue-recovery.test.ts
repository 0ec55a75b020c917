// Recovery of an unclean shutdown, with a real dead process as the previous runner: a child that
// has exited, whose pid and identity are written into the marker as a runner would have.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJobQueue, type OpenedQueue } from '../../../../engine/jobs/open-queue';
import { describeRecovery, recoverIfUnclean } from '../../../../engine/jobs/queue-recovery';
import { acquireMarker, ownMarker, readMarker, type RunnerMarker } from '../../../../engine/jobs/runner-marker';
import { RECORD_FORMAT } from '../../../../engine/render/record';

let dir: string;
let queue: OpenedQueue;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiprod-recovery-'));
  queue = await openJobQueue({ home: dir, takeBackup: false });
});
afterEach(() => {
  queue.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A process that existed and is gone: what a SIGKILLed runner leaves in the marker. */
function deadMarker(): RunnerMarker {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return { pid: child.pid as number, identity: `linux:gone:${child.pid as number}:1`, startedAt: '2026-01-01T00:00:00.000Z' };
}

function setMarker(marker: RunnerMarker): void {
  queue.store.db.prepare('UPDATE queue_state SET runner_pid = ?, runner_identity = ?, runner_started_at = ? WHERE id = 1').run(marker.pid, marker.identity, marker.startedAt);
}

const shot = (prompt: string) => ({ request: { prompt, model: 'tiny-test', steps: 4 } });

function writeCompleteRender(output: string, record: string): void {
  fs.mkdirSync(path.dirname(output), { recursive: true });
  const video = Buffer.from('not really an mp4, but hashed like one');
  fs.writeFileSync(output, video);
  const outputSha256 = createHash('sha256').update(video).digest('hex');
  fs.writeFileSync(
    record,
    JSON.stringify({ format: RECORD_FORMAT, seed: 5, video: { file: output, frames: 4, width: 32, height: 32, fps: 8 }, device: { executionProvider: 'cpu' }, timings: { totalMs: 12 }, outputSha256 }),
  );
}

describe('recoverIfUnclean', () => {
  it('does nothing after a clean stop, or while the marker names a live process', async () => {
    queue.store.submit(shot('a'));
    expect(await recoverIfUnclean(queue.store)).toBeNull();
    expect(acquireMarker(queue.store.db, ownMarker()).kind).toBe('acquired');
    queue.store.claimNext();
    expect(await recoverIfUnclean(queue.store)).toBeNull();
    expect(queue.store.status().paused).toBe(false);
  });

  it('requeues the running job, removes its temp files and half a render, pauses the queue and clears the marker', async () => {
    const [a, b] = queue.store.submitMany([shot('a'), shot('b')]);
    setMarker(deadMarker());
    queue.store.claimNext();
    const renders = path.dirname(a!.output);
    fs.mkdirSync(renders, { recursive: true });
    const temps = [`.${a!.id}.mp4.4242-0a1b2c3d.partial`, `.${a!.id}.json.4242.deadbeef.tmp`].map((f) => path.join(renders, f));
    for (const f of temps) fs.writeFileSync(f, 'half');
    fs.writeFileSync(a!.output, 'a video without its record');
    const unrelated = path.join(renders, `.${b!.id}.mp4.1-00.partial`);
    fs.writeFileSync(unrelated, 'another job');

    const report = await recoverIfUnclean(queue.store);
    expect(report).toMatchObject({ requeued: [a!.id], completed: [], failed: [], cancelled: [] });
    expect(report?.removedFiles.sort()).toEqual([...temps, a!.output].sort());
    expect(fs.existsSync(unrelated)).toBe(true);
    expect(queue.store.get(a!.id)).toMatchObject({ state: 'queued', attempts: 1, position: 1 });
    expect(queue.store.status()).toMatchObject({ paused: true, pausedReason: 'unclean-shutdown', runnerPid: null, recovery: { requeued: [a!.id] } });
    expect(readMarker(queue.store.db)).toBeNull();
    expect(describeRecovery(report!)).toMatch(/stopped without shutting down; put back in the queue: job-/);
    // A second look finds nothing more to do.
    expect(await recoverIfUnclean(queue.store)).toBeNull();
  });

  it('marks done a job whose video and record were complete on disk, and keeps the files', async () => {
    const job = queue.store.submit(shot('a'));
    setMarker(deadMarker());
    queue.store.claimNext();
    writeCompleteRender(job.output, job.record);
    const report = await recoverIfUnclean(queue.store);
    expect(report).toMatchObject({ completed: [job.id], requeued: [] });
    expect(queue.store.get(job.id)).toMatchObject({ state: 'done', attempts: 1 });
    expect(fs.existsSync(job.output) && fs.existsSync(job.record)).toBe(true);
  });

  it('does not adopt a video whose hash differs from its record: it is removed and the job requeued', async () => {
    const job = queue.store.submit(shot('a'));
    setMarker(deadMarker());
    queue.store.claimNext();
    writeCompleteRender(job.output, job.record);
    fs.appendFileSync(job.output, 'tampered');
    expect(await recoverIfUnclean(queue.store)).toMatchObject({ requeued: [job.id], completed: [] });
    expect(fs.existsSync(job.output) || fs.existsSync(job.record)).toBe(false);
  });

  it('cancels a job whose cancel was asked, and fails one interrupted too often (without a marker at all)', async () => {
    const [a, b] = queue.store.submitMany([shot('a'), shot('b')]);
    queue.store.claim(a!.id);
    queue.store.cancel(a!.id);
    queue.store.claim(b!.id);
    queue.store.db.prepare('UPDATE jobs SET attempts = 3 WHERE id = ?').run(b!.id);
    const report = await recoverIfUnclean(queue.store);
    expect(report).toMatchObject({ previousRunnerPid: null, cancelled: [a!.id], failed: [b!.id] });
    expect(queue.store.get(a!.id).state).toBe('cancelled');
    expect(queue.store.get(b!.id)).toMatchObject({ state: 'failed', error: { code: 'INTERRUPTED' } });
  });
});

describe('the runner marker', () => {
  it('is taken once: a live holder makes others busy, a dead one asks for recovery', () => {
    const mine = ownMarker();
    expect(acquireMarker(queue.store.db, mine).kind).toBe('acquired');
    expect(acquireMarker(queue.store.db, mine).kind).toBe('acquired');
    const other = { ...mine, pid: mine.pid + 1, identity: 'someone else' };
    expect(acquireMarker(queue.store.db, other)).toMatchObject({ kind: 'busy', marker: { pid: mine.pid } });
    setMarker(deadMarker());
    expect(acquireMarker(queue.store.db, mine).kind).toBe('dead');
  });
});
