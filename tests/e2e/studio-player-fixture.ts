// Shared by the player and export e2e tests: the headless host and Debian's Chromium, and project
// folders whose shots have real renders (small MP4s made with engine/media's encodeVideo, recorded
// on the shots in project.aiprod.json as the render queue records them).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { encodeVideo } from '../../engine/media';
import { newProjectDocument, writeProject, type AudioClip, type Project, type Shot } from '../../engine/projects';

const root = path.resolve(import.meta.dirname, '../..');
const rendererIndex = path.join(root, 'dist/renderer/index.html');

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

/** Builds with scripts/build.mjs unless dist/renderer is newer than everything it is made from. */
export function ensureBuilt(): void {
  const sources = ['renderer', 'electron/common', 'vite.config.ts'].map((p) => newestMtime(path.join(root, p)));
  if (existsSync(rendererIndex) && statSync(rendererIndex).mtimeMs >= Math.max(...sources)) return;
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stderr}`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export const SCREENSHOTS = path.join(root, 'test-results');

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface ShotSpec {
  id: string;
  name?: string;
  /** Frames of the render (and the shot's length). */
  frames: number;
  trimIn?: number;
  trimOut?: number;
  /** Make and record a render (default true). */
  rendered?: boolean;
  /** The render's picture: 'bars' (a colour per shot, a bar that moves with the frame) or 'noise' (slow to encode). */
  picture?: 'bars' | 'noise';
  width?: number;
  height?: number;
  /** Record the render made for this earlier shot instead of making one. */
  renderOf?: string;
}

/** RGB24 frames: the shot's colour, with a white bar whose position is the frame's index. */
function barFrames(width: number, height: number, frames: number, hue: number): Uint8Array {
  const out = new Uint8Array(width * height * 3 * frames);
  const [r, g, b] = [(hue * 97) % 200 + 40, (hue * 57) % 200 + 40, (hue * 151) % 200 + 40];
  for (let f = 0; f < frames; f++) {
    const barX = Math.floor(((f + 0.5) / frames) * width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = ((f * height + y) * width + x) * 3;
        const bar = Math.abs(x - barX) <= 1;
        out[o] = bar ? 255 : r;
        out[o + 1] = bar ? 255 : g;
        out[o + 2] = bar ? 255 : b;
      }
    }
  }
  return out;
}

function noiseFrames(width: number, height: number, frames: number): Uint8Array {
  const out = new Uint8Array(width * height * 3 * frames);
  let s = 12345;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A real 16-bit mono PCM WAV of a tone. */
export function toneWav(seconds: number, hz = 440, rate = 16_000): Buffer {
  const samples = Math.round(rate * seconds);
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVEfmt ', 8, 'latin1');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'latin1');
  buf.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  return buf;
}

/**
 * A project folder (created) holding `shots` in order, rendered ones with an MP4 under
 * renders/<shot>/ recorded as their lastRender; `audio` WAVs are written into audio/.
 */
export async function makeRenderedProject(folder: string, name: string, shots: readonly ShotSpec[], options: { fps?: number; audio?: { file: string; seconds: number; startSec: number }[] } = {}): Promise<Project> {
  const fps = options.fps ?? 8;
  await mkdir(folder, { recursive: true });
  const made: Shot[] = [];
  for (const [i, spec] of shots.entries()) {
    const shot: Shot = {
      id: spec.id,
      name: spec.name ?? `Shot ${i + 1}`,
      prompt: `prompt of ${spec.id}`,
      negativePrompt: '',
      seed: i + 1,
      seedLocked: true,
      tier: 'eco',
      model: 'aiprod-nano',
      durationFrames: spec.frames,
      trimIn: spec.trimIn ?? 0,
      trimOut: spec.trimOut ?? 0,
    };
    const shared = spec.renderOf === undefined ? undefined : made.find((s) => s.id === spec.renderOf)?.lastRender;
    if (shared !== undefined) shot.lastRender = shared;
    else if (spec.rendered !== false) {
      const width = spec.width ?? 64;
      const height = spec.height ?? 36;
      const output = `renders/${spec.id}/job-${spec.id}.mp4`;
      await mkdir(path.join(folder, 'renders', spec.id), { recursive: true });
      const frames = spec.picture === 'noise' ? noiseFrames(width, height, spec.frames) : barFrames(width, height, spec.frames, i + 1);
      await encodeVideo(frames, path.join(folder, output), { width, height, fps, quality: spec.picture === 'noise' ? 'draft' : 'standard' });
      shot.lastRender = { jobId: `job-${spec.id}`, output };
    }
    made.push(shot);
  }
  const audio: AudioClip[] = [];
  for (const [i, clip] of (options.audio ?? []).entries()) {
    await mkdir(path.join(folder, 'audio'), { recursive: true });
    await writeFile(path.join(folder, 'audio', clip.file), toneWav(clip.seconds, 330 + 110 * i));
    audio.push({ id: `audio-${i}`, file: `audio/${clip.file}`, name: clip.file, startSec: clip.startSec, durationSec: clip.seconds });
  }
  const project: Project = { ...newProjectDocument(name, new Date()), settings: { fps, defaultTier: 'eco', defaultModel: 'aiprod-nano', device: 'auto' }, shots: made, audio };
  await writeProject(folder, project);
  return project;
}

/** Opens the project in `folder` from the start screen and waits for its timeline. */
export async function openProject(page: Page, folder: string, name: string, shotCount: number): Promise<void> {
  await page.getByRole('textbox', { name: 'Project folder', exact: true }).fill(folder);
  await page.getByRole('button', { name: 'Open project' }).click();
  await page.getByRole('heading', { name }).waitFor();
  await page.getByRole('list', { name: 'Timeline', exact: true }).getByRole('listitem').nth(shotCount - 1).waitFor();
}
