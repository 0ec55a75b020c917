import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../engine/models/progress';
import { libraryState, refusalOf, testLibrary, type TestLibrary } from '../unit/engine/models/fixtures/library';
import { flipByte, seedPack, sha256, tinyPack, writePack, type PackFiles } from '../unit/engine/models/fixtures/packs';
import { writeTar } from '../unit/engine/models/fixtures/tar-writer';
import { writeZip } from '../unit/engine/models/fixtures/zip-writer';

// Real files, real archives, real SQLite: imports of every kind, then list, verify and the render gate.

let t: TestLibrary;
beforeEach(async () => {
  t = await testLibrary();
});
afterEach(async () => t.dispose());

async function folder(name: string, files: PackFiles): Promise<string> {
  return writePack(path.join(t.inputs, name), files);
}

async function expectImportedAsIs(id: string, files: PackFiles): Promise<void> {
  const dir = path.join(t.home, 'models', id);
  for (const [name, bytes] of files) expect(sha256(await fs.readFile(path.join(dir, name))), name).toBe(sha256(bytes));
  expect((await fs.readdir(dir)).sort()).toEqual([...files.keys()].sort());
  // The pack folder stays a valid sha256sum tree.
  const check = spawnSync('sha256sum', ['-c', '--quiet', 'CHECKSUMS.sha256'], { cwd: dir, encoding: 'utf8' });
  expect(check.status, check.stdout + check.stderr).toBe(0);
}

async function touchForward(file: string): Promise<void> {
  // What any write does to mtime; set explicitly so the test does not depend on timestamp granularity.
  const later = new Date(Date.now() + 10_000);
  await fs.utimes(file, later, later);
}

