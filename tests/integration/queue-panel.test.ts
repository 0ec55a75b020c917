// The queue panel in Debian's Chromium, served by the headless host in this process with the real
// queue and real workers behind it: jobs appear with a progress bar that reaches 100, and Pause,
// Cancel, Retry and Resume act on the queue. Jobs are submitted as another window of the studio
// would (the contract over the host's WebSocket), so the test does not depend on the project UI.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHost, type HostHandle } from '../../electron/host';
import { createApi, type Api } from '../../renderer/src/lib/api';
import { createSocketBridge, type SocketLike } from '../../renderer/src/lib/socket-bridge';
import { buildBundles, ROOT, TINY_PACK_DIR, TINY_PACK_ID } from './cli-helpers';

const rendererIndex = path.join(ROOT, 'dist/renderer/index.html');

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

/** The renderer bundle, rebuilt when a source is newer (as tests/e2e does). */
function ensureRendererBuilt(): void {
  const sources = ['renderer', 'electron/common', 'vite.config.ts'].map((p) => newestMtime(path.join(ROOT, p)));
  if (existsSync(rendererIndex) && statSync(rendererIndex).mtimeMs >= Math.max(...sources)) return;
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--quiet'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stderr}`);
}

let host: HostHandle;
let browser: Browser;
let home: string;
let api: Api;
let closeBridge: () => void;
const saved = { AIPROD_HOME: process.env.AIPROD_HOME, AIPROD_PACKS_DIRS: process.env.AIPROD_PACKS_DIRS };

beforeAll(async () => {
  buildBundles();
  ensureRendererBuilt();
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-queue-panel-'));
  process.env.AIPROD_HOME = home;
  process.env.AIPROD_PACKS_DIRS = TINY_PACK_DIR;
  host = await startHost();
  const socket = (url: string) => new WebSocket(`${url}?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` }) as unknown as SocketLike;
  const bridge = createSocketBridge(`ws://127.0.0.1:${host.port}/ws`, socket);
  closeBridge = () => bridge.close();
  api = createApi(bridge);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

afterAll(async () => {
  await browser?.close();
  closeBridge?.();
  await host?.close();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

const shot = (prompt: string, extra: Record<string, unknown> = {}) => ({ request: { prompt, model: TINY_PACK_ID, device: 'cpu' as const, steps: 4, frames: 4, seed: 3, ...extra } });

async function openStudio(): Promise<{ page: Page; problems: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  await page.goto(host.url);
  return { page, problems };
}

describe('the queue panel', () => {
  it('shows submitted jobs with a progress bar that reaches 100 when they are done', async () => {
    const { page, problems } = await openStudio();
    const queue = page.getByRole('region', { name: 'Queue' });
    await queue.getByText('Nothing rendered yet.').waitFor();
    await api.invoke('jobs.submit', { shots: [shot('a red ball rolling', { steps: 200, frames: 8 }), shot('a blue cube')] });
    for (const prompt of ['a red ball rolling', 'a blue cube']) {
      const bar = queue.getByRole('progressbar', { name: `Progress of ${prompt}` });
      await bar.and(page.locator('[aria-valuenow="100"]')).waitFor();
      expect(await queue.getByRole('listitem', { name: `Job ${prompt}` }).textContent()).toContain('done');
    }
    expect(problems).toEqual([]);
  });

  it('Pause holds new jobs; Cancel, Retry and Resume act on them', async () => {
    const { page, problems } = await openStudio();
    const queue = page.getByRole('region', { name: 'Queue' });
    await queue.getByRole('button', { name: 'Pause' }).click();
    await queue.getByRole('status').getByText('The queue is paused.').waitFor();
    await api.invoke('jobs.submit', { shots: [shot('a waiting cone')] });
    const row = queue.getByRole('listitem', { name: 'Job a waiting cone' });
    await row.getByText('queued').waitFor();
    await row.getByRole('button', { name: 'Cancel a waiting cone' }).click();
    await row.getByText('cancelled', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Retry a waiting cone' }).click();
    await row.getByText('queued').waitFor();
    await queue.getByRole('button', { name: 'Resume' }).click();
    await row.getByRole('progressbar').and(page.locator('[aria-valuenow="100"]')).waitFor();
    const listed = await api.invoke('jobs.list');
    expect(listed.jobs.find((j) => j.prompt === 'a waiting cone')).toMatchObject({ state: 'done', attempts: 1 });
    expect(problems).toEqual([]);
  });
});
