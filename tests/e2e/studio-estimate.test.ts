import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userPricingFile } from '../../engine/cost/pricing';
import { startHost, type HostHandle } from '../../electron/host';

// The estimates as a user meets them, in Debian's Chromium through the headless host in this
// process, on the real engine: the shot's estimate in the prompt editor (the tiny fixture pack,
// calibrated on first use in a real worker process), the timeline's total, and the pricing form in
// Settings with the engine's validation.

const root = path.resolve(import.meta.dirname, '../..');
const rendererIndex = path.join(root, 'dist/renderer/index.html');
const TINY_PACK_DIR = path.join(root, 'tests/fixtures/tiny-pack');

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

/** The renderer when stale, and always the node bundles: the calibration runs dist/node/worker.js. */
function ensureBuilt(): void {
  const sources = ['renderer', 'electron/common', 'vite.config.ts'].map((p) => newestMtime(path.join(root, p)));
  const rendererFresh = existsSync(rendererIndex) && statSync(rendererIndex).mtimeMs >= Math.max(...sources);
  const args = [path.join(root, 'scripts/build.mjs'), '--quiet', ...(rendererFresh ? ['--node-only'] : [])];
  const build = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stderr}`);
}

let host: HostHandle;
let browser: Browser;
let home: string;
let work: string;
const saved = { home: process.env.AIPROD_HOME, packs: process.env.AIPROD_PACKS_DIRS };

beforeAll(async () => {
  ensureBuilt();
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-estimate-home-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-estimate-'));
  process.env.AIPROD_HOME = home;
  process.env.AIPROD_PACKS_DIRS = TINY_PACK_DIR;
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
  for (const [key, value] of [['AIPROD_HOME', saved.home], ['AIPROD_PACKS_DIRS', saved.packs]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  if (home !== undefined) await rm(home, { recursive: true, force: true });
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

const shotEstimate = (page: Page) => page.getByRole('region', { name: 'Shot estimate' });
const timelineEstimate = (page: Page) => page.getByRole('region', { name: 'Timeline estimate' });
const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

/** The engine's figure behind a shown value (`<data value>`): the n-th of the region. */
async function dataValue(region: ReturnType<Page['getByRole']>, index: number): Promise<number> {
  const value = await region.locator('data').nth(index).getAttribute('value');
  return Number(value);
}

/** Time and cost of the shot's estimate, once it shows. */
async function shotFigures(page: Page): Promise<{ seconds: number; cost: number; text: string }> {
  const region = shotEstimate(page);
  return { seconds: await dataValue(region, 0), cost: await dataValue(region, 1), text: (await region.textContent()) ?? '' };
}

describe('estimates in the studio', () => {
  it('shows the selected shot’s estimate, calibrating on first use, and follows its settings', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));

    await page.goto(host.url);
    const folder = path.join(work, 'costs');
    await mkdir(folder);
    await page.getByRole('textbox', { name: 'New project folder' }).fill(folder);
    await page.getByRole('textbox', { name: 'Project name' }).fill('What it costs');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'What it costs' }).count()).toBe(1);

    // A shot on the tiny pack: the first estimate starts its calibration in a worker process.
    await page.getByRole('button', { name: 'Add shot', exact: true }).click();
    await page.getByRole('list', { name: 'Timeline', exact: true }).getByRole('listitem').first().click();
    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('tiny-test');
    const steps = page.getByRole('spinbutton', { name: 'Steps', exact: true });
    await steps.fill('1');
    await expect.poll(() => shotEstimate(page).textContent(), { timeout: 30_000 }).toMatch(/Calibrating…/);
    // The worker measured the pack: the estimate is now this machine's, and says nothing more.
    await expect.poll(() => shotEstimate(page).textContent(), { timeout: 120_000 }).not.toMatch(/Calibrating|First guess|Estimating/);
    const one = await shotFigures(page);
    expect(one.text).toMatch(/Time\d+(\.\d)? s/);
    expect(one.text).toMatch(/Cost[\d.e-]+ EUR/);
    expect(one.text).toMatch(/ProviderCPU/);
    expect(one.seconds).toBeGreaterThan(0);
    expect(one.cost).toBeGreaterThan(0);

    // More steps: the estimate is asked again and grows.
    await steps.fill('200');
    await expect.poll(async () => (await shotFigures(page)).seconds, { timeout: 30_000 }).toBeGreaterThan(one.seconds);
    const many = await shotFigures(page);
    expect(many.cost).toBeGreaterThanOrEqual(one.cost);

    // The timeline's total, next to the timeline: one shot, then two.
    const total = timelineEstimate(page);
    await expect.poll(() => total.textContent(), { timeout: 30_000 }).toMatch(/for 1 shot\b/);
    // The total follows the shot's 200 steps (asked again after a pause in the edits).
    await expect.poll(() => dataValue(total, 0), { timeout: 30_000 }).toBeCloseTo(many.seconds, 3);
    const oneShot = await dataValue(total, 0);
    await page.getByRole('button', { name: 'Duplicate', exact: true }).click();
    await expect.poll(() => total.textContent(), { timeout: 30_000 }).toMatch(/for 2 shots/);
    // The second shot finds the pack's sessions open in the worker: it costs less than the first.
    const twoShots = await dataValue(total, 0);
    expect(twoShots).toBeGreaterThan(oneShot);
    expect(twoShots).toBeLessThan(2 * oneShot);
    expect(await total.textContent()).toMatch(/Accuracy/);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('Settings › Pricing: a bad price is refused naming the field, the old one stays; a good one is used', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(host.url);
    await nav(page, 'Settings');
    const price = page.getByRole('spinbutton', { name: 'Electricity price' });
    await expect.poll(() => price.inputValue()).toBe('0.25');

    await price.fill('25');
    await page.getByRole('button', { name: 'Save pricing' }).click();
    const fieldError = page.getByRole('alert');
    await expect.poll(() => fieldError.textContent()).toMatch(/^electricity\.pricePerKWh must be between 0 and 10/);
    expect(await page.getByRole('status').filter({ hasText: 'Not saved' }).count()).toBe(1);
    expect(await page.getByLabel('Pricing in force').textContent()).toContain('0.25 EUR/kWh');
    expect(existsSync(userPricingFile(home))).toBe(false);
    // Another look at Settings shows the pricing in force, not what was refused.
    await page.reload();
    await nav(page, 'Settings');
    await expect.poll(() => page.getByRole('spinbutton', { name: 'Electricity price' }).inputValue()).toBe('0.25');

    await page.getByRole('textbox', { name: 'Currency' }).fill('USD');
    await page.getByRole('spinbutton', { name: 'Electricity price' }).fill('0.4');
    await page.getByRole('button', { name: 'Save pricing' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved' }).count()).toBe(1);
    expect(await page.getByLabel('Pricing in force').textContent()).toContain('0.4 USD/kWh');
    expect(existsSync(userPricingFile(home))).toBe(true);

    // Estimates now charge in the new currency.
    await nav(page, 'Studio');
    const folder = path.join(work, 'priced');
    await mkdir(folder);
    await page.getByRole('textbox', { name: 'New project folder' }).fill(folder);
    await page.getByRole('textbox', { name: 'Project name' }).fill('Priced');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('button', { name: 'Add shot', exact: true }).click();
    await page.getByRole('list', { name: 'Timeline', exact: true }).getByRole('listitem').first().click();
    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('tiny-test');
    await expect.poll(() => shotEstimate(page).textContent(), { timeout: 30_000 }).toMatch(/Cost[\d.e-]+ USD/);
    await context.close();
  });
});
