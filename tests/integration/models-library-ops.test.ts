import Database from 'better-sqlite3';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HandlerContext } from '../../electron/handlers/context';
import { dispatch } from '../../electron/handlers/dispatch';
import { ModelsService, setModelsService } from '../../electron/handlers/models';
import { ModelLibrary } from '../../engine/models/model-library';
import { libraryState, refusalOf, testLibrary, type TestLibrary } from '../unit/engine/models/fixtures/library';
import { flipByte, tinyPack, writePack } from '../unit/engine/models/fixtures/packs';
import { stubServices } from '../unit/electron/stub-services';

// Removing packs, verifying with several problems at once (files hashed in parallel), and the
// models channels' own refusals, on real files and the real library database.

let t: TestLibrary;
let shipped: string;

beforeEach(async () => {
  const base = await testLibrary();
  shipped = path.join(base.root, 'shipped');
  await writePack(path.join(shipped, 'tiny-shipped'), tinyPack('tiny-shipped'));
  // The same home, opened again with a shipped pack beside it.
  base.library.close();
  t = { ...base, library: await ModelLibrary.open({ home: base.home, shippedDirs: [shipped] }) };
});
afterEach(async () => t.dispose());

function rows(sql: string): unknown[] {
  const db = new Database(path.join(t.home, 'library.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('remove', () => {
  it('takes an imported pack out of the folder and the registry, and it can come back', async () => {
    await t.library.import([await writePack(path.join(t.inputs, 'p'), tinyPack('goner'))]);
    const removed = await t.library.remove('goner');
    expect(removed).toMatchObject({ id: 'goner', source: 'imported' });
    expect(await fs.readdir(path.join(t.home, 'models'))).toEqual(['.staging']);
    expect(await fs.readdir(path.join(t.home, 'models', '.staging'))).toEqual([]);
    expect(rows("SELECT id FROM model_packs WHERE id = 'goner'")).toEqual([]);
    expect(rows("SELECT path FROM model_pack_files WHERE pack_id = 'goner'")).toEqual([]);
    expect((await t.library.list()).map((p) => p.id)).toEqual(['tiny-shipped']);
    expect((await t.library.import([path.join(t.inputs, 'p')])).pack).toMatchObject({ id: 'goner', status: 'ok' });
  });

  it('refuses a shipped pack (read-only) and an unknown id, changing nothing', async () => {
    const before = await libraryState(t);
    const shippedFiles = await fs.readdir(path.join(shipped, 'tiny-shipped'));
    const readOnly = await refusalOf(t.library.remove('tiny-shipped'));
    expect([readOnly.code, readOnly.kind, readOnly.message]).toEqual(['MODEL_READ_ONLY', 'input', 'model pack "tiny-shipped" ships with AIPROD Studio and is read-only: only imported packs can be removed']);
    expect((await refusalOf(t.library.remove('nope'))).code).toBe('MODEL_NOT_FOUND');
    expect(await libraryState(t)).toEqual(before);
    expect(await fs.readdir(path.join(shipped, 'tiny-shipped'))).toEqual(shippedFiles);
  });

  it('never deletes a folder the library did not make, whatever the registry says', async () => {
    await t.library.import([await writePack(path.join(t.inputs, 'p'), tinyPack('moved'))]);
    const elsewhere = path.join(t.root, 'precious');
    await fs.mkdir(elsewhere);
    await fs.writeFile(path.join(elsewhere, 'keep.txt'), 'mine');
    const db = new Database(path.join(t.home, 'library.sqlite'));
    db.prepare("UPDATE model_packs SET path = ? WHERE id = 'moved'").run(elsewhere);
    db.close();
    const error = await refusalOf(t.library.remove('moved'));
    expect(error.code).toBe('MODEL_PATH_UNEXPECTED');
    expect(await fs.readFile(path.join(elsewhere, 'keep.txt'), 'utf8')).toBe('mine');
    expect(await fs.readdir(path.join(t.home, 'models', 'moved'))).toContain('aiprod-model.json');
  });
});

describe('verify', () => {
  it('finds every problem of a pack at once, in file order, each naming its file', async () => {
    await t.library.import([await writePack(path.join(t.inputs, 'p'), tinyPack('several'))]);
    const dir = path.join(t.home, 'models', 'several');
    for (const name of ['vae_decoder.onnx', 'text_encoder.onnx']) {
      const file = path.join(dir, name);
      await fs.writeFile(file, flipByte(await fs.readFile(file), 7));
    }
    await fs.rm(path.join(dir, 'tokenizer.json'));
    const report = await t.library.verify('several');
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.file, p.problem])).toEqual([
      ['text_encoder.onnx', 'modified'],
      ['tokenizer.json', 'missing'],
      ['vae_decoder.onnx', 'modified'],
    ]);
    expect(report.packs[0]).toMatchObject({ id: 'several', status: 'missing', verified: false });
    // The shipped pack, verified alongside when no id is given, is fine.
    expect((await t.library.verify()).packs.map((p) => [p.id, p.problem === null])).toEqual([
      ['several', false],
      ['tiny-shipped', true],
    ]);
  });
});

describe('the models channels', () => {
  function context(shell: 'electron' | 'host'): HandlerContext {
    const ctx: HandlerContext = { services: stubServices(), shell: { shell, shellVersion: '0' }, emit: () => undefined };
    setModelsService(ctx, new ModelsService({ emit: ctx.emit, shell, home: t.home, shippedDirs: [shipped] }));
    return ctx;
  }

  it('refuse bad payloads before the library is touched', async () => {
    const ctx = context('host');
    const both = await dispatch('models.import', { paths: ['/tmp/x'], uploadId: 'abc' }, ctx);
    expect(both).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD', message: 'Bad payload for models.import: give either paths or uploadId' } });
    const relative = await dispatch('models.import', { paths: ['packs/tiny'] }, ctx);
    expect(relative).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD', message: 'Bad payload for models.import: paths.0: the path must be absolute' } });
    expect(await dispatch('models.remove', { id: '' }, ctx)).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD' } });
  });

  it('import from paths and remove through the contract; uploads exist only on the headless host', async () => {
    const ctx = context('electron');
    const dir = await writePack(path.join(t.inputs, 'ipc'), tinyPack('over-ipc'));
    const imported = await dispatch('models.import', { paths: [dir], importId: 'drop-1' }, ctx);
    expect(imported).toMatchObject({ ok: true, value: { importId: 'drop-1', pack: { id: 'over-ipc', verified: true } } });
    expect(await dispatch('models.remove', { id: 'tiny-shipped' }, ctx)).toMatchObject({ ok: false, error: { code: 'MODEL_READ_ONLY' } });
    expect(await dispatch('models.remove', { id: 'over-ipc' }, ctx)).toMatchObject({ ok: true, value: { removed: { id: 'over-ipc' } } });
    const upload = await dispatch('models.uploadBegin', { files: [{ name: 'a.json', bytes: 1 }] }, ctx);
    expect(upload).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
  });
});
