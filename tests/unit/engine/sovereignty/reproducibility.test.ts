import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CudaProbe } from '../../../../engine/runtime/cuda-probe';
import { NOT_PRESENT, reproducibilityFacts, type ReproducibilityProbes } from '../../../../engine/sovereignty/reproducibility';
import { scoreReproducibility } from '../../../../engine/sovereignty/scoring';
import type { GpuFacts } from '../../../../engine/system/gpu';
import { ROOT } from './fixtures';

const NO_CUDA: CudaProbe = { available: false, reason: 'no GPU', libraryDir: '/x', missingProviderFiles: [], missingLibraries: [], gpuDevices: [] };
const NO_GPU: GpuFacts = { available: false, devices: [], reason: 'nvidia-smi not found' };
const offline: ReproducibilityProbes = { gpu: async () => NO_GPU, cuda: async () => NO_CUDA, ffmpegVersion: async () => '6.1' };

let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('reproducibility facts', () => {
  it('fingerprints the seeded noise the same way every time, and reads the versions installed here', async () => {
    const a = await reproducibilityFacts(ROOT, offline);
    const b = await reproducibilityFacts(ROOT, offline);
    expect(a.seededNoise.identicalOnRepeat).toBe(true);
    expect(a.seededNoise.fingerprint.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.seededNoise.fingerprint).toEqual(a.seededNoise.fingerprint);
    expect(a.versions).toMatchObject({ node: process.versions.node, host: 'node', electron: null, ffmpeg: '6.1' });
    expect(a.runtime.intraOpThreads).toBeGreaterThanOrEqual(1);
    expect(a.lockfile).toMatchObject({ present: true, file: 'package-lock.json' });
    expect(a.pinning.total).toBeGreaterThan(10);
  });

  it('says "not present" for CUDA and the driver without nvidia-smi, and reads them when it answers', async () => {
    const none = await reproducibilityFacts(ROOT, offline);
    expect(none.gpu).toMatchObject({ cuda: NOT_PRESENT, driver: NOT_PRESENT, devices: [], cudaProvider: { available: false, reason: 'no GPU' } });
    const gpu: GpuFacts = { available: true, cudaDriverVersion: '12.8', devices: [{ index: 0, name: 'NVIDIA H100', memoryTotalMiB: 81559, memoryUsedMiB: 0, driverVersion: '570.124.06' }] };
    const some = await reproducibilityFacts(ROOT, { ...offline, gpu: async () => gpu });
    expect(some.gpu).toMatchObject({ cuda: '12.8', driver: '570.124.06', devices: [{ name: 'NVIDIA H100', memoryMiB: 81559 }] });
  });

  it('finds a missing lockfile and version ranges in another root, and scores them lower', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-repro-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', dependencies: { a: '^1.0.0', b: '2.0.0' }, devDependencies: { c: 'latest' } }));
    const loose = await reproducibilityFacts(dir, offline);
    expect(loose.lockfile.present).toBe(false);
    expect(loose.pinning).toEqual({ total: 3, exact: 1, ranges: ['a@^1.0.0', 'c@latest'] });
    const pinned = await reproducibilityFacts(ROOT, offline);
    expect(scoreReproducibility(loose).score).toBeLessThan(scoreReproducibility(pinned).score as number);
  });

  it('uses the real probes when none are given (nvidia-smi absent or present)', async () => {
    const facts = await reproducibilityFacts(ROOT);
    expect(facts.gpu.driver === NOT_PRESENT).toBe(facts.gpu.devices.length === 0);
    expect(facts.versions.ffmpeg).toMatch(/\S/);
  });
});
