import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type HostHandle } from '../../electron/host';
import { flipByte, tinyPack } from '../unit/engine/models/fixtures/packs';

// The Models page in Debian's Chromium, served by the headless host in this process with the real
// model library behind it: a pack's files dropped on the window (a real drop event carrying a
// DataTransfer of Files, as a drag from the desktop gives), uploaded to the host, imported with
// progress, listed as verified, verified again, and removed after a confirmation.

const root = path.resolve(import.meta.dirname, '../..');
const rendererIndex = path.join(root, 'dist/renderer/index.html');
const PACK_ID = 'tiny-e2e';
const PACK_NAME = 'AIPROD Tiny (test fixture)';

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

/** Builds with scripts/build.mjs unless dist/renderer is newer than everything it is made from. */
function ensureBuilt(): void {
  const sources = ['renderer', 'electron/common', 'vite.config.ts'].map((p) => newestMtime(path.join(root, p)));
  if (existsSync(rendererIndex) && statSync(rendererIndex).mtimeMs >= Math.max(...sources)) return;
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stderr}`);
}

let host: HostHandle;
let browser: Browser;
let home: string;
const savedHome = process.env.AIPROD_HOME;

beforeAll(async () => {
  ensureBuilt();
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-models-'));
  process.env.AIPROD_HOME = home;
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
  if (savedHome === undefined) delete process.env.AIPROD_HOME;
  else process.env.AIPROD_HOME = savedHome;
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

/** What the page script below reaches (the tests are type-checked without the DOM library). */
interface PageGlobals {
  document: { body: unknown; querySelector(selector: string): unknown; querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> };
  DataTransfer: new () => { items: { add(file: unknown): unknown } };
  File: new (parts: unknown[], name: string) => unknown;
  DragEvent: new (type: string, init: Record<string, unknown>) => unknown;
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, boolean>): void };
  Uint8Array: typeof Uint8Array;
  atob(data: string): string;
  seenPhases?: string[];
}

/** Drops `files` on the window: dragenter shows the drop zone, then dragover and drop on it. */
async function dropFiles(page: Page, files: Map<string, Uint8Array>): Promise<void> {
  const payload = [...files].map(([name, bytes]) => ({ name, base64: Buffer.from(bytes).toString('base64') }));
  await page.evaluate((list) => {
    const w = globalThis as unknown as PageGlobals & { dataTransfer?: unknown };
    const data = new w.DataTransfer();
    for (const { name, base64 } of list) {
      const binary = w.atob(base64);
      const bytes = new w.Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      data.items.add(new w.File([bytes], name));
    }
    w.dataTransfer = data;
    const body = w.document.body as { dispatchEvent(event: unknown): boolean };
    body.dispatchEvent(new w.DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: data }));
  }, payload);
  const zone = page.getByRole('region', { name: 'Drop model packs to import' });
  await zone.waitFor();
  await zone.evaluate((element) => {
    const w = globalThis as unknown as PageGlobals & { dataTransfer: unknown };
    const target = element as unknown as { dispatchEvent(event: unknown): boolean };
    target.dispatchEvent(new w.DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: w.dataTransfer }));
    target.dispatchEvent(new w.DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: w.dataTransfer }));
  });
  await zone.waitFor({ state: 'detached' });
}

describe('the Models page', () => {
  it('imports a dropped pack with progress, verifies it, and removes it after a confirmation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));

    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    await page.getByRole('heading', { name: 'Model packs' }).waitFor();
    const table = page.getByRole('table', { name: 'Model packs in the library' });
    // The shipped pack is listed, read-only: it offers Verify but no Remove.
    const shippedRow = table.getByRole('row', { name: 'AIPROD-Nano' });
    await shippedRow.waitFor();
    expect(await shippedRow.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    expect(await shippedRow.getByRole('cell').nth(5).textContent()).toBe('shipped (read-only)');

    // Record every state the import's badge shows, from the first render on.
    await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      w.seenPhases = [];
      new w.MutationObserver(() => {
        for (const badge of Array.from(w.document.querySelectorAll('.model-op .badge'))) {
          const text = badge.textContent ?? '';
          if (w.seenPhases!.at(-1) !== text) w.seenPhases!.push(text);
        }
      }).observe(w.document.body, { childList: true, subtree: true, characterData: true });
    });

    // Drop the tiny pack's files from another page (the Studio page): the whole window is the zone.
    await page.getByRole('link', { name: 'Studio' }).click();
    await dropFiles(page, tinyPack(PACK_ID));
    // The drop opens the Models page, where the import shows and finishes.
    await page.getByRole('heading', { name: 'Model packs' }).waitFor();
    const operation = page.getByRole('list', { name: 'Imports and verifications' }).getByRole('listitem').first();
    await operation.getByText('done', { exact: true }).waitFor();
    expect(await operation.getByRole('progressbar').getAttribute('value')).toBe('100');
    expect(await operation.textContent()).toContain(`Imported ${PACK_ID}: 9/9 files`);
    const phases = await page.evaluate(() => (globalThis as unknown as PageGlobals).seenPhases ?? []);
    expect(phases.at(-1)).toBe('done');
    expect(phases.some((p) => ['starting', 'uploading', 'copying and hashing'].includes(p))).toBe(true);

    const row = table.getByRole('row', { name: PACK_NAME });
    await row.getByLabel('Status: verified').waitFor();
    expect(await row.getByRole('cell').nth(2).textContent()).toContain('Apache-2.0');
    expect(await row.getByRole('cell').nth(4).textContent()).toMatch(/^trained · /);
    const folder = path.join(home, 'models', PACK_ID);
    expect((await readdir(folder)).sort()).toEqual([...tinyPack(PACK_ID).keys()].sort());

    // Verify finds a changed byte, names the file, and passes again once it is restored.
    const file = path.join(folder, 'denoiser.onnx');
    const original = await readFile(file);
    await writeFile(file, flipByte(Buffer.from(original), -4));
    await row.getByRole('button', { name: `Verify ${PACK_NAME}` }).click();
    await row.getByLabel('Status: modified').waitFor();
    expect(await row.textContent()).toContain('file "denoiser.onnx" was modified (SHA-256 differs from the registered one)');
    await writeFile(file, original);
    const later = new Date(Date.now() + 10_000);
    await utimes(file, later, later);
    await row.getByRole('button', { name: `Verify ${PACK_NAME}` }).click();
    await row.getByLabel('Status: verified').waitFor();
    await row.getByText('all files match their hashes').waitFor();

    // Remove asks first; Cancel keeps the pack, Remove in the dialog takes it away.
    await row.getByRole('button', { name: `Remove ${PACK_NAME}` }).click();
    const dialog = page.getByRole('alertdialog', { name: `Remove ${PACK_NAME}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(folder);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(existsSync(folder)).toBe(true);
    await row.getByRole('button', { name: `Remove ${PACK_NAME}` }).click();
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached' });
    expect(existsSync(folder)).toBe(false);
    expect(await readdir(path.join(home, 'models', '.staging'))).toEqual([]);
    await shippedRow.waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });
});
