// Every refusal of `aiprod render`: exit 2 for bad usage or input, 1 for failed work, one line on
// stderr naming what is at fault, nothing on stdout even with --json, and no file left behind.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, scratchDir, stderrLines, TINY_PACK_ID } from './cli-helpers';

const dir = scratchDir('cli-errors');
const env = cliEnv(path.join(dir, 'home'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// No --seed: the refusals must not depend on one, and a random seed must not add a line to stderr.
const base = (out: string) => ['render', '--prompt', 'a red ball', '--model', TINY_PACK_ID, '--device', 'cpu', '--out', out, '--json'];

/** Files in the scratch folder other than the library home: a refused render must add none. */
const outputs = () => readdirSync(dir).filter((f) => f !== 'home');

describe('aiprod render refusals', () => {
  it.each([
    [['--stepz', '3'], '--stepz', 'unknown flag'],
    [['--steps', 'many'], '--steps', 'whole number'],
    [['--steps', '0'], '--steps', 'between 1 and 200'],
    [['--steps', '500'], '--steps', 'between 1 and 200'],
    [['--guidance', '99'], '--guidance', 'between 0 and 30'],
    [['--seed', '-4'], '--seed', 'seed must be between 0'],
    [['--tier', 'ultra'], '--tier', 'eco|standard|premium'],
    [['--device', 'tpu'], '--device', 'auto|cuda|cpu'],
    [['--frames', '0'], '--frames', 'frames'],
    // Checked against the pack, in the worker: the tiny pack renders multiples of 2 up to 8.
    [['--frames', '7'], '--frames', 'multiple of 2'],
    [['--frames', '64'], '--frames', 'multiple of 2'],
  ])('%j exits 2 naming %s', async (extra, flag, words) => {
    const run = await runCli([...base(path.join(dir, 'x.mp4')), ...extra], env);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = stderrLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(flag);
    expect(lines[0]).toContain(words);
    expect(outputs()).toEqual([]);
  });

  it('exits 2 without --out, with the usage', async () => {
    const run = await runCli(['render', '--prompt', 'a red ball'], env);
    expect(run.status).toBe(2);
    expect(stderrLines(run)).toHaveLength(1);
    expect(run.stderr).toContain('missing --out');
    expect(run.stderr).toContain('usage: aiprod render --prompt TEXT');
  });

  it('exits 2 for an unknown command, listing the commands', async () => {
    const run = await runCli(['rendr'], env);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown command "rendr"');
    expect(run.stderr).toContain('render');
    expect(run.stderr).toContain('doctor');
  });

  it('exits 2 for an unknown model, naming it and the models there are', async () => {
    const run = await runCli(['render', '--prompt', 'a red ball', '--model', 'no-such-model', '--out', path.join(dir, 'x.mp4'), '--json'], env);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(stderrLines(run)).toHaveLength(1);
    expect(run.stderr).toContain('no-such-model');
    expect(run.stderr).toMatch(new RegExp(`available: [^\\n]*${TINY_PACK_ID}`));
    expect(run.stderr).toContain('aiprod-nano');
    expect(outputs()).toEqual([]);
  });

  it('exits 2 when the output folder is missing or not writable', async () => {
    const missing = await runCli(base(path.join(dir, 'nope', 'x.mp4')), env);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(path.join(dir, 'nope'));
    // Root ignores permission bits; sysfs refuses new files to everyone.
    const locked = process.getuid?.() === 0 ? '/sys' : '/';
    const unwritable = await runCli(base(path.join(locked, 'x.mp4')), env);
    expect(unwritable.status).toBe(2);
    expect(stderrLines(unwritable)).toHaveLength(1);
    expect(unwritable.stderr).toContain(`output folder ${locked} is not writable`);
  });

  it('exits 1 with one line naming ffmpeg when there is none, before rendering and without leaving a file', async () => {
    // FFMPEG_BIN pointing nowhere and a PATH with no ffmpeg on it (node is started by absolute path).
    const emptyBin = path.join(dir, 'home');
    const run = await runCli(base(path.join(dir, 'noffmpeg.mp4')), { ...env, FFMPEG_BIN: '/nonexistent/ffmpeg', PATH: emptyBin });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = stderrLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('FFMPEG_BIN');
    expect(lines[0]).toContain('/nonexistent/ffmpeg');
    expect(lines[0]).toContain('FFMPEG_NOT_FOUND');
    // Refused before the pipeline: no progress of any stage was printed.
    expect(run.stderr).not.toContain('denoise');
    expect(outputs()).toEqual([]);
  });
});
