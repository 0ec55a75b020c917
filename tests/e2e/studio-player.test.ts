import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type HostHandle } from '../../electron/host';
import { ensureBuilt, launchChromium, makeRenderedProject, openProject, screenshot } from './studio-player-fixture';

// The preview player in Debian's Chromium through the headless host: a timeline of real renders
// (and one shot not rendered yet) played back to back from the media route, paused with Space,
// stepped frame by frame with "," and ".", and the selected shot played on its own.

let host: HostHandle;
let browser: Browser;
let home: string;
let work: string;
const savedHome = process.env.AIPROD_HOME;

beforeAll(async () => {
  ensureBuilt();
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-player-home-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-player-'));
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

/** What a <video> offers here (the tests are type-checked without the DOM library). */
type VideoLike = { currentTime: number; paused: boolean; currentSrc: string; readyState: number; videoWidth: number };

const video = (page: Page) => page.getByLabel('Preview video');
const transport = (page: Page, name: string) => page.getByRole('toolbar', { name: 'Playback' }).getByRole('button', { name, exact: true });
const position = (page: Page) => page.locator('output[aria-label="Playback position"]');

function videoState(page: Page): Promise<VideoLike> {
  return video(page).evaluate((v) => {
    const el = v as unknown as VideoLike;
    return { currentTime: el.currentTime, paused: el.paused, currentSrc: el.currentSrc, readyState: el.readyState, videoWidth: el.videoWidth };
  });
}

/** The sequence frame the readout shows (1-based). */
async function shownFrame(page: Page): Promise<number> {
  const text = (await position(page).textContent()) ?? '';
  const match = /^Frame (\d+) of (\d+)/.exec(text);
  if (match === null) throw new Error(`unexpected readout: ${text}`);
  return Number(match[1]);
}

describe('the preview player', () => {
  it('plays the timeline back to back, holds an unrendered shot, pauses with Space and steps frames', async () => {
    const folder = path.join(work, 'harbour');
    // 12 + 8 + 12 = 32 frames at 8 fps: 4 s.
    await makeRenderedProject(folder, 'Harbour preview', [
      { id: 'dawn', frames: 16, trimIn: 2, trimOut: 2 },
      { id: 'gulls', name: 'Gulls', frames: 8, rendered: false },
      { id: 'beam', frames: 16, trimOut: 4 },
    ], { audio: [{ file: 'tone.wav', seconds: 2, startSec: 0.5 }] });

    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    await page.goto(host.url);
    await openProject(page, folder, 'Harbour preview', 3);

    // The first shot's render is loaded from the media route, showing its first kept frame.
    await expect.poll(async () => (await videoState(page)).readyState).toBeGreaterThanOrEqual(1);
    const first = await videoState(page);
    expect(first.currentSrc).toBe(`http://127.0.0.1:${host.port}/media?project=${encodeURIComponent(folder)}&file=${encodeURIComponent('renders/dawn/job-dawn.mp4')}`);
    expect(first.videoWidth).toBe(64);
    // trimIn 2 at 8 fps: the middle of frame 2 is 2.5 / 8 s.
    expect(first.currentTime).toBeCloseTo(2.5 / 8, 3);
    expect(await position(page).textContent()).toBe('Frame 1 of 32 · 0:00.000 / 0:04.000 · Shot 1');

    // Play: the video advances.
    await transport(page, 'Play').click();
    await expect.poll(async () => (await videoState(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(first.currentTime + 0.3);
    expect((await videoState(page)).paused).toBe(false);
    await screenshot(page, 'studio-player-playing.png');

    // Playback goes through the unrendered shot (held for its length, named) to the third shot's
    // render, and the sequence ends on its last frame.
    const held = page.getByRole('status').filter({ hasText: 'Gulls: not rendered yet' });
    await expect.poll(async () => (await held.count()) > 0 || (await shownFrame(page)) > 20, { timeout: 15_000 }).toBe(true);
    await expect.poll(async () => (await videoState(page)).currentSrc, { timeout: 15_000 }).toContain(encodeURIComponent('renders/beam/job-beam.mp4'));
    await expect.poll(() => position(page).textContent(), { timeout: 15_000 }).toMatch(/^Frame 32 of 32 · 0:03\.875 \/ 0:04\.000 · Shot 3$/);
    await expect.poll(() => transport(page, 'Play').count()).toBe(1);
    // Paused inside the unrendered shot, the preview says so and hides the picture.
    await page.getByRole('slider', { name: 'Position' }).fill('15');
    await held.waitFor();
    expect(await position(page).textContent()).toBe('Frame 16 of 32 · 0:01.875 / 0:04.000 · Gulls');
    expect(await video(page).evaluate((v) => (v as unknown as { className: string }).className)).toBe('hidden');
    await screenshot(page, 'studio-player-held.png');

    // Space (focus outside buttons and fields) plays again from the start, and pauses.
    await page.getByRole('heading', { name: 'Preview', exact: true }).click();
    await page.keyboard.press('Space');
    await expect.poll(() => transport(page, 'Pause').count()).toBe(1);
    await expect.poll(async () => (await videoState(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(2.5 / 8 + 0.2);
    await page.keyboard.press('Space');
    await expect.poll(() => transport(page, 'Play').count()).toBe(1);
    await expect.poll(async () => (await videoState(page)).paused).toBe(true);

    // Frame stepping: "." forward, "," back; the video moves by exactly one frame each time.
    await page.getByRole('slider', { name: 'Position' }).fill('3');
    await expect.poll(() => shownFrame(page)).toBe(4);
    await page.getByRole('heading', { name: 'Preview', exact: true }).click();
    const before = await videoState(page);
    expect(before.currentTime).toBeCloseTo((2 + 3 + 0.5) / 8, 3);
    await page.keyboard.press('.');
    await page.keyboard.press('.');
    await expect.poll(() => shownFrame(page)).toBe(6);
    await expect.poll(async () => (await videoState(page)).currentTime).toBeCloseTo(before.currentTime + 2 / 8, 3);
    await page.keyboard.press(',');
    await expect.poll(() => shownFrame(page)).toBe(5);
    await expect.poll(async () => (await videoState(page)).currentTime).toBeCloseTo(before.currentTime + 1 / 8, 3);
    // The buttons do the same.
    await transport(page, 'Next frame').click();
    await expect.poll(() => shownFrame(page)).toBe(6);
    expect(await position(page).textContent()).toBe('Frame 6 of 32 · 0:00.625 / 0:04.000 · Shot 1');
    await screenshot(page, 'studio-player-stepped.png');

    // The selected shot alone: the third shot, 12 frames, from its render's start.
    await page.getByRole('list', { name: 'Timeline', exact: true }).getByRole('listitem').nth(2).click();
    await page.getByRole('button', { name: 'Selected shot' }).click();
    await expect.poll(() => position(page).textContent()).toBe('Frame 1 of 12 · 0:00.000 / 0:01.500 · Shot 3');
    await expect.poll(async () => (await videoState(page)).currentSrc).toContain(encodeURIComponent('renders/beam/job-beam.mp4'));
    await transport(page, 'Play').click();
    await expect.poll(async () => (await videoState(page)).currentTime, { timeout: 10_000 }).toBeGreaterThan(0.3);
    await expect.poll(() => position(page).textContent(), { timeout: 15_000 }).toMatch(/^Frame 12 of 12/);

    expect(problems).toEqual([]);
    await context.close();
  });
});
