import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type HostHandle } from '../../electron/host';
import { newProjectDocument, writeProject, type Project, type Shot } from '../../engine/projects';
import { buildBundles, cliEnv, runCli } from '../integration/cli-helpers';
import { ensureBuilt, launchChromium } from './studio-player-fixture';

// The QA panel in Debian's Chromium through the headless host, with the real engine: two shots
// rendered by `aiprod render` with the shipped AIPROD-Nano pack on the CPU (eco), recorded on the
// shots in project.aiprod.json as the render queue records them. The panel analyses the first shot
// against the second as reference (with its prompt), runs the re-render check (identical frames),
// and its badges follow the thresholds set in Settings; the figures outlive a reload.

let host: HostHandle;
let browser: Browser;
let home: string;
let work: string;
const savedHome = process.env.AIPROD_HOME;

const SHOTS = [
  { id: 'circle', name: 'Red circle', prompt: 'a red circle moving right on a black background', seed: 21 },
  { id: 'square', name: 'Blue square', prompt: 'a blue square moving up on a white background', seed: 22 },
];

/** Renders each shot into <folder>/renders/<shot>/job-<shot>.mp4 and writes the project recording them. */
async function makeProject(folder: string): Promise<Project> {
  const shots: Shot[] = [];
  for (const spec of SHOTS) {
    const output = `renders/${spec.id}/job-${spec.id}.mp4`;
    await mkdir(path.join(folder, 'renders', spec.id), { recursive: true });
    const run = await runCli(
      ['render', '--prompt', spec.prompt, '--tier', 'eco', '--steps', '4', '--frames', '8', '--seed', String(spec.seed), '--device', 'cpu', '--out', path.join(folder, output), '--json'],
      cliEnv(home),
    );
    if (run.status !== 0) throw new Error(`render of ${spec.id} failed: ${run.stderr}`);
    shots.push({
      id: spec.id,
      name: spec.name,
      prompt: spec.prompt,
      negativePrompt: '',
      seed: spec.seed,
      seedLocked: true,
      tier: 'eco',
      steps: 4,
      frames: 8,
      model: 'aiprod-nano',
      durationFrames: 8,
      trimIn: 0,
      trimOut: 0,
      lastRender: { jobId: `job-${spec.id}`, output },
    });
  }
  const project: Project = { ...newProjectDocument('Shapes QA', new Date()), settings: { fps: 8, defaultTier: 'eco', defaultModel: 'aiprod-nano', device: 'cpu' }, shots };
  await writeProject(folder, project);
  return project;
}

beforeAll(async () => {
  ensureBuilt();
  // The QA process (dist/node/qa-worker.js) and the render worker the host starts.
  buildBundles();
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-qa-home-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'aiprod-e2e-qa-'));
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

const panel = (page: Page) => page.getByRole('region', { name: /^Quality/ });
const badge = (page: Page, label: string) => panel(page).getByLabel(new RegExp(`^${label}: `));

async function openShot(page: Page, folder: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Project folder', exact: true }).fill(folder);
  await page.getByRole('button', { name: 'Open project' }).click();
  await page.getByRole('heading', { name: 'Shapes QA' }).waitFor();
  await page.getByRole('list', { name: 'Timeline', exact: true }).getByRole('listitem').nth(0).click();
  await panel(page).getByRole('heading', { name: 'Quality · Red circle' }).waitFor();
}

describe('the QA panel', () => {
  it('analyses the selected shot, runs the re-render check, and follows the thresholds of Settings', async () => {
    const folder = path.join(work, 'shapes');
    await makeProject(folder);
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(host.url);
    await openShot(page, folder);

    // Nothing measured yet.
    expect(await badge(page, 'Overall quality').textContent()).toBe('Incomplete');
    expect(await panel(page).getByText('No re-render check yet').count()).toBe(1);

    // Analyse against the other shot's render, with the shot's prompt.
    await panel(page).getByRole('combobox', { name: 'Reference video' }).selectOption({ label: 'Blue square (last render)' });
    await panel(page).getByRole('button', { name: 'Analyse render' }).click();
    await badge(page, 'Flicker').filter({ hasText: /^(Pass|Fail)$/ }).waitFor({ timeout: 120_000 });
    const figures = panel(page).getByRole('table', { name: 'Quality figures' });
    const row = (name: string) => figures.getByRole('row', { name: new RegExp(`^${name}`) });
    expect(await row('Frames').textContent()).toContain('8 (64×64 @ 8 fps)');
    expect(await row('PSNR vs reference').textContent()).toMatch(/\d+\.\d\d dB≥ 30 dB/);
    // Two different shots are far apart: SSIM is well under the default bar of 0.9.
    expect(await badge(page, 'SSIM vs reference').textContent()).toBe('Fail');
    expect(await badge(page, 'Flicker').textContent()).toBe('Pass');
    expect(await row('Prompt adherence').textContent()).toMatch(/\d+ %/);
    expect(await badge(page, 'Prompt adherence').textContent()).not.toBe('Not measured');
    const stored = path.join(folder, 'renders/circle/job-circle.qa.json');
    expect(JSON.parse(readFileSync(stored, 'utf8')).analysis.report.reference).toBe(path.join(folder, 'renders/square/job-square.mp4'));

    // The re-render check: identical frames on the CPU.
    await panel(page).getByRole('button', { name: 'Run re-render check' }).click();
    await badge(page, 'Re-render check').waitFor({ timeout: 120_000 });
    expect(await badge(page, 'Re-render check').textContent()).toBe('Pass');
    const result = panel(page).getByLabel('Re-render check result');
    expect(await result.textContent()).toContain('identical frames');
    expect(await result.textContent()).toContain('inf / 1.0000');
    expect(JSON.parse(readFileSync(stored, 'utf8')).rerender.status).toBe('passed');
    // SSIM against the other shot fails the default bar, so the whole is a fail.
    expect(await badge(page, 'Overall quality').textContent()).toBe('Fail');

    // Settings: no SSIM bar, a flicker bar of 0 levels. The badges follow at once.
    await page.getByRole('link', { name: 'Settings' }).click();
    const thresholds = page.getByRole('region', { name: 'Quality thresholds' });
    await thresholds.getByRole('spinbutton', { name: 'Minimum SSIM' }).fill('');
    await thresholds.getByRole('spinbutton', { name: 'Maximum flicker (luma levels)' }).fill('0');
    await page.getByRole('link', { name: 'Studio' }).click();
    await panel(page).waitFor();
    expect(await badge(page, 'SSIM vs reference').textContent()).toBe('Off');
    expect(await badge(page, 'Flicker').textContent()).toBe('Fail');

    // Saved with the project; after a reload the stored figures come back from qa.get.
    const projectFile = path.join(folder, 'project.aiprod.json');
    await expect
      .poll(() => (JSON.parse(readFileSync(projectFile, 'utf8')) as Project).settings.qa, { timeout: 15_000 })
      .toEqual({ minSsim: null, minPsnr: 30, maxFlicker: 0, minPromptAdherence: 0.66 });
    await page.getByRole('button', { name: 'Close project' }).click();
    await page.reload();
    await openShot(page, folder);
    await badge(page, 'Re-render check').waitFor();
    expect(await badge(page, 'Re-render check').textContent()).toBe('Pass');
    expect(await badge(page, 'Flicker').textContent()).toBe('Fail');
    expect(existsSync(stored)).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
