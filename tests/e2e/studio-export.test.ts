import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type HostHandle } from '../../electron/host';
import { probeMedia } from '../../engine/media';
import { ensureBuilt, launchChromium, makeRenderedProject, openProject, screenshot, SCREENSHOTS } from './studio-player-fixture';

// "Export video" in Debian's Chromium through the headless host, with the real engine and ffmpeg:
// the timeline of real renders (trimmed) and an audio clip becomes one H.264 + AAC MP4 in the
// project's exports/ folder, exactly as long as the timeline; an unrendered shot is refused by
// name; a cancelled export leaves nothing behind.

let host: HostHandle;
let browser: Browser;
let home: string;
let work: string;
const savedHome = process.env.AIPROD_HOME;

beforeAll(async () => {
  ensureBuilt();
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-export-home-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-export-'));
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

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

const exportsOf = (folder: string): string[] => {
  try {
    return readdirSync(path.join(folder, 'exports'));
  } catch {
    return [];
  }
};

describe('export video', () => {
  it('writes the whole timeline to one MP4 as long as the timeline, then refuses unrendered shots by name', async () => {
    const folder = path.join(work, 'harbour');
    // (16 - 3 - 1) + (12 - 0 - 2) + 8 = 30 frames at 8 fps: 3.75 s; a 2 s tone from 1 s.
    await makeRenderedProject(
      folder,
      'Harbour export',
      [
        { id: 'dawn', frames: 16, trimIn: 3, trimOut: 1 },
        { id: 'gulls', frames: 12, trimOut: 2 },
        { id: 'beam', frames: 8 },
      ],
      { audio: [{ file: 'tone.wav', seconds: 2, startSec: 1 }] },
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(host.url);
    await openProject(page, folder, 'Harbour export', 3);
    expect(await page.getByText('3 shots, 3.8 s').count()).toBe(1);

    await page.getByRole('button', { name: 'Export video', exact: true }).click();
    const done = page.getByRole('status').filter({ hasText: /^Exported / });
    await done.waitFor({ timeout: 60_000 });
    await screenshot(page, 'studio-export-done.png');
    const files = exportsOf(folder);
    expect(files).toHaveLength(1);
    const file = path.join(folder, 'exports', files[0] as string);
    expect(files[0]).toMatch(/^Harbour export-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.mp4$/);
    expect(await done.textContent()).toContain(`Exported 3.750 s (30 frames at 8 fps, 64×36, `);
    expect(await done.textContent()).toContain(file);

    // A real probe: H.264 + AAC, 30 frames, the timeline's length within one frame.
    const info = await probeMedia(file);
    expect(info.video).toMatchObject({ codec: 'h264', width: 64, height: 36, fps: 8, frameCount: 30 });
    expect(Math.abs((info.video?.duration ?? 0) - 3.75)).toBeLessThan(1 / 8);
    expect(info.audio?.codec).toBe('aac');
    expect(Math.abs((info.audio?.duration ?? 0) - 3.75)).toBeLessThan(1 / 8);
    expect(Math.abs((info.duration ?? 0) - 3.75)).toBeLessThan(1 / 8);

    // A new shot has no render: the export is refused, naming it, and nothing is written.
    await page.getByRole('button', { name: 'Add shot', exact: true }).click();
    await page.getByText('1 shot is not rendered yet').waitFor();
    await page.getByRole('button', { name: 'Export video', exact: true }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toBe('EXPORT_UNRENDERED A shot has no render yet: Shot 4. Render it before exporting.');
    await screenshot(page, 'studio-export-refused.png');
    expect(exportsOf(folder)).toEqual(files);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows progress while it runs and leaves nothing behind when cancelled', async () => {
    const folder = path.join(work, 'long');
    // One 240-frame clip of noise used by 24 shots: a re-encode long enough to be cancelled midway.
    await makeRenderedProject(
      folder,
      'Long film',
      Array.from({ length: 24 }, (_, i) => ({ id: `take${i}`, frames: 240, picture: 'noise' as const, width: 128, height: 128, ...(i === 0 ? {} : { renderOf: 'take0' }) })),
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(host.url);
    await openProject(page, folder, 'Long film', 24);

    await page.getByRole('button', { name: 'Export video', exact: true }).click();
    const progress = page.getByRole('progressbar', { name: 'Export progress' });
    await progress.waitFor();
    // The first progress event from ffmpeg moves the bar and gives an estimate of the time left.
    await expect.poll(() => page.locator('.export-progress').textContent(), { timeout: 30_000 }).toMatch(/\d+ % · about \d+ (min \d+ )?s left/);
    expect(Number(await progress.evaluate((p) => (p as unknown as { value: number }).value))).toBeGreaterThan(0);
    await page.getByRole('region', { name: 'Export' }).screenshot({ path: path.join(SCREENSHOTS, 'studio-export-progress.png') });
    await page.getByRole('button', { name: 'Cancel export' }).click();
    await page.getByRole('status').filter({ hasText: 'Export cancelled; nothing was written.' }).waitFor({ timeout: 30_000 });
    // Neither the film nor a temporary file of it.
    expect(exportsOf(folder)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
