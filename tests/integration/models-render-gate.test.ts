import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../engine/errors';
import { libraryPaths } from '../../engine/library/paths';
import { loadPack } from '../../engine/models/pack-loader';
import { gateRegisteredPack } from '../../engine/models/render-gate';
import { flipByte, tinyPack, writePack } from '../unit/engine/models/fixtures/packs';
import { buildBundles, cliEnv, runCli, scratchDir, stderrLines, TINY_PACK_DIR, TINY_PACK_ID } from './cli-helpers';

// The render gate: a pack the model library holds (imported, or shipped) renders only with the
// bytes it was verified with. Through the real CLI, its worker, onnxruntime and ffmpeg: import the
// tiny pack into a fresh AIPROD_HOME, render, flip one byte, render again -> exit 2 naming the file.

const dir = scratchDir('models-gate');
const home = path.join(dir, 'home');
// Only the imported copy may be found: the fixture folder is left off the search path.
const env = cliEnv(home, { AIPROD_PACKS_DIRS: undefined });

function renderArgs(out: string): string[] {
  return ['render', '--prompt', 'a red circle moving left', '--model', TINY_PACK_ID, '--device', 'cpu', '--seed', '7', '--steps', '2', '--frames', '4', '--out', out, '--json'];
}

beforeAll(() => buildBundles());
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

describe('aiprod render and the model library', () => {
  it('renders with an imported pack, refuses it once a byte changed (exit 2, naming the file), and verifies again once restored', async () => {
    const imported = await runCli(['models', 'import', TINY_PACK_DIR, '--json'], env);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ id: TINY_PACK_ID, status: 'ok', verified: true, source: 'imported' });

    const good = await runCli(renderArgs(path.join(dir, 'good.mp4')), env);
    expect(good.status, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ frames: 4, model: { id: TINY_PACK_ID } });

    const file = path.join(home, 'models', TINY_PACK_ID, 'denoiser.onnx');
    const original = await fs.readFile(file);
    await fs.writeFile(file, flipByte(Buffer.from(original), -20, 0x01));
    const later = new Date(Date.now() + 10_000);
    await fs.utimes(file, later, later); // any write moves the mtime; set so the test does not hang on its granularity

    const out = path.join(dir, 'refused.mp4');
    const refused = await runCli(renderArgs(out), env);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    const lines = stderrLines(refused);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/model pack "tiny-test": file "denoiser\.onnx" was modified \(SHA-256 differs from the registered one\)/);
    expect(lines[0]).toMatch(/\[MODEL_FILE_MODIFIED\]$/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(path.join(dir, 'refused.json'))).toBe(false);

    const listed = await runCli(['models', 'list', '--json'], env);
    expect((JSON.parse(listed.stdout) as { id: string; status: string }[]).find((p) => p.id === TINY_PACK_ID)).toMatchObject({ status: 'modified' });

    await fs.writeFile(file, original);
    await fs.utimes(file, later, new Date(later.getTime() + 10_000));
    const verified = await runCli(['models', 'verify', TINY_PACK_ID, '--json'], env);
    expect(verified.status, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, problems: [] });
  });
});

describe('gateRegisteredPack', () => {
  it('holds a shipped pack to its hashes too', async () => {
    const shipped = path.join(dir, 'shipped');
    const packDir = await writePack(path.join(shipped, 'tiny-shipped'), tinyPack('tiny-shipped'));
    const gateHome = path.join(dir, 'gate-home');
    const pack = await loadPack(packDir);
    expect((await gateRegisteredPack(pack, { home: gateHome, shippedDirs: [shipped] }))?.id).toBe('tiny-shipped');

    const file = path.join(packDir, 'upsampler.onnx');
    await fs.writeFile(file, flipByte(await fs.readFile(file), 40));
    const later = new Date(Date.now() + 10_000);
    await fs.utimes(file, later, later);
    const error = await gateRegisteredPack(pack, { home: gateHome, shippedDirs: [shipped] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiprodError);
    expect([(error as AiprodError).code, (error as AiprodError).kind]).toEqual(['MODEL_FILE_MODIFIED', 'input']);
    expect((error as AiprodError).detail).toMatchObject({ id: 'tiny-shipped', file: 'upsampler.onnx' });
  });

  it('lets a pack from another folder through without opening the library', async () => {
    const gateHome = path.join(dir, 'untouched-home');
    expect(await gateRegisteredPack(await loadPack(TINY_PACK_DIR), { home: gateHome, shippedDirs: [path.join(dir, 'no-shipped')] })).toBeNull();
    expect(existsSync(libraryPaths(gateHome).database)).toBe(false);
  });
});
