// The "Sovereignty report" page in Debian's Chromium, served by the headless host in this process
// with the real engine behind it, and a model pack whose metadata is hostile markup on the pack
// search path. Proves: the sections and the seal are shown; the metadata is shown as text and never
// becomes an element or runs; filters and search work; the live network counts follow the host's
// guard; the exports download as files, the HTML one escaped and readable with the network cut off.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type HostHandle } from '../../electron/host';
import { hasValidContentHash } from '../../engine/sovereignty/build-report';
import { REPORT_SECTIONS, SovereigntyReportSchema, type SovereigntyReport } from '../../engine/sovereignty/report-schema';

const root = path.resolve(import.meta.dirname, '../..');
const rendererIndex = path.join(root, 'dist/renderer/index.html');
const tinyPack = path.join(root, 'tests/fixtures/tiny-pack');

// The payloads, each where a pack author can write anything.
const NAME = '<img src=x onerror=alert(1)>';
const SPDX = '<script>alert("licence")</script>';
const OWNER = '<img src=x onerror=alert(2)>';
const SOURCE = '<script>document.title="pwned"</script>';
const XSS_ID = 'xss-pack';

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

/** A copy of the tiny pack whose name, licence, owner and provenance are markup; checksums kept valid. */
function writeHostilePack(dest: string): void {
  cpSync(tinyPack, dest, { recursive: true });
  const file = path.join(dest, 'aiprod-model.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { license: Record<string, string>; provenance: Record<string, unknown> };
  manifest.id = XSS_ID;
  manifest.name = NAME;
  manifest.license = { ...manifest.license, spdx: SPDX, owner: OWNER };
  manifest.provenance = { ...manifest.provenance, status: 'pending_training', source: SOURCE };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(file, text);
  const sha = createHash('sha256').update(text).digest('hex');
  const sums = path.join(dest, 'CHECKSUMS.sha256');
  writeFileSync(sums, readFileSync(sums, 'utf8').replace(/^[0-9a-f]{64}(  aiprod-model\.json)$/m, `${sha}$1`));
}

let host: HostHandle;
let browser: Browser;
let scratch: string;
const savedEnv = { AIPROD_HOME: process.env.AIPROD_HOME, AIPROD_PACKS_DIRS: process.env.AIPROD_PACKS_DIRS };

beforeAll(async () => {
  ensureBuilt();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-report-'));
  writeHostilePack(path.join(scratch, 'packs', 'xss'));
  process.env.AIPROD_HOME = path.join(scratch, 'home');
  process.env.AIPROD_PACKS_DIRS = [tinyPack, path.join(scratch, 'packs')].join(path.delimiter);
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
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

/** What a page element offers here (the tests are type-checked without the DOM library). */
type El = { getAttribute(name: string): string | null; tagName: string };
interface Watch {
  dialogs: string[];
  problems: string[];
}

function watch(page: Page): Watch {
  const seen: Watch = { dialogs: [], problems: [] };
  page.on('dialog', (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') seen.problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => seen.problems.push(`page: ${error.message}`));
  return seen;
}

/** Elements the payloads would make if they were parsed as markup: any <img>, any inline <script>. */
async function injected(page: Page): Promise<string[]> {
  const images = await page.locator('img').evaluateAll((els) => els.map((el) => `img src=${(el as unknown as El).getAttribute('src') ?? ''}`));
  const scripts = await page.locator('script').evaluateAll((els) => els.filter((el) => (el as unknown as El).getAttribute('src') === null).map(() => 'inline script'));
  return [...images, ...scripts];
}

async function downloadText(download: Download): Promise<string> {
  const file = path.join(scratch, download.suggestedFilename());
  await download.saveAs(file);
  return readFileSync(file, 'utf8');
}

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

describe('the sovereignty report page', () => {
  let context: BrowserContext;
  let page: Page;
  let seen: Watch;
  let report: SovereigntyReport;
  let exportedHtml: string;

  it('opens from the nav and shows the seal and every section in order', async () => {
    context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    seen = watch(page);
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sovereignty report' }).click();
    expect(page.url()).toBe(`http://127.0.0.1:${host.port}/#/report`);
    await region(page, 'Sovereignty score').waitFor();

    const titles = await page.locator('section.report-section > h2').allTextContents();
    expect(titles).toEqual(REPORT_SECTIONS.map((s) => s.title));
    const seal = page.getByRole('definition').filter({ has: page.locator('code') }).first();
    const hash = (await seal.textContent()) ?? '';
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.locator('time').first().getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);

    // Every criterion with its score and why it is not 10.
    const rows = region(page, 'Sovereignty score').getByRole('table', { name: 'Scores by criterion' }).getByRole('row');
    expect(await rows.count()).toBe(6);
    for (const text of (await rows.allTextContents()).slice(1)) expect(text).toMatch(/(\d+\/10|n\/a)(\d+ and not 10 because |10\/10: |Not scored: )/);
  });

  it('shows hostile pack metadata as text: nothing is injected, nothing runs', async () => {
    const models = region(page, 'Models').getByRole('table', { name: 'Model packs' });
    const row = models.getByRole('row').filter({ has: page.getByRole('cell', { name: XSS_ID }) });
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[0]).toBe(NAME);
    expect(cells[3]).toBe(SPDX);
    expect(cells[4]).toBe(OWNER);
    expect(cells[5]).toContain(SOURCE);
    await expect(page.getByText(NAME, { exact: true }).isVisible()).resolves.toBe(true);
    // The owner also reaches the score's justification, as text.
    expect(await region(page, 'Sovereignty score').textContent()).toContain(`${XSS_ID} belongs to ${OWNER}`);

    expect(await injected(page)).toEqual([]);
    expect(await page.title()).toBe('AIPROD Studio');
    expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(seen.dialogs).toEqual([]);
  });

  it('filters model packs and packages, and searches names and licences', async () => {
    const models = region(page, 'Models');
    const modelRows = models.getByRole('table', { name: 'Model packs' }).getByRole('row');
    await models.getByLabel('Show model packs').selectOption('pending');
    expect(await modelRows.count()).toBe(2);
    await expect(modelRows.nth(1).textContent()).resolves.toContain(XSS_ID);
    await models.getByLabel('Show model packs').selectOption('trained');
    expect((await modelRows.allTextContents()).join('\n')).not.toContain(XSS_ID);
    expect((await modelRows.allTextContents()).join('\n')).toContain('tiny-test');
    await models.getByLabel('Show model packs').selectOption('all');

    const deps = region(page, 'Dependencies');
    const depRows = deps.getByRole('table', { name: 'Dependencies' }).getByRole('row');
    const all = await depRows.count();
    await deps.getByLabel('Show packages').selectOption('copyleft');
    const copyleft = (await depRows.allTextContents()).slice(1);
    expect(copyleft.length).toBeGreaterThan(0);
    expect(copyleft.length).toBeLessThan(all - 1);
    for (const text of copyleft) expect(text).toMatch(/copyleft/);
    await deps.getByLabel('Show packages').selectOption('absent');
    const absent = (await depRows.allTextContents()).slice(1);
    expect(absent.length).toBeGreaterThan(0);
    for (const text of absent) expect(text).toContain('absent');
    await deps.getByLabel('Show packages').selectOption('all');

    const search = page.getByRole('searchbox', { name: 'Search names and licences' });
    await search.fill('zod');
    const found = (await depRows.allTextContents()).slice(1);
    expect(found.length).toBeGreaterThan(0);
    for (const text of found) expect(text.toLowerCase()).toContain('zod');
    await search.fill('script');
    expect((await modelRows.allTextContents()).slice(1).map((t) => t.includes(XSS_ID))).toEqual([true]);
    await search.fill('');
    expect(await depRows.count()).toBe(all);
  });

  it('follows the host’s network guard live', async () => {
    const live = page.getByRole('status', { name: 'Live network counts' });
    await expect(live.textContent()).resolves.toBe('Network guard (host): 0 attempts, 0 blocked');
    // A deliberate attempt in the host process: refused, counted, and pushed to the page.
    const refused = await new Promise<NodeJS.ErrnoException>((resolve) => net.connect(80, '10.255.255.1').once('error', resolve));
    expect(refused.code).toBe('NETWORK_BLOCKED');
    await page.getByText('Network guard (host): 1 attempt, 1 blocked', { exact: true }).waitFor();
  });

  it('exports JSON and HTML as downloads: the report on screen, the HTML escaped', async () => {
    const shownHash = (await page.getByRole('definition').filter({ has: page.locator('code') }).first().textContent()) ?? '';
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(jsonDownload.suggestedFilename()).toMatch(/^aiprod-sovereignty-report-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
    report = SovereigntyReportSchema.parse(JSON.parse(await downloadText(jsonDownload)));
    expect(hasValidContentHash(report)).toBe(true);
    expect(report.contentHash).toBe(shownHash);
    expect(report.models.find((m) => m.id === XSS_ID)).toMatchObject({ name: NAME, license: { spdx: SPDX, owner: OWNER } });
    await page.getByText(/^Downloaded aiprod-sovereignty-report-.*\.json/).waitFor();

    const [htmlDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export HTML' }).click()]);
    expect(htmlDownload.suggestedFilename()).toMatch(/\.html$/);
    exportedHtml = await downloadText(htmlDownload);
    for (const payload of [NAME, SPDX, OWNER, SOURCE]) expect(exportedHtml).not.toContain(payload);
    expect(exportedHtml).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(exportedHtml).toContain('&lt;script&gt;alert(&quot;licence&quot;)&lt;/script&gt;');
    expect(exportedHtml).toContain(shownHash);

    expect(seen.dialogs).toEqual([]);
    expect(seen.problems).toEqual([]);
    expect(await injected(page)).toEqual([]);
    await context.close();
  });

  it('opens the exported HTML offline: every section rendered, no request made, nothing injected', async () => {
    const file = path.join(scratch, 'exported-report.html');
    writeFileSync(file, exportedHtml);
    const url = pathToFileURL(file).href;
    const offline = await browser.newContext({ offline: true, javaScriptEnabled: true });
    const requests: string[] = [];
    await offline.route('**/*', (route) => (route.request().url().startsWith('file://') ? route.continue() : route.abort('blockedbyclient')));
    const filePage = await offline.newPage();
    const fileSeen = watch(filePage);
    filePage.on('request', (request) => {
      if (request.url() !== url) requests.push(request.url());
    });
    const response = await filePage.goto(url);
    expect(response?.ok() ?? true).toBe(true);

    expect(await filePage.locator('section > h2').allTextContents()).toEqual(REPORT_SECTIONS.map((s) => s.title));
    expect(await filePage.getByRole('table').count()).toBeGreaterThan(3);
    expect(await filePage.getByText(report.contentHash).count()).toBe(1);
    expect(await filePage.getByRole('cell', { name: `${NAME} (${XSS_ID} ${report.models.find((m) => m.id === XSS_ID)?.version ?? ''})` }).count()).toBe(1);
    expect(await injected(filePage)).toEqual([]);
    expect(requests).toEqual([]);
    expect(fileSeen.dialogs).toEqual([]);
    await offline.close();
  });
});
