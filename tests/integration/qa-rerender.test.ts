// The re-render check end to end with the SHIPPED pack (models/aiprod-nano) on the CPU: a render by
// the real `aiprod render` (CLI process, render worker, onnxruntime, ffmpeg), then `aiprod qa
// --rerender` on its record: identical frames, PSNR "inf". Then the record tampered with (the seed, a
// pack file hash): a failed check naming what differed. Then the same through the qa.* channels
// (dispatch, as both shells run them): the work in a QA process, progress events, the figures stored
// next to the render and read back by qa.get, and a cancelled re-render that leaves nothing behind.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventChannels } from '../../electron/common/contract';
import type { QaRerenderResult, QaRunResult, QaStoredDto, RerenderCheckDto } from '../../electron/common/channels/qa';
import type { HandlerContext } from '../../electron/handlers/context';
import { dispatch } from '../../electron/handlers/dispatch';
import { createQaService, setQaService } from '../../electron/handlers/qa';
import { buildBundles, cliEnv, runCli, scratchDir, stderrLines, type CliRun } from './cli-helpers';

const dir = scratchDir('qa-rerender');
const home = path.join(dir, 'home');
const temp = path.join(dir, 'temp');
const env = cliEnv(home);
const PROMPT = 'a red circle moving right on a black background';
// Eco, 4 steps, 8 frames: a short render; a re-render must use exactly these.
const RENDER = ['render', '--prompt', PROMPT, '--tier', 'eco', '--steps', '4', '--frames', '8', '--seed', '11', '--device', 'cpu', '--json'];

let rendered: { output: string; record: string; frameHash: string; executionProvider: string };

/** A copy of the render (video + record) under another name, its record changed by `tamper`. */
function tamperedCopy(name: string, tamper: (record: Record<string, unknown>) => void): string {
  const video = path.join(dir, `${name}.mp4`);
  const record = path.join(dir, `${name}.json`);
  copyFileSync(rendered.output, video);
  const doc = JSON.parse(readFileSync(rendered.record, 'utf8')) as Record<string, unknown>;
  tamper(doc);
  writeFileSync(record, JSON.stringify(doc, null, 2));
  return record;
}

function parsedCheck(run: CliRun): RerenderCheckDto {
  return JSON.parse(run.stdout) as RerenderCheckDto;
}

