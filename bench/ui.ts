// npm run bench:ui — how the studio's editing surface responds with a long timeline.
//
// The studio runs in Debian's Chromium (headless) through the headless host, as the e2e tests run
// it. Two projects are written directly as project.aiprod.json: 500 shots, and the anchor, 10
// shots; each is opened in the studio and measured the same way, in the page, with performance
// marks:
// 1. Reorder: Alt+Right (then Alt+Left, alternating) on a selected shot in the middle of the timeline.
// 2. Keystroke: one character typed into the Prompt box of the shot in focus.
//    For both, from the input event (the keydown's timestamp) to the next frame: a
//    requestAnimationFrame callback registered when the key arrives runs after React's commit (the
//    commit is checked there: the shot has moved, the character is in the box), and a message
//    posted from that callback arrives once the frame has been painted. "to paint" is the figure.
// 3. Scrolling: the timeline scrolled programmatically (scrollLeft += STEP px per frame) for
//    SCROLL_FRAMES frames; the frame times are the intervals between requestAnimationFrame callbacks.
// Prints the median and 95th percentile of each, the 500-shot figures against the 10-shot anchor
// (ratio), and whether the median meets the 16 ms target.
// Usage: tsx bench/ui.ts [--shots N] [--anchor N] [--trials N] [--scroll-frames N] [--renderer-dir DIR]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHost, type HostHandle } from '../electron/host';
import { newProjectDocument, writeProject, type Project, type Shot } from '../engine/projects';
import { projectRoot } from '../engine/system/paths';

const { values } = parseArgs({
  options: {
    shots: { type: 'string', default: '500' },
    anchor: { type: 'string', default: '10' },
    trials: { type: 'string', default: '50' },
    'scroll-frames': { type: 'string', default: '120' },
    /** A built renderer to measure instead of dist/renderer (to compare two builds). */
    'renderer-dir': { type: 'string' },
  },
});

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number >= 1, got ${raw}`);
  return n;
}

const SHOTS = positiveInt('shots', values.shots);
const ANCHOR = positiveInt('anchor', values.anchor);
const TRIALS = positiveInt('trials', values.trials);
const SCROLL_FRAMES = positiveInt('scroll-frames', values['scroll-frames']);
const SCROLL_STEP = 40;
const TARGET_MS = 16;
const root = projectRoot();

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

function ensureBuilt(): void {
  const index = path.join(root, 'dist/renderer/index.html');
  const sources = ['renderer', 'electron/common', 'vite.config.ts'].map((p) => newestMtime(path.join(root, p)));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources)) return;
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stderr}`);
}

const PROMPTS = ['mist over the harbour water', 'gulls circling a mast', 'a lighthouse beam in fog', 'waves on the breakwater at dusk', 'a fishing boat leaving at dawn'];

/** A project of `count` shots with prompts and varied lengths and trims, written as the studio writes it. */
async function writeTimeline(folder: string, name: string, count: number): Promise<void> {
  await mkdir(folder, { recursive: true });
  const shots: Shot[] = Array.from({ length: count }, (_, i) => ({
    id: `shot-${i}`,
    name: `Shot ${i + 1}`,
    prompt: `${PROMPTS[i % PROMPTS.length]} (${i + 1})`,
    negativePrompt: '',
    seed: i,
    seedLocked: true,
    tier: 'eco',
    model: 'aiprod-nano',
    durationFrames: 12 + (i % 5) * 4,
    trimIn: i % 3,
    trimOut: i % 2,
  }));
  const project: Project = { ...newProjectDocument(name, new Date()), shots };
  await writeProject(folder, project);
}

