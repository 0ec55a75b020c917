import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type HostHandle } from '../../electron/host';

// A project made, edited and reopened in Debian's Chromium, through the headless host in this
// process with the real engine writing the project folder: the editing surface as a user meets it.

const root = path.resolve(import.meta.dirname, '../..');
const rendererIndex = path.join(root, 'dist/renderer/index.html');

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
let work: string;
const savedHome = process.env.AIPROD_HOME;

beforeAll(async () => {
  ensureBuilt();
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-projects-home-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-projects-'));
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
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

const timeline = (page: Page) => page.getByRole('list', { name: 'Timeline', exact: true });
const shots = (page: Page) => timeline(page).getByRole('listitem');
const promptBox = (page: Page) => page.getByRole('textbox', { name: 'Prompt', exact: true });

/** What a page element offers here (the tests are type-checked without the DOM library). */
type Labelled = { getAttribute(name: string): string | null };

/** The accessible names of the shots' list items, left to right. */
function shotLabels(page: Page): Promise<string[]> {
  return shots(page).evaluateAll((items) => items.map((item) => (item as unknown as Labelled).getAttribute('aria-label') ?? ''));
}

/** The names of the shots, left to right, as the timeline's list items announce them. */
async function shotNames(page: Page): Promise<string[]> {
  return (await shotLabels(page)).map((label) => label.split(',')[0] ?? '');
}

/** The prompt of each shot, left to right, read back through the editor. */
async function promptsInOrder(page: Page): Promise<string[]> {
  const prompts: string[] = [];
  const count = await shots(page).count();
  for (let i = 0; i < count; i++) {
    await shots(page).nth(i).click();
    prompts.push(await promptBox(page).inputValue());
  }
  return prompts;
}

describe('a project in the studio', () => {
  it('is created, edited with the keyboard, undone, saved, and reopened from the recent list', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));

    await page.goto(host.url);
    const folder = path.join(work, 'harbour');
    await mkdir(folder);
    await page.getByRole('textbox', { name: 'New project folder' }).fill(folder);
    await page.getByRole('textbox', { name: 'Project name' }).fill('Harbour at dawn');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Harbour at dawn' }).count()).toBe(1);
    expect(await shots(page).count()).toBe(0);

    // Three shots, a prompt each (the second typed key by key, as a person would).
    const addShot = page.getByRole('button', { name: 'Add shot', exact: true });
    for (let i = 0; i < 3; i++) await addShot.click();
    expect(await shots(page).count()).toBe(3);
    expect(await shotNames(page)).toEqual(['Shot 1', 'Shot 2', 'Shot 3']);
    const prompts = ['mist over the harbour water', 'gulls circling a mast', 'a lighthouse beam in fog'];
    for (const [i, prompt] of prompts.entries()) {
      await shots(page).nth(i).click();
      if (i === 1) await promptBox(page).pressSequentially(prompt);
      else await promptBox(page).fill(prompt);
    }
    expect(await promptsInOrder(page)).toEqual(prompts);

    // Reorder with the keyboard: the third shot one place left.
    await shots(page).nth(2).click();
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(() => shotNames(page)).toEqual(['Shot 1', 'Shot 3', 'Shot 2']);
    // The moved block keeps the focus: a second press moves it again.
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(() => shotNames(page)).toEqual(['Shot 3', 'Shot 1', 'Shot 2']);
    await page.keyboard.press('Alt+ArrowRight');
    await expect.poll(() => shotNames(page)).toEqual(['Shot 1', 'Shot 3', 'Shot 2']);

    // Delete one with the Delete key, then bring it back with Ctrl+Z.
    await shots(page).nth(2).click();
    await page.keyboard.press('Delete');
    await expect.poll(() => shotNames(page)).toEqual(['Shot 1', 'Shot 3']);
    await page.keyboard.press('Control+z');
    await expect.poll(() => shotNames(page)).toEqual(['Shot 1', 'Shot 3', 'Shot 2']);
    // The typed prompt came back whole: typing is undone in one step, not key by key.
    expect(await promptsInOrder(page)).toEqual([prompts[0], prompts[2], prompts[1]]);

    // Ctrl+S saves; the indicator says so, and the file on disk holds the timeline.
    await shots(page).nth(0).click();
    await page.keyboard.press('Control+s');
    const status = page.getByRole('status', { name: 'Save status' });
    await expect.poll(() => status.textContent()).toMatch(/^Saved at /);
    const file = JSON.parse(readFileSync(path.join(folder, 'project.aiprod.json'), 'utf8')) as { name: string; shots: { name: string; prompt: string }[] };
    expect(file.name).toBe('Harbour at dawn');
    expect(file.shots.map((s) => [s.name, s.prompt])).toEqual([
      ['Shot 1', prompts[0]],
      ['Shot 3', prompts[2]],
      ['Shot 2', prompts[1]],
    ]);

    // A reload starts on the start screen; the project is in the recent list and reopens as it was.
    await page.reload();
    const recent = page.getByRole('list', { name: 'Recent projects' });
    await recent.getByRole('button', { name: 'Open Harbour at dawn' }).click();
    await expect.poll(() => shots(page).count()).toBe(3);
    expect(await shotNames(page)).toEqual(['Shot 1', 'Shot 3', 'Shot 2']);
    expect(await promptsInOrder(page)).toEqual([prompts[0], prompts[2], prompts[1]]);
    expect(await timeline(page).getByRole('listitem').first().getAttribute('aria-label')).toMatch(/^Shot 1, 2\.0 s/);

    expect(problems).toEqual([]);
    await context.close();
  });
});