describe('models import', () => {
  it('imports a pack folder; it is listed ok and verified, and passes verify', async () => {
    const files = tinyPack('from-folder');
    const events: ProgressEvent[] = [];
    const result = await t.library.import([await folder('pack', files)], { onProgress: (e) => events.push(e) });
    expect(result.replaced).toBe(false);
    expect(result.pack).toMatchObject({ id: 'from-folder', status: 'ok', verified: true, source: 'imported', license: 'Apache-2.0', renderable: true });
    const total = [...files.values()].reduce((n, b) => n + b.length, 0);
    expect(result.pack.bytes).toBe(total);
    await expectImportedAsIs('from-folder', files);

    const last = events.at(-1)!;
    expect(last).toMatchObject({ phase: 'copy', bytesDone: total, bytesTotal: total, filesDone: files.size, filesTotal: files.size });
    expect(events.every((e, i) => i === 0 || e.bytesDone >= events[i - 1]!.bytesDone)).toBe(true);

    const [listed] = await t.library.list();
    expect(listed).toMatchObject({ id: 'from-folder', status: 'ok', verified: true, files: files.size });
    const report = await t.library.verify('from-folder');
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(await fs.readdir(path.join(t.home, 'models', '.staging'))).toEqual([]);
  });

  it('imports a .zip whose files sit in one top folder, deflated', async () => {
    const files = tinyPack('from-zip');
    const zip = writeZip([{ name: 'from-zip/' }, ...[...files].map(([name, data]) => ({ name: `from-zip/${name}`, data, method: 'deflate' as const }))]);
    const file = path.join(t.inputs, 'pack.zip');
    await fs.writeFile(file, zip);
    expect((await t.library.import([file])).pack).toMatchObject({ id: 'from-zip', status: 'ok', verified: true });
    await expectImportedAsIs('from-zip', files);
  });

  it('imports a .tar.gz and a plain .tar', async () => {
    const gzFiles = tinyPack('from-targz');
    const targz = path.join(t.inputs, 'pack.tar.gz');
    await fs.writeFile(targz, await writeTar([...gzFiles].map(([name, data]) => ({ name: `./${name}`, data })), true));
    expect((await t.library.import([targz])).pack).toMatchObject({ id: 'from-targz', status: 'ok' });
    await expectImportedAsIs('from-targz', gzFiles);

    const tarFiles = tinyPack('from-tar');
    const tarFile = path.join(t.inputs, 'pack.tar');
    await fs.writeFile(tarFile, await writeTar([{ name: 'pack', type: 'directory' }, ...[...tarFiles].map(([name, data]) => ({ name: `pack/${name}`, data }))], false));
    expect((await t.library.import([tarFile])).pack).toMatchObject({ id: 'from-tar', status: 'ok' });
    await expectImportedAsIs('from-tar', tarFiles);
    expect((await t.library.list()).map((p) => p.id)).toEqual(['from-tar', 'from-targz']);
  });

  it('imports loose files given one by one', async () => {
    const files = tinyPack('from-files');
    const dir = await folder('loose', files);
    const result = await t.library.import([...files.keys()].map((name) => path.join(dir, name)));
    expect(result.pack).toMatchObject({ id: 'from-files', status: 'ok' });
    await expectImportedAsIs('from-files', files);
  });

  it('refuses an id already in the library unless --replace, which swaps the pack atomically', async () => {
    await t.library.import([await folder('v1', tinyPack('swap', '1.0.0'))]);
    const before = await libraryState(t);
    const refused = await refusalOf(t.library.import([await folder('v2', tinyPack('swap', '2.0.0'))]));
    expect(refused.code).toBe('MODEL_EXISTS');
    expect(refused.message).toMatch(/"swap" \(version 1\.0\.0\) is already in the library; import with --replace/);
    expect(await libraryState(t)).toEqual(before);

    const v2 = tinyPack('swap', '2.0.0');
    const result = await t.library.import([path.join(t.inputs, 'v2')], { replace: true });
    expect(result).toMatchObject({ replaced: true, pack: { id: 'swap', version: '2.0.0', status: 'ok', verified: true } });
    await expectImportedAsIs('swap', v2);
    expect(await fs.readdir(path.join(t.home, 'models'))).toEqual(['.staging', 'swap']);
    expect(await fs.readdir(path.join(t.home, 'models', '.staging'))).toEqual([]);
  });

  it('leaves no visible pack when the import is killed midway (progress listener throws)', async () => {
    await t.library.import([await folder('base', tinyPack('base'))]);
    const before = await libraryState(t);
    let seen = 0;
    const error = await t.library
      .import([await folder('doomed', tinyPack('doomed'))], {
        onProgress: (e) => {
          seen += 1;
          if (e.filesDone === 3) throw new Error('killed at file 3');
        },
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('killed at file 3');
    expect(seen).toBeGreaterThan(3);
    expect(await libraryState(t)).toEqual(before);
    expect(await fs.readdir(path.join(t.home, 'models', '.staging'))).toEqual([]);
    await expect(t.library.ensureVerifiedForRender('doomed')).rejects.toThrow(/no model pack "doomed"/);
  });

  it('reports the listener\'s own error when a .tar.gz import is stopped midway', async () => {
    const before = await libraryState(t);
    const targz = path.join(t.inputs, 'stopped.tar.gz');
    await fs.writeFile(targz, await writeTar([...tinyPack('stopped')].map(([name, data]) => ({ name, data })), true));
    const error = await t.library
      .import([targz], {
        onProgress: (e) => {
          if (e.filesDone === 2) throw new Error('stopped at file 2');
        },
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('stopped at file 2');
    expect(await libraryState(t)).toEqual(before);
    expect(await fs.readdir(path.join(t.home, 'models', '.staging'))).toEqual([]);
  });

  it('clears the staging folder of an import whose process died', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const leftover = path.join(t.home, 'models', '.staging', `${dead.stdout}-abc123`);
    await fs.mkdir(path.join(leftover, 'content'), { recursive: true });
    await fs.writeFile(path.join(leftover, 'content', 'half.onnx'), 'half');
    await t.library.import([await folder('after-crash', tinyPack('after-crash'))]);
    expect(await fs.readdir(path.join(t.home, 'models', '.staging'))).toEqual([]);
  });

  it('lists a seed MANIFEST.json pack as pending_training and refuses to render it', async () => {
    const result = await t.library.import([await folder('aiprod-sovereign', seedPack())]);
    expect(result.pack).toMatchObject({ id: 'aiprod-sovereign', status: 'pending_training', format: 'seed-manifest', renderable: false, license: 'LicenseRef-AIPROD-Proprietary' });
    expect((await t.library.verify('aiprod-sovereign')).ok).toBe(true);
    const refused = await refusalOf(t.library.ensureVerifiedForRender('aiprod-sovereign'));
    expect([refused.code, refused.kind]).toEqual(['MODEL_PENDING_TRAINING', 'input']);
  });
});

describe('verification', () => {
  const id = 'checked';
  let dir: string;
  beforeEach(async () => {
    await t.library.import([await folder('p', tinyPack(id))]);
    dir = path.join(t.home, 'models', id);
  });

  it('passes the render gate and returns the manifest and file hashes', async () => {
    const pack = await t.library.ensureVerifiedForRender(id);
    expect(pack.manifest.id).toBe(id);
    expect(pack.dir).toBe(dir);
    expect(pack.files.find((f) => f.path === 'denoiser.onnx')?.sha256).toBe(sha256(await fs.readFile(path.join(dir, 'denoiser.onnx'))));
  });

  it('finds one corrupted byte: verify names the file, the render gate refuses until it is restored', async () => {
    const file = path.join(dir, 'denoiser.onnx');
    const original = await fs.readFile(file);
    const corrupted = Buffer.from(original);
    flipByte(corrupted, -5);
    await fs.writeFile(file, corrupted);
    await touchForward(file);

    expect((await t.library.list())[0]).toMatchObject({ status: 'ok', verified: false }); // same size: only a re-hash can tell
    const refused = await refusalOf(t.library.ensureVerifiedForRender(id));
    expect([refused.code, refused.kind]).toEqual(['MODEL_FILE_MODIFIED', 'input']);
    expect(refused.message).toMatch(/model pack "checked": file "denoiser\.onnx" was modified \(SHA-256 differs/);
    expect((await t.library.list())[0]).toMatchObject({ status: 'modified', verified: false });

    const report = await t.library.verify(id);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ id, file: 'denoiser.onnx', problem: 'modified' })]);

    await fs.writeFile(file, original);
    await touchForward(file);
    expect((await t.library.ensureVerifiedForRender(id)).id).toBe(id);
    expect((await t.library.list())[0]).toMatchObject({ status: 'ok', verified: true });
  });

  it('verify finds a change even when the mtime was put back', async () => {
    const file = path.join(dir, 'tokenizer.json');
    // touch -r restores the nanosecond mtime exactly (fs.utimes would round it).
    const reference = path.join(t.inputs, 'mtime-reference');
    expect(spawnSync('cp', ['-p', file, reference]).status).toBe(0);
    const bytes = await fs.readFile(file);
    flipByte(bytes, 10, 0x01);
    await fs.writeFile(file, bytes);
    expect(spawnSync('touch', ['-r', reference, file]).status).toBe(0);
    expect((await t.library.list())[0]).toMatchObject({ status: 'ok', verified: true }); // the cheap check cannot see it
    expect((await t.library.verify(id)).problems.map((p) => p.file)).toEqual(['tokenizer.json']);
  });

  it('a deleted file makes the pack missing everywhere', async () => {
    await fs.rm(path.join(dir, 'vae_decoder.onnx'));
    expect((await t.library.list())[0]).toMatchObject({ status: 'missing', verified: false, problem: 'model pack "checked": file "vae_decoder.onnx" is missing' });
    const report = await t.library.verify();
    expect(report.problems).toEqual([{ id, file: 'vae_decoder.onnx', problem: 'missing', message: 'model pack "checked": file "vae_decoder.onnx" is missing' }]);
    const refused = await refusalOf(t.library.ensureVerifiedForRender(id));
    expect(refused.code).toBe('MODEL_FILE_MISSING');
    expect(refused.message).toMatch(/"vae_decoder\.onnx" is missing/);
  });

  it('a file replaced by a symlink is reported, not followed', async () => {
    const file = path.join(dir, 'MODEL_CARD.md');
    const outside = path.join(t.inputs, 'card.md');
    await fs.copyFile(file, outside);
    await fs.rm(file);
    await fs.symlink(outside, file);
    const report = await t.library.verify(id);
    expect(report.problems[0]).toMatchObject({ file: 'MODEL_CARD.md', problem: 'modified' });
    expect(report.problems[0]!.message).toMatch(/now a symbolic link/);
  });
});