// What the in-page code uses of the browser (this file is type-checked without the DOM library).
interface PageElement {
  scrollLeft: number;
  value?: string;
  previousElementSibling: PageElement | null;
  getAttribute(name: string): string | null;
}
interface Probe {
  label: string;
  check: () => boolean;
}
interface BenchState {
  armed: Probe | null;
  results: { frame: number; paint: number; committed: boolean }[];
  trial: number;
}
interface PageGlobals {
  __bench: BenchState;
  addEventListener(type: 'keydown', listener: (event: { timeStamp: number; key: string }) => void, options: { capture: boolean }): void;
  requestAnimationFrame(callback: (now: number) => void): number;
  performance: { now(): number; mark(name: string, options?: { startTime: number }): void; measure(name: string, start: string, end: string): { duration: number } };
  MessageChannel: new () => { port1: { onmessage: (() => void) | null }; port2: { postMessage(message: unknown): void } };
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement>; activeElement: PageElement | null };
}

/** Installs the in-page probes: input -> rAF (after commit) -> posted message (after paint). */
async function installProbes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    g.__bench = { armed: null, results: [], trial: 0 };
    g.addEventListener(
      'keydown',
      (event) => {
        const probe = g.__bench.armed;
        // Alt+Right arrives as two key downs: the action is the arrow's, not the modifier's.
        if (probe === null || ['Alt', 'Control', 'Shift', 'Meta'].includes(event.key)) return;
        g.__bench.armed = null;
        const trial = ++g.__bench.trial;
        const start = event.timeStamp;
        g.performance.mark(`${probe.label}-input-${trial}`, { startTime: start });
        g.requestAnimationFrame(() => {
          const frame = g.performance.now();
          const committed = probe.check();
          const channel = new g.MessageChannel();
          channel.port1.onmessage = () => {
            g.performance.mark(`${probe.label}-paint-${trial}`);
            const measure = g.performance.measure(`${probe.label}-${trial}`, `${probe.label}-input-${trial}`, `${probe.label}-paint-${trial}`);
            g.__bench.results.push({ frame: frame - start, paint: measure.duration, committed });
          };
          channel.port2.postMessage(0);
        });
      },
      { capture: true },
    );
  });
}

interface Stats {
  median: number;
  p95: number;
  max: number;
}

function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 0 ? ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2 : (sorted[Math.floor(mid)] ?? NaN);
  return { median, p95: at(0.95), max: sorted[sorted.length - 1] ?? NaN };
}

/** Runs `trials` key presses, each probed; answers the input->paint and input->frame times. */
async function measureKeys(page: Page, trials: number, arm: (trial: number) => Promise<void>, press: (trial: number) => Promise<void>): Promise<{ paint: Stats; frame: Stats; uncommitted: number }> {
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).__bench.results = [];
  });
  for (let trial = 0; trial < trials; trial++) {
    await arm(trial);
    await press(trial);
    await page.waitForFunction((n) => (globalThis as unknown as PageGlobals).__bench.results.length >= n, trial + 1, { timeout: 10_000 });
    // Let the page settle between trials, as between a person's key presses.
    await page.waitForTimeout(40);
  }
  const results = await page.evaluate(() => (globalThis as unknown as PageGlobals).__bench.results);
  return { paint: stats(results.map((r) => r.paint)), frame: stats(results.map((r) => r.frame)), uncommitted: results.filter((r) => !r.committed).length };
}

interface RunFigures {
  shots: number;
  reorder: { paint: Stats; frame: Stats; uncommitted: number };
  keystroke: { paint: Stats; frame: Stats; uncommitted: number };
  scroll: { frame: Stats; over16: number; frames: number; scrolledPx: number };
}