/** A real 16-bit mono PCM WAV: `seconds` of silence at 8 kHz. */
function silentWav(seconds: number): Buffer {
  const rate = 8000;
  const data = Buffer.alloc(Math.round(rate * seconds) * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('the editing surface', () => {
  it('refuses a bad folder with one clear message, places audio, and applies project settings to new shots', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    await page.goto(host.url);

    // A folder that does not exist: one alert naming it, and still no project.
    const missing = path.join(work, 'no-such-folder');
    await page.getByRole('textbox', { name: 'Project folder', exact: true }).fill(missing);
    await page.getByRole('button', { name: 'Open project' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe(`PROJECT_FOLDER_MISSING The folder ${missing} does not exist`);
    // The headless host has no native dialog, so no button offers one.
    expect(await page.getByRole('button', { name: /^Choose/ }).count()).toBe(0);

    const folder = path.join(work, 'surface');
    await mkdir(folder);
    await page.getByRole('textbox', { name: 'New project folder' }).fill(folder);
    await page.getByRole('textbox', { name: 'Project name' }).fill('Surface');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Surface' }).count()).toBe(1);

    // Audio: a WAV by its path, copied into the project and placed on the audio track.
    const wav = path.join(work, 'theme.wav');
    await writeFile(wav, silentWav(2.5));
    await page.getByRole('textbox', { name: 'Audio file' }).fill(wav);
    await page.getByRole('button', { name: 'Add audio' }).click();
    const clips = page.getByRole('list', { name: 'Audio track' }).getByRole('listitem');
    await expect.poll(() => clips.count()).toBe(1);
    expect(await clips.first().getAttribute('aria-label')).toBe('theme.wav, from 0.00 s, 2.5 s long');
    expect(readFileSync(path.join(folder, 'audio/theme.wav'))).toEqual(readFileSync(wav));
    // Moved with the keyboard, then taken back with Ctrl+Z.
    await clips.first().focus();
    await page.keyboard.press('Alt+ArrowRight');
    await expect.poll(() => clips.first().getAttribute('aria-label')).toBe('theme.wav, from 0.50 s, 2.5 s long');
    await page.keyboard.press('Control+z');
    await expect.poll(() => clips.first().getAttribute('aria-label')).toBe('theme.wav, from 0.00 s, 2.5 s long');

    // Settings: a new default tier, then a new shot starts with it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('combobox', { name: 'Default tier' }).selectOption('eco');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Studio' }).click();
    await page.getByRole('button', { name: 'Add shot', exact: true }).click();
    expect(await page.getByRole('combobox', { name: 'Tier', exact: true }).inputValue()).toBe('eco');
    await page.getByRole('combobox', { name: 'Tier', exact: true }).selectOption('premium');

    // The autosave writes it all without being asked.
    await expect.poll(() => page.getByRole('status', { name: 'Save status' }).textContent(), { timeout: 15_000 }).toMatch(/^Autosaved at /);
    const saved = JSON.parse(readFileSync(path.join(folder, 'project.aiprod.json'), 'utf8')) as { settings: { defaultTier: string }; shots: { tier: string }[]; audio: { file: string; startSec: number }[] };
    expect(saved.settings.defaultTier).toBe('eco');
    expect(saved.shots.map((s) => s.tier)).toEqual(['premium']);
    expect(saved.audio).toEqual([expect.objectContaining({ file: 'audio/theme.wav', startSec: 0 })]);

    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the timeline with a pointer', () => {
  it('reorders shots by dragging, selects with Shift and Ctrl, and trims by dragging an edge', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(host.url);
    const folder = path.join(work, 'pointer');
    await mkdir(folder);
    await page.getByRole('textbox', { name: 'New project folder' }).fill(folder);
    await page.getByRole('textbox', { name: 'Project name' }).fill('Pointer');
    await page.getByRole('button', { name: 'Create project' }).click();
    const addShot = page.getByRole('button', { name: 'Add shot', exact: true });
    await addShot.waitFor();
    for (let i = 0; i < 4; i++) await addShot.click();
    expect(await shotNames(page)).toEqual(['Shot 1', 'Shot 2', 'Shot 3', 'Shot 4']);

    // Drag Shot 1 past Shot 3.
    const first = await shots(page).nth(0).boundingBox();
    const third = await shots(page).nth(2).boundingBox();
    if (first === null || third === null) throw new Error('the blocks have no box');
    await page.mouse.move(first.x + first.width / 2, first.y + first.height / 2);
    await page.mouse.down();
    await page.mouse.move(first.x + first.width / 2 + 20, first.y + first.height / 2, { steps: 4 });
    await page.mouse.move(third.x + third.width * 0.75, third.y + third.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => shotNames(page)).toEqual(['Shot 2', 'Shot 3', 'Shot 1', 'Shot 4']);

    // Shift+click selects a range, Ctrl+click takes one out of it.
    await shots(page).nth(0).click();
    await shots(page).nth(2).click({ modifiers: ['Shift'] });
    await shots(page).nth(1).click({ modifiers: ['Control'] });
    const selected = async () => (await shotLabels(page)).filter((l) => l.endsWith(', selected')).map((l) => l.split(',')[0]);
    expect(await selected()).toEqual(['Shot 2', 'Shot 1']);

    // Drag the right edge of one selected block left by one second: 8 frames trimmed at 8 fps.
    await shots(page).nth(3).click();
    const box = await shots(page).nth(3).boundingBox();
    if (box === null) throw new Error('the block has no box');
    const pxPerSecond = box.width / 2; // a new shot is 16 frames: 2 s at 8 fps
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 2 - pxPerSecond, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => page.getByRole('spinbutton', { name: 'Trim out' }).inputValue()).toBe('8');
    expect(await shots(page).nth(3).getAttribute('aria-label')).toBe('Shot 4, 1.0 s, selected');
    // The whole drag is one undo step.
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByRole('spinbutton', { name: 'Trim out' }).inputValue()).toBe('0');
    await context.close();
  });
});