describe('shipped packs', () => {
  it('are listed read-only, verified on demand, and their ids cannot be imported over', async () => {
    const shipped = path.join(t.root, 'shipped');
    await writePack(path.join(shipped, 'tiny-test'), tinyPack('tiny-shipped'));
    const lib = await testLibrary([shipped]);
    try {
      const [listed] = await lib.library.list();
      expect(listed).toMatchObject({ id: 'tiny-shipped', source: 'shipped', status: 'ok', verified: false, path: path.join(shipped, 'tiny-test') });
      expect((await lib.library.verify()).ok).toBe(true);
      expect((await lib.library.list())[0]).toMatchObject({ verified: true });

      const refused = await refusalOf(lib.library.import([await writePack(path.join(lib.inputs, 'p'), tinyPack('tiny-shipped'))]));
      expect(refused.code).toBe('MODEL_ID_SHIPPED');

      const file = path.join(shipped, 'tiny-test', 'upsampler.onnx');
      const bytes = await fs.readFile(file);
      flipByte(bytes, -1, 0x55);
      await fs.writeFile(file, bytes);
      expect((await lib.library.verify('tiny-shipped')).problems).toEqual([expect.objectContaining({ file: 'upsampler.onnx', problem: 'modified' })]);
    } finally {
      await lib.dispose();
    }
  });
});
