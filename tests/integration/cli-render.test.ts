// `aiprod render` end to end: the real CLI process, the real worker process, onnxruntime on the CPU
// with the tiny fixture pack, real ffmpeg, and the output probed by ffprobe/ffmpeg.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../engine/media/probe';
import { parseChecksums } from '../../engine/models/checksums';
import { cliEnv, runCli, scratchDir, TINY_PACK_DIR, TINY_PACK_ID, type CliRun } from './cli-helpers';

const dir = scratchDir('cli-render');
const home = path.join(dir, 'home');
const env = cliEnv(home);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function renderArgs(out: string, seed: number, extra: string[] = []): string[] {
  return ['render', '--prompt', 'a red ball rolling', '--model', TINY_PACK_ID, '--device', 'cpu', '--seed', String(seed), '--steps', '6', '--frames', '6', '--out', out, '--json', ...extra];
}

let first: CliRun;
let firstJson: Record<string, unknown>;
const firstOut = path.join(dir, 'first.mp4');

beforeAll(async () => {
  first = await runCli(renderArgs(firstOut, 1234), env);
  if (first.status !== 0) throw new Error(`render failed (${first.status}): ${first.stderr}`);
  firstJson = JSON.parse(first.stdout) as Record<string, unknown>;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aiprod render --json', () => {
  it('prints exactly one JSON object on stdout, with the contract keys', () => {
    // JSON.parse of the whole stdout would throw on any extra text; the object must also be alone.
    expect(first.stdout.trim().startsWith('{')).toBe(true);
    expect(first.stdout.trim().endsWith('}')).toBe(true);
    const json = firstJson as {
      output: string;
      frames: number;
      width: number;
      height: number;
      fps: number;
      seed: number;
      executionProvider: string;
      timings: { totalMs: number; denoiseMs: number };
      record: string;
    };
    expect(json.output).toBe(firstOut);
    expect(json.frames).toBe(6);
    expect(json.seed).toBe(1234);
    expect(json.executionProvider).toBe('cpu');
    expect(json.timings.totalMs).toBeGreaterThan(0);
    expect(json.timings.denoiseMs).toBeGreaterThan(0);
    expect(json.timings.totalMs).toBeGreaterThanOrEqual(json.timings.denoiseMs);
    expect(json.record).toBe(path.join(dir, 'first.json'));
    expect(firstJson).toMatchObject({ steps: 6, tier: 'standard', model: { id: TINY_PACK_ID, version: '1.0.0' } });
  });

  it('writes an H.264 MP4 whose stream matches what it reported', async () => {
    const info = await probeVideo(firstOut);
    const json = firstJson as { width: number; height: number; fps: number; frames: number };
    expect(info.video.codec).toBe('h264');
    expect(info.video.width).toBe(json.width);
    expect(info.video.height).toBe(json.height);
    expect(info.video.frameCount).toBe(json.frames);
    expect(info.video.fps).toBeCloseTo(json.fps, 3);
  });

  it('writes the reproducibility record next to it, with the pack, frame and file hashes', () => {
    const record = JSON.parse(readFileSync(path.join(dir, 'first.json'), 'utf8')) as {
      prompt: string;
      seed: number;
      steps: number;
      frames: number;
      scheduler: { type: string };
      model: { id: string; files: { path: string; sha256: string }[] };
      device: { executionProvider: string };
      versions: { engine: string; node: string; onnxruntime: string; ffmpeg: string };
      frameHash: string;
      outputSha256: string;
      networkGuard: { installed: boolean; blocked: number };
    };
    expect(record).toMatchObject({ prompt: 'a red ball rolling', seed: 1234, steps: 6, frames: 6, scheduler: { type: 'flow-match-euler' } });
    expect(record.device.executionProvider).toBe('cpu');
    expect(record.outputSha256).toBe(sha256(firstOut));
    expect(record.frameHash).toBe(firstJson.frameHash);
    expect(record.frameHash).toMatch(/^[0-9a-f]{64}$/);
    const packChecksums = parseChecksums(readFileSync(path.join(TINY_PACK_DIR, 'CHECKSUMS.sha256'), 'utf8'));
    expect(record.model.files).toEqual(expect.arrayContaining(packChecksums));
    expect(record.model.files.length).toBe(packChecksums.length);
    expect(record.versions.node).toBe(process.versions.node);
    expect(record.versions.ffmpeg).not.toBe('');
    expect(record.networkGuard).toMatchObject({ installed: true, blocked: 0 });
  });

  it('reports progress on stderr, one line per stage when stderr is not a terminal', () => {
    expect(first.stderr).toContain('denoise');
    expect(first.stderr).not.toContain('\r');
    expect(first.stderr).not.toContain('{');
  });

  it('renders the same frames again from the same seed, and other frames from another seed', async () => {
    const again = await runCli(renderArgs(path.join(dir, 'again.mp4'), 1234), env);
    expect(again.status, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { frameHash: string }).frameHash).toBe(firstJson.frameHash);
    const other = await runCli(renderArgs(path.join(dir, 'other.mp4'), 99), env);
    expect(other.status, other.stderr).toBe(0);
    expect((JSON.parse(other.stdout) as { frameHash: string }).frameHash).not.toBe(firstJson.frameHash);
  });

  it('refuses to replace an existing output (exit 2) and leaves it untouched', async () => {
    const existing = path.join(dir, 'existing.mp4');
    writeFileSync(existing, 'precious');
    const before = statSync(existing).mtimeMs;
    const run = await runCli(renderArgs(existing, 5), env);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(existing);
    expect(run.stderr).toContain('already exists');
    expect(readFileSync(existing, 'utf8')).toBe('precious');
    expect(statSync(existing).mtimeMs).toBe(before);
  });

  it('replaces it with --overwrite', async () => {
    const existing = path.join(dir, 'replaced.mp4');
    writeFileSync(existing, 'old');
    const run = await runCli(renderArgs(existing, 5, ['--overwrite']), env);
    expect(run.status, run.stderr).toBe(0);
    expect((await probeVideo(existing)).video.frameCount).toBe(6);
  });

  it('picks, prints and records a random seed when none is given', async () => {
    const out = path.join(dir, 'random.mp4');
    const run = await runCli(['render', '--prompt', 'a red ball', '--model', TINY_PACK_ID, '--device', 'cpu', '--steps', '2', '--frames', '2', '--out', out, '--json'], env);
    expect(run.status, run.stderr).toBe(0);
    const { seed } = JSON.parse(run.stdout) as { seed: number };
    expect(run.stderr).toContain(`seed ${seed} (random`);
    expect((JSON.parse(readFileSync(path.join(dir, 'random.json'), 'utf8')) as { seed: number }).seed).toBe(seed);
  });
});
