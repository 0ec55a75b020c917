// Shared fixtures of the sovereignty tests: a copy of the tiny pack with a changed manifest (its
// CHECKSUMS.sha256 rewritten to match), and a complete set of report facts to vary one at a time.
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReportFacts } from '../../../../engine/sovereignty/build-report';
import type { DependencyEntry } from '../../../../engine/sovereignty/dependency-tree';
import type { ModelEntry } from '../../../../engine/sovereignty/model-inventory';
import { EXPECTED_FUSES } from '../../../../engine/sovereignty/packaging';

export const ROOT = path.resolve(import.meta.dirname, '../../../..');
export const TINY_PACK = path.join(ROOT, 'tests/fixtures/tiny-pack');

export interface PackChanges {
  id?: string;
  name?: string;
  owner?: string;
  status?: 'trained' | 'pending_training';
}

/** Copies the tiny pack to `dest` with manifest changes; the checksums stay valid. */
export function copyTinyPack(dest: string, changes: PackChanges = {}): void {
  cpSync(TINY_PACK, dest, { recursive: true });
  const manifestFile = path.join(dest, 'aiprod-model.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { id: string; name: string; license: { owner: string }; provenance: { status: string } };
  if (changes.id !== undefined) manifest.id = changes.id;
  if (changes.name !== undefined) manifest.name = changes.name;
  if (changes.owner !== undefined) manifest.license.owner = changes.owner;
  if (changes.status !== undefined) manifest.provenance.status = changes.status;
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(manifestFile, text);
  const sha = createHash('sha256').update(text).digest('hex');
  const checksums = readFileSync(path.join(dest, 'CHECKSUMS.sha256'), 'utf8').replace(/^[0-9a-f]{64}(  aiprod-model\.json)$/m, `${sha}$1`);
  writeFileSync(path.join(dest, 'CHECKSUMS.sha256'), checksums);
}

export function model(overrides: Partial<ModelEntry> = {}): ModelEntry {
  return {
    id: 'nano',
    name: 'AIPROD Nano',
    version: '1.0.0',
    origin: 'shipped',
    format: 'aiprod-model/1',
    architecture: 'denoiser: dit',
    parameters: 1000,
    components: [{ role: 'denoiser', file: 'denoiser.onnx', architecture: 'dit', parameters: 1000 }],
    license: { spdx: 'Apache-2.0', owner: 'AIPROD Studio' },
    provenance: { status: 'trained', source: 'trained by this project', trainingConfig: null, commit: null, trainedAt: null, hardware: null, trainingSeconds: null },
    renderable: true,
    checksums: { state: 'verified', files: 5, lastVerifiedAt: '2026-01-01T00:00:00.000Z', problem: null },
    ...overrides,
  };
}

export function dependency(overrides: Partial<DependencyEntry> = {}): DependencyEntry {
  return {
    name: 'zod',
    version: '4.0.0',
    license: 'MIT',
    licenseSource: 'license',
    category: 'permissive',
    copyleft: false,
    flagged: false,
    status: 'installed',
    kind: 'dependency',
    direct: true,
    requested: '4.0.0',
    requiredBy: 'aiprod-studio@0.1.0',
    path: 'node_modules/zod',
    ...overrides,
  };
}

/** Facts of a well-behaved installation: every criterion at its best. */
export function goodFacts(): ReportFacts {
  return {
    product: { name: 'AIPROD Studio', version: '0.1.0', owner: 'AIPROD Studio' },
    models: [model()],
    dependencies: [dependency(), dependency({ name: 'react', version: '19.0.0', path: 'node_modules/react' })],
    rootPackage: 'aiprod-studio@0.1.0',
    network: { guard: { installed: true, label: 'test', since: '2026-01-01T00:00:00.000Z' }, attempts: 0, blocked: 0, byOrigin: [], unlistedAttempts: 0, renders: null },
    reproducibility: {
      seededNoise: { algorithm: 'xoshiro128**', module: 'engine/random/seeded.ts', identicalOnRepeat: true, fingerprint: { seed: 42, samples: 4096, sha256: 'a'.repeat(64) } },
      runtime: { intraOpThreads: 2, interOpThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', deterministicCompute: true },
      versions: { app: '0.1.0', host: 'node', electron: null, electronPackaged: '45.4.1', chromium: null, node: '20.0.0', onnxruntime: '1.29.0', ffmpeg: '6.0', platform: 'linux-x64' },
      gpu: { cuda: 'not present', driver: 'not present', devices: [], cudaProvider: { available: false, reason: 'no GPU' } },
      lockfile: { file: 'package-lock.json', present: true, lockfileVersion: 3, sha256: 'b'.repeat(64) },
      pinning: { total: 10, exact: 10, ranges: [] },
    },
    packaging: {
      electronBuilder: { file: 'electron-builder.yml', present: true, asar: true, publish: null, afterPack: './build/afterPack.mjs' },
      fuses: { file: 'build/afterPack.mjs', present: true, entries: EXPECTED_FUSES.map(([fuse, expected, why]) => ({ fuse, configured: expected, expected, ok: true, why })) },
      offline: [
        { id: 'npm-install-no-download', label: 'npm', ok: true, detail: '', file: '.npmrc' },
        { id: 'no-auto-update', label: 'update', ok: true, detail: '', file: 'electron-builder.yml' },
        { id: 'electron-request-filter', label: 'filter', ok: true, detail: '', file: 'electron/main/security.ts' },
        { id: 'chromium-no-dns', label: 'dns', ok: true, detail: '', file: 'electron/main/security.ts' },
      ],
    },
    notes: [],
  };
}
