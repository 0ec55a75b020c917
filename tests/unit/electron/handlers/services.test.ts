import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineServices } from '../../../../electron/handlers/services';

// The real engine behind app.info, on this machine: no stand-ins.

const root = path.resolve(import.meta.dirname, '../../../..');
const tinyPack = path.join(root, 'tests/fixtures/tiny-pack');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-services-'));
  await mkdir(path.join(dir, 'broken'));
  await writeFile(path.join(dir, 'broken', 'aiprod-model.json'), '{ not json');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function packageVersion(file: string): string {
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

describe('createEngineServices', () => {
  // Made per test: `dir` exists only once beforeAll has run.
  const engine = () => createEngineServices({ extraPackDirs: [tinyPack, dir] });

  it('reports the versions of the app, Node and onnxruntime, and the platform', () => {
    expect(engine().versions()).toEqual({
      appVersion: packageVersion(path.join(root, 'package.json')),
      node: process.versions.node,
      onnxruntime: packageVersion(path.join(root, 'node_modules/onnxruntime-node/package.json')),
      platform: `${process.platform}-${process.arch}`,
    });
  });

  it('always has the CPU, and says why when CUDA cannot be used', async () => {
    const providers = await engine().executionProviders();
    expect(providers.cpu).toEqual({ available: true });
    if (providers.cuda.available) expect(providers.cuda.reason).toBeUndefined();
    else expect(providers.cuda.reason).toMatch(/\S{3,}/);
  });

  it('finds an ffmpeg that can be run, with its version', async () => {
    const ffmpeg = await engine().ffmpeg();
    expect(ffmpeg.error).toBeUndefined();
    expect(ffmpeg.path).not.toBeNull();
    expect(() => accessSync(ffmpeg.path as string, constants.X_OK)).not.toThrow();
    expect(ffmpeg.version).toMatch(/\d/);
  });

  it('lists the packs of the search folders, a broken one as invalid', async () => {
    const manifest = JSON.parse(readFileSync(path.join(tinyPack, 'aiprod-model.json'), 'utf8')) as { id: string; name: string; provenance: { status: string } };
    const packs = await engine().packs();
    expect(packs).toContainEqual({ id: manifest.id, name: manifest.name, status: manifest.provenance.status });
    expect(packs).toContainEqual({ id: 'broken', name: 'broken', status: 'invalid' });
  });
});