async function measureProject(browser: Browser, host: HostHandle, folder: string, name: string, shots: number): Promise<RunFigures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // tsx compiles this file with esbuild's keepNames, which wraps named functions in __name(...);
  // the functions handed to page.evaluate run in the page, where that helper must exist too.
  await context.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(host.url);
  await page.getByRole('textbox', { name: 'Project folder', exact: true }).fill(folder);
  await page.getByRole('button', { name: 'Open project' }).click();
  await page.getByRole('heading', { name }).waitFor();
  // A long timeline renders a window of its blocks: wait for the first one.
  await page.getByRole('list', { name: 'Timeline', exact: true }).getByRole('listitem').first().waitFor();
  await installProbes(page);

  // 1. Reorder: a shot in the middle of the timeline (scrolled to), selected and focused, moved
  //    right then left.
  await page.locator('.timeline-scroll').evaluate((el) => {
    const scroller = el as unknown as { scrollLeft: number; scrollWidth: number; clientWidth: number };
    scroller.scrollLeft = (scroller.scrollWidth - scroller.clientWidth) / 2;
  });
  const middle = await page.evaluate(
    (count) =>
      new Promise<number>((resolve) => {
        const g = globalThis as unknown as PageGlobals;
        // Two frames: the scroll lands and the timeline renders the blocks around it.
        g.requestAnimationFrame(() =>
          g.requestAnimationFrame(() => {
            const blocks = Array.from(g.document.querySelectorAll('ol.shots > li'));
            const ids = blocks.map((b) => Number((b.getAttribute('data-shot-id') ?? '').replace('shot-', '')));
            resolve(ids[Math.floor(ids.length / 2)] ?? Math.floor(count / 2));
          }),
        );
      }),
    shots,
  );
  const target = `shot-${middle}`;
  await page.locator(`[data-shot-id="${target}"]`).click();
  const reorder = await measureKeys(
    page,
    TRIALS,
    async (trial) => {
      // After a right move the shot follows shot middle + 1; after the left move back, shot middle - 1.
      const before = `shot-${trial % 2 === 0 ? middle + 1 : middle - 1}`;
      await page.evaluate(
        ({ id, previous }) => {
          const g = globalThis as unknown as PageGlobals;
          g.__bench.armed = { label: 'reorder', check: () => g.document.querySelector(`ol.shots > li[data-shot-id="${id}"]`)?.previousElementSibling?.getAttribute('data-shot-id') === previous };
        },
        { id: target, previous: before },
      );
    },
    (trial) => page.keyboard.press(trial % 2 === 0 ? 'Alt+ArrowRight' : 'Alt+ArrowLeft'),
  );

  // 2. Keystroke: one character into the Prompt box of the shot in focus.
  const promptBox = page.getByRole('textbox', { name: 'Prompt', exact: true });
  await promptBox.click();
  await page.keyboard.press('End');
  const keystroke = await measureKeys(
    page,
    TRIALS,
    async () => {
      const before = await promptBox.inputValue();
      await page.evaluate((length) => {
        const g = globalThis as unknown as PageGlobals;
        g.__bench.armed = { label: 'keystroke', check: () => g.document.activeElement?.value?.length === length + 1 };
      }, before.length);
    },
    (trial) => page.keyboard.press(String.fromCharCode(97 + (trial % 26))),
  );

  // 3. Scrolling the timeline, one step per frame.
  await page.locator('.timeline-scroll').scrollIntoViewIfNeeded();
  const scroll = await page.evaluate(
    ({ frames, step }) =>
      new Promise<{ deltas: number[]; scrolledPx: number }>((resolve, reject) => {
        const g = globalThis as unknown as PageGlobals;
        const el = g.document.querySelector('.timeline-scroll');
        if (el === null) return reject(new Error('no .timeline-scroll in the page'));
        el.scrollLeft = 0;
        const deltas: number[] = [];
        let last = -1;
        let n = 0;
        const tick = (now: number): void => {
          if (last >= 0) deltas.push(now - last);
          last = now;
          if (++n > frames) {
            resolve({ deltas, scrolledPx: el.scrollLeft });
            return;
          }
          el.scrollLeft += step;
          g.requestAnimationFrame(tick);
        };
        g.requestAnimationFrame(tick);
      }),
    { frames: SCROLL_FRAMES, step: SCROLL_STEP },
  );
  await context.close();
  if (errors.length > 0) throw new Error(`the page failed while measuring ${shots} shots: ${errors.join('; ')}`);
  return {
    shots,
    reorder,
    keystroke,
    scroll: { frame: stats(scroll.deltas), over16: scroll.deltas.filter((d) => d > 1000 / 60 + 1).length, frames: scroll.deltas.length, scrolledPx: scroll.scrolledPx },
  };
}

