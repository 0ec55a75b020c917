// The jobs channels end to end through the headless host: a WebSocket client speaking the contract
// (what the studio page does), the real queue, real worker processes, the tiny pack on the CPU.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { JobDto, JobPreviewEvent, JobProgressEvent, QueueStatusDto } from '../../electron/common/channels/jobs';
import { startHost, type HostHandle } from '../../electron/host';
import { createApi, type Api } from '../../renderer/src/lib/api';
import { createSocketBridge, type SocketLike } from '../../renderer/src/lib/socket-bridge';
import { buildBundles, TINY_PACK_DIR, TINY_PACK_ID } from './cli-helpers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-queue-ipc-'));
const home = path.join(dir, 'home');
const saved = { AIPROD_HOME: process.env.AIPROD_HOME, AIPROD_PACKS_DIRS: process.env.AIPROD_PACKS_DIRS };
let host: HostHandle;
let api: Api;
let close: () => void;

const jobs = new Map<string, JobDto[]>();
const progress: JobProgressEvent[] = [];
const previews: JobPreviewEvent[] = [];
const statuses: QueueStatusDto[] = [];
let waiters: { test: () => boolean; resolve: () => void }[] = [];

function settle(): void {
  waiters = waiters.filter((w) => {
    if (!w.test()) return true;
    w.resolve();
    return false;
  });
}

/** Resolves once the job events say every one of `ids` reached `state`. */
function until(ids: readonly string[], state: JobDto['state']): Promise<void> {
  const test = () => ids.every((id) => jobs.get(id)?.at(-1)?.state === state);
  if (test()) return Promise.resolve();
  return new Promise((resolve) => waiters.push({ test, resolve }));
}

const shot = (prompt: string, extra: Record<string, unknown> = {}) => ({ request: { prompt, model: TINY_PACK_ID, device: 'cpu' as const, steps: 4, frames: 4, seed: 5, ...extra } });

beforeAll(async () => {
  buildBundles();
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
  process.env.AIPROD_HOME = home;
  process.env.AIPROD_PACKS_DIRS = TINY_PACK_DIR;
  host = await startHost({ rendererDir: dir, networkGuard: false });
  const socket = (url: string) => new WebSocket(`${url}?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` }) as unknown as SocketLike;
  const bridge = createSocketBridge(`ws://127.0.0.1:${host.port}/ws`, socket);
  close = () => bridge.close();
  api = createApi(bridge);
  api.subscribe('jobs.job', (job) => {
    jobs.set(job.id, [...(jobs.get(job.id) ?? []), job]);
    settle();
  });
  api.subscribe('jobs.progress', (event) => progress.push(event));
  api.subscribe('jobs.preview', (event) => previews.push(event));
  api.subscribe('jobs.status', (status) => statuses.push(status));
});

afterAll(async () => {
  close();
  await host.close();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('jobs channels over the host', () => {
  it('lists an empty, running queue at first', async () => {
    const snapshot = await api.invoke('jobs.list');
    expect(snapshot).toMatchObject({ jobs: [], notices: [], status: { paused: false, runnerPid: process.pid } });
  });

  it('submits a timeline in one call and streams state, progress with ETA, and previews until both are done', async () => {
    const { jobs: submitted } = await api.invoke('jobs.submit', { shots: [shot('one', { steps: 200, frames: 8 }), shot('two')] });
    expect(submitted.map((j) => [j.prompt, j.state])).toEqual([
      ['one', 'queued'],
      ['two', 'queued'],
    ]);
    const ids = submitted.map((j) => j.id);
    await until(ids, 'done');
    for (const id of ids) expect(jobs.get(id)?.map((j) => j.state)).toEqual(['queued', 'running', 'done']);
    const denoise = progress.filter((p) => p.jobId === ids[0] && p.stage === 'denoise');
    expect(denoise.at(-1)).toMatchObject({ step: 200, total: 200 });
    expect(denoise.every((p) => typeof p.etaMs === 'number')).toBe(true);
    expect(previews.some((p) => p.jobId === ids[0] && p.dataUrl.startsWith('data:image/png;base64,'))).toBe(true);
    const listed = await api.invoke('jobs.list');
    expect(listed.jobs.map((j) => [j.id, j.state])).toEqual(ids.map((id) => [id, 'done']));
  });

  it('pauses (new jobs wait), cancels and retries a waiting job, and resumes', async () => {
    expect(await api.invoke('jobs.pause')).toMatchObject({ paused: true, pausedReason: 'user' });
    const { jobs: [waiting] } = await api.invoke('jobs.submit', { shots: [shot('waits')] });
    const id = waiting!.id;
    expect((await api.invoke('jobs.list')).jobs.find((j) => j.id === id)?.state).toBe('queued');
    expect(await api.invoke('jobs.cancel', { id })).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
    expect(await api.invoke('jobs.retry', { id })).toMatchObject({ state: 'queued', error: null });
    expect(await api.invoke('jobs.resume')).toMatchObject({ paused: false });
    await until([id], 'done');
    expect(statuses.some((s) => s.paused)).toBe(true);
  });

  it('refuses bad payloads at the contract and unknown jobs in the engine, with their codes', async () => {
    await expect(api.invoke('jobs.submit', { shots: [] })).rejects.toMatchObject({ code: 'BAD_PAYLOAD' });
    await expect(api.invoke('jobs.submit', { shots: [shot('x', { steps: 500 })] })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(api.invoke('jobs.cancel', { id: 'job-nope' })).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
  });

  it('closing the host leaves the queue cleanly: no runner marker, not paused', async () => {
    close();
    await host.close();
    const db = new Database(path.join(home, 'library.sqlite'), { readonly: true });
    const row = db.prepare('SELECT runner_pid, paused FROM queue_state WHERE id = 1').get();
    db.close();
    expect(row).toEqual({ runner_pid: null, paused: 0 });
  });
});
