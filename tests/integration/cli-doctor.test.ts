// `aiprod doctor --json` on this machine: no NVIDIA GPU, so CUDA must be reported unavailable with a reason.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, scratchDir, TINY_PACK_DIR, TINY_PACK_ID } from './cli-helpers';

const dir = scratchDir('cli-doctor');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Doctor {
  ok: boolean;
  executionProviders: { cpu: { available: boolean }; cuda: { available: boolean; reason: string | null } };
  gpu: { available: boolean; reason?: string };
  ffmpeg: { path: string | null; version?: string };
  models: { id: string; dir: string; renderable: boolean }[];
  node: string;
  onnxruntime: string;
  networkGuard: { installed: boolean; blocked: number };
}

describe('aiprod doctor --json', () => {
  it('reports providers, GPU, ffmpeg, packs, versions and the network guard', async () => {
    const run = await runCli(['doctor', '--json'], cliEnv(path.join(dir, 'home')));
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Doctor;
    expect(report.executionProviders.cpu.available).toBe(true);
    const { cuda } = report.executionProviders;
    // Without an NVIDIA device node (this CPU machine) CUDA cannot be available, and the reason says why.
    if (!existsSync('/dev/nvidia0')) {
      expect(cuda.available).toBe(false);
      expect(cuda.reason).toContain('no NVIDIA GPU');
    }
    // Either available, or unavailable with a reason: never both, never neither.
    expect(cuda.available ? cuda.reason === null : typeof cuda.reason === 'string' && cuda.reason.length > 0).toBe(true);
    expect(report.ffmpeg.path).not.toBeNull();
    expect(existsSync(report.ffmpeg.path as string)).toBe(true);
    expect(report.models).toContainEqual(expect.objectContaining({ id: TINY_PACK_ID, dir: TINY_PACK_DIR, renderable: true }));
    expect(report.node).toBe(process.versions.node);
    expect(report.onnxruntime).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.networkGuard).toMatchObject({ installed: true, blocked: 0 });
    expect(report.ok).toBe(true);
  });

  // The shipped pack is always there, so "nothing can render" comes from a missing ffmpeg.
  it('exits 1 and names the problem when nothing can render', async () => {
    const run = await runCli(['doctor', '--json'], cliEnv(path.join(dir, 'home'), { FFMPEG_BIN: path.join(dir, 'no-such-ffmpeg') }));
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as Doctor & { problems: string[] };
    expect(report.ok).toBe(false);
    expect(report.problems.join(' ')).toContain('ffmpeg');
  });
});