beforeAll(async () => {
  mkdirSync(temp, { recursive: true });
  // The QA process bundle (dist/node/qa-worker.js) is started by the channels below.
  buildBundles();
  const run = await runCli([...RENDER, '--out', path.join(dir, 'shot.mp4')], env);
  if (run.status !== 0) throw new Error(`render failed (${run.status}): ${run.stderr}`);
  rendered = JSON.parse(run.stdout) as typeof rendered;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aiprod qa --rerender', () => {
  let passed: CliRun;

  it('reproduces a CPU render of the shipped pack: identical frames, PSNR inf, exit 0', async () => {
    passed = await runCli(['qa', '--rerender', rendered.record, '--json'], env);
    expect(passed.status, passed.stderr).toBe(0);
    const check = parsedCheck(passed);
    expect(check.status).toBe('passed');
    expect(check.psnr).toBe('inf');
    expect(check.ssim).toBe(1);
    expect(check.comparedFrames).toBe(8);
    expect(check.frameHash).toEqual({ recorded: rendered.frameHash, now: rendered.frameHash, equal: true });
    expect(check.provider).toEqual({ recorded: 'cpu', now: 'cpu' });
    expect(check.originalVideo).toBe('matches-record');
    expect(check.environment).toEqual({ differs: false, differences: [] });
    expect(check.differences).toEqual([]);
    expect(check.rerender.output).toBeNull();
  });

  it('prints one JSON object on stdout and stores nothing without --save', () => {
    expect(passed.stdout.trim().startsWith('{')).toBe(true);
    expect(passed.stdout.trim().endsWith('}')).toBe(true);
    expect(existsSync(path.join(dir, 'shot.qa.json'))).toBe(false);
  });

  it('fails a record whose seed was changed, naming the frame hashes that differ', async () => {
    const record = tamperedCopy('seed-changed', (doc) => {
      doc.seed = 12;
    });
    const keep = path.join(dir, 'seed12.mp4');
    const run = await runCli(['qa', '--rerender', record, '--keep', keep, '--json'], env);
    expect(run.status).toBe(1);
    const check = parsedCheck(run);
    expect(check.status).toBe('failed');
    expect(check.frameHash.equal).toBe(false);
    expect(check.frameHash.recorded).toBe(rendered.frameHash);
    expect(check.differences.map((d) => d.field)).toEqual(['frameHash', 'outputSha256']);
    expect(typeof check.psnr).toBe('number');
    expect(check.ssim).toBeLessThan(1);
    expect(check.reasons.join(' ')).toMatch(/frames differ on the same execution provider \(cpu\)/);
    // The environment is as recorded: the record itself is what does not hold.
    expect(check.environment.differs).toBe(false);
    expect(check.rerender.output).toBe(keep);
    expect(existsSync(keep)).toBe(true);
    const lines = stderrLines(run).filter((l) => l.startsWith('aiprod qa:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/re-render check FAILED: .*frames differ.* \[QA_RERENDER_FAILED\]$/);
  });

  it('fails a record whose pack file hash was changed, saying so before re-rendering', async () => {
    let file = '';
    const record = tamperedCopy('pack-changed', (doc) => {
      const files = (doc.model as { files: { path: string; sha256: string }[] }).files;
      const denoiser = files.find((f) => f.path === 'denoiser.onnx');
      if (denoiser === undefined) throw new Error('the record lists no denoiser.onnx');
      file = denoiser.path;
      denoiser.sha256 = '0'.repeat(64);
    });
    const run = await runCli(['qa', '--rerender', record, '--save'], env);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('before     the environment differs from the record: model.files[denoiser.onnx]: recorded 000000000000…');
    expect(run.stdout).toMatch(/result {5}re-render check FAILED: the re-render did not use the recorded inputs \(model\.files\[denoiser\.onnx\] differs\)/);
    // --save stored the check with the render.
    const stored = JSON.parse(readFileSync(path.join(dir, 'pack-changed.qa.json'), 'utf8')) as { rerender: RerenderCheckDto };
    expect(stored.rerender.status).toBe('failed');
    expect(stored.rerender.framesIdentical).toBe(true);
    expect(stored.rerender.environment.differences).toEqual([{ kind: 'model', field: `model.files[${file}]`, recorded: '0'.repeat(64), now: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(stored.rerender.differences.map((d) => d.field)).toEqual([`model.files[${file}]`]);
  });

  it('stores a plain analysis with --save next to the video, as it printed it', async () => {
    const run = await runCli(['qa', rendered.output, '--save', '--json'], env);
    expect(run.status, run.stderr).toBe(0);
    const stored = JSON.parse(readFileSync(path.join(dir, 'shot.qa.json'), 'utf8')) as { video: string; analysis: { report: unknown }; rerender: unknown };
    expect(stored.video).toBe('shot.mp4');
    expect(stored.analysis.report).toEqual(JSON.parse(run.stdout));
    expect(stored.rerender).toBeNull();
  });

  it('refuses re-render options without --rerender, and video options with it', async () => {
    const device = await runCli(['qa', rendered.output, '--device', 'cpu'], env);
    expect(device.status).toBe(2);
    expect(stderrLines(device)).toEqual([expect.stringMatching(/^aiprod qa: --device goes with --rerender \(usage: aiprod qa /)]);
    const reference = await runCli(['qa', '--rerender', rendered.record, '--reference', rendered.output], env);
    expect(reference.status).toBe(2);
    expect(stderrLines(reference)).toEqual([expect.stringMatching(/^aiprod qa: --reference does not go with --rerender/)]);
  });

  it('refuses a file that is not a render record, with one line naming it', async () => {
    const bogus = path.join(dir, 'bogus.json');
    writeFileSync(bogus, JSON.stringify({ format: 'aiprod-render-record/1', prompt: 'x' }));
    const run = await runCli(['qa', '--rerender', bogus, '--json'], env);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(stderrLines(run)).toEqual([expect.stringMatching(/^aiprod qa: .*bogus\.json is not a usable render record: seed .*\[QA_BAD_RECORD\]$/)]);
  });
});

describe('the qa channels', () => {
  const events: { channel: string; data: unknown }[] = [];
  const ctx: HandlerContext = {
    services: {} as HandlerContext['services'],
    shell: { shell: 'host', shellVersion: 'test' },
    emit: (channel, data) => {
      // What a shell does before it sends: the contract's schema.
      events.push({ channel, data: eventChannels[channel].parse(data) });
    },
  };
  setQaService(ctx, createQaService({ tempDir: temp }));
  const invoke = async <T>(channel: string, payload: unknown): Promise<T> => {
    const result = await dispatch(channel, payload, ctx);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  };

  it('runs the re-render check in a QA process, reports progress, and stores the result', async () => {
    const result = await invoke<QaRerenderResult>('qa.rerender', { runId: 'check-1', record: rendered.record });
    if (result.kind !== 'done') throw new Error('the check was cancelled');
    expect(result.check.status).toBe('passed');
    expect(result.check.psnr).toBe('inf');
    expect(result.qaFile).toBe(path.join(dir, 'shot.qa.json'));
    const stages = events.filter((e) => e.channel === 'qa.progress').map((e) => (e.data as { runId: string; stage: string }).stage);
    expect(stages).toContain('environment');
    expect(stages).toContain('render:denoise');
    expect(stages).toContain('compare');
    expect(readdirSync(temp)).toEqual([]);
  });

  it('analyses a render against a reference with its prompt, and qa.get reads both back', async () => {
    const reference = path.join(dir, 'seed12.mp4');
    const result = await invoke<QaRunResult>('qa.run', { runId: 'analyse-1', output: rendered.output, reference, prompt: PROMPT });
    if (result.kind !== 'done') throw new Error('the analysis was cancelled');
    const report = result.analysis.report;
    expect(report.frames).toBe(8);
    expect(report.reference).toBe(reference);
    expect(typeof report.psnr).toBe('number');
    expect(report.ssim).toBeGreaterThan(0);
    expect(report.ssim).toBeLessThan(1);
    expect(report.temporal.flicker).toBeGreaterThanOrEqual(0);
    expect(report.prompt).toMatchObject({ scored: true, model: 'aiprod-nano', expected: { colour: 'red', motion: 'right', shape: 'circle' } });

    const stored = await invoke<QaStoredDto>('qa.get', { path: rendered.output });
    expect(stored.record).toBe(rendered.record);
    expect(stored.render).toMatchObject({ seed: 11, frames: 8, executionProvider: 'cpu', model: { id: 'aiprod-nano' }, frameHash: rendered.frameHash });
    expect(stored.analysis).toEqual(result.analysis);
    // The re-render check stored before is kept beside the new analysis.
    expect(stored.rerender?.status).toBe('passed');
  });

  it('answers the stored QA of a render that has none yet with nulls', async () => {
    const stored = await invoke<QaStoredDto>('qa.get', { path: path.join(dir, 'seed-changed.mp4') });
    expect(stored).toMatchObject({ analysis: null, rerender: null, recordProblem: null, render: { seed: 12 } });
  });

  it('refuses a reference that does not exist, naming it', async () => {
    const missing = await dispatch('qa.run', { runId: 'analyse-2', output: rendered.output, reference: path.join(dir, 'nope.mp4') }, ctx);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.message).toContain('nope.mp4');
  });

  it('cancels a re-render: answered as cancelled, nothing stored, nothing left in the temp folder', async () => {
    const before = readFileSync(path.join(dir, 'shot.qa.json'), 'utf8');
    events.length = 0;
    const running = dispatch('qa.rerender', { runId: 'check-2', record: rendered.record }, ctx);
    // Cancel once the render has started, so the render worker is stopped too.
    await expect.poll(() => events.some((e) => (e.data as { stage: string }).stage.startsWith('render:')), { timeout: 60_000, interval: 50 }).toBe(true);
    const busy = await dispatch('qa.rerender', { runId: 'check-2', record: rendered.record }, ctx);
    expect(busy.ok ? null : busy.error.code).toBe('QA_BUSY');
    expect(await invoke('qa.cancel', { runId: 'check-2' })).toEqual({ cancelled: true });
    const result = await running;
    expect(result).toEqual({ ok: true, value: { kind: 'cancelled' } });
    expect(readdirSync(temp)).toEqual([]);
    expect(readFileSync(path.join(dir, 'shot.qa.json'), 'utf8')).toBe(before);
    expect(await invoke('qa.cancel', { runId: 'check-2' })).toEqual({ cancelled: false });
  });
});