const ms = (v: number): string => `${v.toFixed(1)} ms`;

function printRow(label: string, big: Stats, anchor: Stats, verdict: string): void {
  const ratio = big.median / anchor.median;
  console.log(
    `${label.padEnd(28)} ${SHOTS} shots: median ${ms(big.median).padStart(9)}, p95 ${ms(big.p95).padStart(9)}, max ${ms(big.max).padStart(9)} | ${ANCHOR} shots: median ${ms(anchor.median).padStart(9)}, p95 ${ms(anchor.p95).padStart(9)} | ratio ${ratio.toFixed(2)}x | ${verdict}`,
  );
}

const inputVerdict = (s: Stats): string => `${s.median < TARGET_MS ? 'meets' : 'MISSES'} the ${TARGET_MS} ms target`;

async function main(): Promise<void> {
  const rendererDir = values['renderer-dir'];
  if (rendererDir === undefined) ensureBuilt();
  const home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-bench-ui-home-'));
  const work = await mkdtemp(path.join(os.tmpdir(), 'aiprod-bench-ui-'));
  process.env.AIPROD_HOME = home;
  let host: HostHandle | undefined;
  let browser: Browser | undefined;
  try {
    await writeTimeline(path.join(work, 'anchor'), 'Anchor timeline', ANCHOR);
    await writeTimeline(path.join(work, 'long'), 'Long timeline', SHOTS);
    host = await startHost(rendererDir === undefined ? {} : { rendererDir: path.resolve(rendererDir) });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    console.log(`bench:ui — Chromium ${browser.version()} headless, ${os.cpus().length} CPU cores, load ${os.loadavg()[0]?.toFixed(2)}; ${TRIALS} trials per action, ${SCROLL_FRAMES} scroll frames`);
    const anchor = await measureProject(browser, host, path.join(work, 'anchor'), 'Anchor timeline', ANCHOR);
    const long = await measureProject(browser, host, path.join(work, 'long'), 'Long timeline', SHOTS);
    printRow('reorder (Alt+Right), paint', long.reorder.paint, anchor.reorder.paint, inputVerdict(long.reorder.paint));
    printRow('reorder, to rAF', long.reorder.frame, anchor.reorder.frame, inputVerdict(long.reorder.frame));
    printRow('keystroke in Prompt, paint', long.keystroke.paint, anchor.keystroke.paint, inputVerdict(long.keystroke.paint));
    printRow('keystroke, to rAF', long.keystroke.frame, anchor.keystroke.frame, inputVerdict(long.keystroke.frame));
    // A frame at 60 Hz lasts 16.7 ms whatever the work: smooth scrolling is no frame longer than that.
    const dropped = (run: RunFigures) => `${run.scroll.over16}/${run.scroll.frames}`;
    const smooth = long.scroll.over16 <= long.scroll.frames * 0.05;
    printRow(
      'scroll frame time',
      long.scroll.frame,
      anchor.scroll.frame,
      `${smooth ? 'smooth' : 'NOT smooth'}: ${dropped(long)} frames over 16.7 ms with ${SHOTS} shots (${long.scroll.scrolledPx} px scrolled), ${dropped(anchor)} with ${ANCHOR} (${anchor.scroll.scrolledPx} px)`,
    );
    const uncommitted = long.reorder.uncommitted + long.keystroke.uncommitted + anchor.reorder.uncommitted + anchor.keystroke.uncommitted;
    if (uncommitted > 0) console.log(`note: in ${uncommitted} trial(s) the change was not on screen yet at the first frame after the key`);
  } finally {
    await browser?.close();
    await host?.close();
    await rm(home, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:ui failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
