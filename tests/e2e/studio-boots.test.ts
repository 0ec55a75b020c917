import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type HostHandle } from '../../electron/host';
import { createEngineServices } from '../../electron/handlers/services';
import { networkGuardStats } from '../../engine/net';

// The studio in Debian's Chromium, served by the headless host in this process with the real
// engine behind it: what a user sees when they open the URL `aiprod serve` prints.

const root = path.resolve(import.meta.dirname, '../..');
const rendererIndex = path.join(root, 'dist/renderer/index.html');
const tinyPack = path.join(root, 'tests/fixtures/tiny-pack');

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

/** Builds with scripts/build.mjs unless dist/renderer is newer than everything it is made from
 * (`npm run test:e2e` has just built it). */
function ensureBuilt(): void {
  const sources = ['renderer', 'electron/common', 'vite.config.ts'].map((p) => newestMtime(path.join(root, p)));
  if (existsSync(rendererIndex) && statSync(rendererIndex).mtimeMs >= Math.max(...sources)) return;
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stderr}`);
}

function packageVersion(file: string): string {
  return (JSON.parse(readFileSync(path.join(root, file), 'utf8')) as { version: string }).version;
}

let host: HostHandle;
let browser: Browser;
let home: string;
const savedEnv = { AIPROD_HOME: process.env.AIPROD_HOME, AIPROD_PACKS_DIRS: process.env.AIPROD_PACKS_DIRS };

beforeAll(async () => {
  ensureBuilt();
  // A library of its own, and the test pack in the search path, so the packs table has a known row.
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-home-'));
  process.env.AIPROD_HOME = home;
  process.env.AIPROD_PACKS_DIRS = tinyPack;
  host = await startHost();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe('the studio', () => {
  it('boots with the token and shows the engine status', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));

    const response = await page.goto(host.url);
    expect(response?.status()).toBe(200);
    // The token was traded for a cookie; it is no longer in the address bar.
    expect(page.url()).toBe(`http://127.0.0.1:${host.port}/`);
    expect(await page.title()).toBe('AIPROD Studio');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('AIPROD Studio');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Studio', 'Models', 'Sovereignty report', 'Settings']);

    const status = page.getByRole('region', { name: 'Engine status' });
    // A value is the definition that follows its term.
    const field = (term: string) => status.getByRole('term').filter({ hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');
    await field('Node').waitFor();
    expect(await field('App version').textContent()).toBe(packageVersion('package.json'));
    expect(await field('Shell').textContent()).toBe(`Headless host ${packageVersion('package.json')}`);
    expect(await field('Node').textContent()).toBe(process.versions.node);
    expect(await field('onnxruntime').textContent()).toBe(packageVersion('node_modules/onnxruntime-node/package.json'));
    expect(await field('Platform').textContent()).toBe(`${process.platform}-${process.arch}`);

    // The execution providers as the engine sees them on this machine.
    const expected = await createEngineServices().executionProviders();
    expect(await status.getByRole('listitem', { name: 'CPU execution provider' }).textContent()).toContain('available');
    const cuda = (await status.getByRole('listitem', { name: 'CUDA execution provider' }).textContent()) ?? '';
    if (expected.cuda.available) {
      expect(cuda).toMatch(/CUDA\s*available/);
    } else {
      expect(cuda).toContain('unavailable');
      expect(cuda).toContain(expected.cuda.reason ?? '(no reason)');
    }

    const ffmpeg = (await field('ffmpeg').textContent()) ?? '';
    expect(ffmpeg).toMatch(/^\/\S*ffmpeg/);

    const manifest = JSON.parse(readFileSync(path.join(tinyPack, 'aiprod-model.json'), 'utf8')) as { id: string; name: string };
    const packRow = status.getByRole('table', { name: 'Model packs' }).getByRole('row').filter({ hasText: manifest.id });
    expect(await packRow.getByRole('cell').allTextContents()).toEqual([manifest.name, manifest.id, 'trained']);

    // app.log arrived over the subscription.
    const log = page.getByRole('region', { name: 'Activity' }).getByRole('list', { name: 'Activity log' });
    await log.getByText(/engine status read/).waitFor();

    // No CSP violation, no script error.
    expect(problems).toEqual([]);
    await context.close();
  });

  it('without the token, the page gets no data', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`http://127.0.0.1:${host.port}/`);
    expect(response?.status()).toBe(403);
    expect(await page.textContent('body')).toContain('Forbidden');
    expect(await page.getByRole('region', { name: 'Engine status' }).count()).toBe(0);
    // Even a script on the host's own origin cannot open the socket without the token.
    const outcome = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onclose = () => resolve('closed');
        }),
      `ws://127.0.0.1:${host.port}/ws`,
    );
    expect(outcome).toBe('closed');
    await context.close();
  });

  it('runs with the network guard on', () => {
    expect(networkGuardStats()).toMatchObject({ installed: true, label: 'host' });
  });
});
