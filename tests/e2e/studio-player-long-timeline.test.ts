import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type HostHandle } from '../../electron/host';
import { newProjectDocument, writeProject, type Shot } from '../../engine/projects';
import { ensureBuilt, launchChromium, screenshot } from './studio-player-fixture';

// A long timeline (150 shots) in Debian's Chromium: the timeline renders only a window of its
// blocks (what keeps reorder and typing fast with 500 shots, npm run bench:ui), and everything a
// person does still reaches every shot: Home and End, Alt+arrows, dragging inside a scrolled
// window, and the preview counts the whole sequence.

const COUNT = 150;
let host: HostHandle;
let browser: Browser;
let home: string;
let work: string;
const savedHome = process.env.AIPROD_HOME;

beforeAll(async () => {
  ensureBuilt();
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-long-home-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-long-'));
  process.env.AIPROD_HOME = home;
  host = await startHost();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  if (savedHome === undefined) delete process.env.AIPROD_HOME;
  else process.env.AIPROD_HOME = savedHome;
  if (home !== undefined) await rm(home, { recursive: true, force: true });
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

type Labelled = { getAttribute(name: string): string | null };
const blocks = (page: Page) => page.getByRole('list', { name: 'Timeline', exact: true }).getByRole('listitem');

/** The names of the rendered blocks, left to right. */
function renderedNames(page: Page): Promise<string[]> {
  return blocks(page).evaluateAll((items) => items.map((item) => ((item as unknown as Labelled).getAttribute('aria-label') ?? '').split(',')[0] ?? ''));
}

/** The name of the block that has the keyboard focus. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: Labelled | null } }).document.activeElement;
    return (active?.getAttribute('aria-label') ?? '').split(',')[0] ?? '';
  });
}

function savedOrder(folder: string): string[] {
  return (JSON.parse(readFileSync(path.join(folder, 'project.aiprod.json'), 'utf8')) as { shots: { name: string }[] }).shots.map((s) => s.name);
}

describe('a long timeline', () => {
  it('renders a window of its blocks, and keyboard, drag and preview still reach every shot', async () => {
    const folder = path.join(work, 'long');
    await mkdir(folder);
    const shots: Shot[] = Array.from({ length: COUNT }, (_, i) => ({
      id: `s${i + 1}`,
      name: `Shot ${i + 1}`,
      prompt: `prompt ${i + 1}`,
      negativePrompt: '',
      seed: i,
      seedLocked: true,
      tier: 'eco',
      model: 'aiprod-nano',
      durationFrames: 16,
      trimIn: 0,
      trimOut: 0,
    }));
    await writeProject(folder, { ...newProjectDocument('Long one', new Date()), shots });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(host.url);
    await page.getByRole('textbox', { name: 'Project folder', exact: true }).fill(folder);
    await page.getByRole('button', { name: 'Open project' }).click();
    await page.getByRole('heading', { name: 'Long one' }).waitFor();
    await blocks(page).first().waitFor();

    // A window, not 150 blocks; the preview and the toolbar still count them all.
    const rendered = await blocks(page).count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    expect(await page.getByText(`${COUNT} shots, 5 min 0.0 s`).count()).toBe(1);
    expect(await page.locator('output[aria-label="Playback position"]').textContent()).toBe(`Frame 1 of ${COUNT * 16} · 0:00.000 / 5:00.000 · Shot 1`);

    // End and Home reach shots far outside the window.
    await blocks(page).first().click();
    await page.keyboard.press('End');
    await expect.poll(() => focusedName(page)).toBe(`Shot ${COUNT}`);
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(async () => (await renderedNames(page)).slice(-3)).toEqual([`Shot ${COUNT - 2}`, `Shot ${COUNT}`, `Shot ${COUNT - 1}`]);
    expect(await focusedName(page)).toBe(`Shot ${COUNT}`);
    await page.keyboard.press('Home');
    await expect.poll(() => focusedName(page)).toBe('Shot 1');
    expect((await renderedNames(page))[0]).toBe('Shot 1');

    // Scrolled to the middle, a block dragged two places right lands there.
    await page.locator('.timeline-scroll').evaluate((el) => {
      const scroller = el as unknown as { scrollLeft: number; scrollWidth: number };
      scroller.scrollLeft = scroller.scrollWidth / 2;
    });
    await expect.poll(async () => (await renderedNames(page)).includes('Shot 75')).toBe(true);
    // Still a window: the blocks around the middle, and Shot 1, which has the focus.
    const window = await renderedNames(page);
    expect(window.length).toBeLessThan(60);
    expect(window[0]).toBe('Shot 1');
    expect(window[1]).not.toBe('Shot 2');
    const from = page.locator('[data-shot-id="s75"]');
    const to = page.locator('[data-shot-id="s77"]');
    await from.scrollIntoViewIfNeeded();
    const a = await from.boundingBox();
    const b = await to.boundingBox();
    if (a === null || b === null) throw new Error('the blocks to drag are not on screen');
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    for (let step = 1; step <= 8; step++) await page.mouse.move(a.x + a.width / 2 + ((b.x + b.width * 0.75 - a.x - a.width / 2) * step) / 8, a.y + a.height / 2);
    await page.mouse.up();
    await expect.poll(async () => {
      const names = await renderedNames(page);
      const at = names.indexOf('Shot 75');
      return names.slice(at - 2, at + 2);
    }).toEqual(['Shot 76', 'Shot 77', 'Shot 75', 'Shot 78']);
    await screenshot(page, 'studio-long-timeline.png');

    // The document holds that order: saved, every shot in place.
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByRole('status', { name: 'Save status' }).textContent()).toMatch(/^Saved at /);
    const order = savedOrder(folder);
    expect(order).toHaveLength(COUNT);
    expect(order.slice(72, 78)).toEqual(['Shot 73', 'Shot 74', 'Shot 76', 'Shot 77', 'Shot 75', 'Shot 78']);
    expect(order.slice(-2)).toEqual([`Shot ${COUNT}`, `Shot ${COUNT - 1}`]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
