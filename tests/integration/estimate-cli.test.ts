// `aiprod estimate` as external tools call it: the real command (bin/aiprod.mjs), a private
// AIPROD_HOME, the tiny fixture pack calibrated through the real pipeline on CPU.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeCuda } from '../../engine/runtime/cuda-probe';
import { cliEnv, runCli, scratchDir, stderrLines, TINY_PACK_ID } from './cli-helpers';

const dir = scratchDir('estimate-cli');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const home = path.join(dir, 'home');
const env = cliEnv(home);
const estimate = (...extra: string[]) => runCli(['estimate', '--model', TINY_PACK_ID, ...extra], env);

describe('aiprod estimate --json', () => {
  it('calibrates on first use and prints the contract keys, then reuses the stored calibration', async () => {
    const first = await estimate('--tier', 'standard', '--steps', '12', '--frames', '6', '--device', 'cpu', '--json');
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('calibrating tiny-test on cpu');
    const json = JSON.parse(first.stdout) as Record<string, unknown> & { cost: { amount: number; currency: string }; breakdown: Record<string, unknown> };
    // DESIGN.md §3: seconds, energyKWh, cost.amount, cost.currency, vramBytes, executionProvider.
    expect(json.seconds).toBeGreaterThan(0);
    expect(json.energyKWh).toBeGreaterThan(0);
    expect(json.cost.amount).toBeGreaterThan(0);
    expect(json.cost.currency).toBe('EUR');
    expect(json.vramBytes).toBeGreaterThan(0);
    expect(json.executionProvider).toBe('cpu');
    expect(json.memoryKind).toBe('ram');
    expect(json).toMatchObject({ steps: 12, frames: 6, tier: 'standard', model: TINY_PACK_ID });
    expect(Object.keys(json.breakdown)).toEqual(expect.arrayContaining(['perStepMs', 'fixedMs', 'decodeMs', 'upsampleMs', 'encodeMs', 'calibration']));
    expect(json.breakdown.calibration).toEqual({ source: 'measured', runs: 2 });
    const parts = json.breakdown as Record<'perStepMs' | 'firstStepExtraMs' | 'denoiseMs' | 'fixedMs' | 'encodeMs' | 'decodeMs' | 'upsampleMs' | 'sessionLoadMs' | 'packLoadMs' | 'videoEncodeMs', number>;
    expect(Math.abs(parts.firstStepExtraMs + 12 * parts.perStepMs - parts.denoiseMs)).toBeLessThan(1);
    // `aiprod render` runs in a fresh worker: it opens the sessions, so the estimate counts that.
    expect(parts.sessionLoadMs).toBeGreaterThan(0);
    const sum = parts.packLoadMs + parts.sessionLoadMs + parts.fixedMs + parts.encodeMs + parts.denoiseMs + parts.decodeMs + parts.upsampleMs + parts.videoEncodeMs;
    expect(Math.abs(sum / 1000 - (json.seconds as number))).toBeLessThan(0.01);

    const again = await estimate('--tier', 'standard', '--steps', '12', '--frames', '6', '--device', 'cpu', '--json');
    expect(again.status).toBe(0);
    expect(again.stderr).not.toContain('calibrating');
    expect(JSON.parse(again.stdout)).toMatchObject({ seconds: json.seconds, breakdown: { calibration: { source: 'measured', runs: 2 } } });
  });

  it('--no-calibrate on an uncalibrated library gives the first guess, marked default', async () => {
    const run = await runCli(['estimate', '--model', TINY_PACK_ID, '--tier', 'eco', '--no-calibrate', '--device', 'cpu', '--json'], cliEnv(path.join(dir, 'home-2')));
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('calibrating');
    expect(JSON.parse(run.stdout)).toMatchObject({ breakdown: { calibration: { source: 'default', runs: 0 } }, frames: 8 });
  });

  it('prints a human summary without --json', async () => {
    const run = await estimate('--tier', 'eco', '--device', 'cpu');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/tiny-test tier eco: 10 steps, 8 frames on cpu/);
    expect(run.stdout).toMatch(/energy .* Wh/);
    expect(run.stdout).toMatch(/cost +\d+\.\d{4} EUR/);
    expect(run.stdout).toMatch(/memory .* RAM \(CPU render/);
  });
});

describe('aiprod estimate refusals: exit 2, one line naming the fault, nothing on stdout', () => {
  it.each([
    [['--tier', 'ultra'], '--tier'],
    [[], 'missing --tier'],
    [['--tier', 'eco', '--steps', '0'], '--steps'],
    [['--tier', 'eco', '--steps', 'many'], '--steps'],
    [['--tier', 'eco', '--frames', '-3'], '--frames'],
    [['--tier', 'eco', '--frames', '7'], '--frames'],
    [['--tier', 'eco', '--device', 'tpu'], '--device'],
    [['--tier', 'eco', '--model', 'no-such-model'], 'no-such-model'],
  ])('%j', async (extra, named) => {
    const run = await runCli(['estimate', ...(extra.includes('--model') ? [] : ['--model', TINY_PACK_ID]), ...extra, '--json'], env);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = stderrLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(named);
  });

  it('an invalid pricing file in AIPROD_HOME, naming the file and the field', async () => {
    const badHome = path.join(dir, 'bad-pricing');
    mkdirSync(badHome, { recursive: true });
    const file = path.join(badHome, 'pricing.json');
    writeFileSync(file, JSON.stringify({ currency: 'EUR', electricity: { pricePerKWh: 42 }, amortisation: { gpuPerHour: 1, cpuPerHour: 0.1 }, power: { gpuBoardWatts: 300, cpuPackageWatts: 65 } }));
    const run = await runCli(['estimate', '--model', TINY_PACK_ID, '--tier', 'eco', '--json'], cliEnv(badHome));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = stderrLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(file);
    expect(lines[0]).toContain('electricity.pricePerKWh');
  });

  it('--device cuda: exit 2 with the reason where CUDA cannot run (this machine), else a CUDA estimate', async () => {
    const cuda = await probeCuda();
    const run = await estimate('--tier', 'eco', '--device', 'cuda', '--no-calibrate', '--json');
    if (cuda.available) {
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ executionProvider: 'cuda', memoryKind: 'vram' });
    } else {
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(stderrLines(run)).toEqual([expect.stringMatching(/device cuda was asked for, but CUDA cannot be used: .+ \[CUDA_UNAVAILABLE\]$/)]);
    }
  });
});
