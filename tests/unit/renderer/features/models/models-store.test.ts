import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelsChangedEvent, ModelsProgressEvent } from '../../../../../electron/common/channels/models';
import { modelsServiceFor, ModelsService, setModelsService } from '../../../../../electron/handlers/models';
import type { Dropped } from '../../../../../renderer/src/features/models/dropped';
import type { ImportTransport } from '../../../../../renderer/src/features/models/import-dropped';
import { createModelsStore } from '../../../../../renderer/src/features/models/models-store';
import { flipByte, tinyPack, writePack, type PackFiles } from '../../../engine/models/fixtures/packs';
import { inProcessShell, type InProcessShell } from '../../in-process-shell';

// The Models page's store against the real handlers and the real model library (in this process,
// as the headless host serves them): drops imported from paths (Electron) and from uploaded bytes
// (a browser), progress and change events, verify and remove.

let root: string;
let shell: InProcessShell;
let shipped: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'aiprod-models-store-'));
  shipped = path.join(root, 'shipped');
  await writePack(path.join(shipped, 'tiny-shipped'), tinyPack('tiny-shipped'));
  shell = inProcessShell();
  setModelsService(shell.ctx, new ModelsService({ emit: shell.ctx.emit, shell: 'host', home: path.join(root, 'home'), shippedDirs: [shipped] }));
});
afterEach(async () => {
  await modelsServiceFor(shell.ctx).close();
  await shell.close();
  await fs.rm(root, { recursive: true, force: true });
});

function asFiles(files: PackFiles, folder?: string): Dropped {
  const list = [...files].map(([name, bytes]) => ({ file: new File([bytes], name), relativePath: folder === undefined ? name : `${folder}/${name}` }));
  return { top: list.map((f) => f.file), files: list };
}

/** Electron's way: each dropped File has a path on disk. */
function pathTransport(paths: Map<File, string>): ImportTransport {
  return {
    pathForFile: (file) => paths.get(file) ?? '',
    put: () => Promise.reject(new Error('Electron never uploads')),
  };
}

/** A browser's way: the bytes go to the host's upload route, here the same service the route calls. */
function uploadTransport(): ImportTransport {
  return {
    put: async (url, body) => {
      const [, uploadId, index] = /\/upload\/models\/([a-f0-9]+)\/(\d+)$/.exec(url) ?? [];
      try {
        const bytes = new Uint8Array(await body.arrayBuffer());
        async function* once(): AsyncIterable<Uint8Array> {
          yield bytes;
        }
        return { ok: true, value: await modelsServiceFor(shell.ctx).receiveUpload(uploadId!, Number(index), once()) };
      } catch (error) {
        return { ok: false, error: { code: (error as { code?: string }).code ?? 'INTERNAL', message: (error as Error).message } };
      }
    },
  };
}

function events(): { progress: ModelsProgressEvent[]; changed: ModelsChangedEvent[] } {
  const api = shell.connect();
  const seen = { progress: [] as ModelsProgressEvent[], changed: [] as ModelsChangedEvent[] };
  api.subscribe('models.progress', (e) => seen.progress.push(e));
  api.subscribe('models.changed', (e) => seen.changed.push(e));
  return seen;
}

describe('models store', () => {
  it('lists the library, including the shipped pack, read-only', async () => {
    const store = createModelsStore(shell.connect(), uploadTransport());
    await store.getState().load();
    expect(store.getState().packs).toEqual([expect.objectContaining({ id: 'tiny-shipped', source: 'shipped', status: 'ok' })]);
    expect(await store.getState().remove('tiny-shipped')).toBe(false);
    expect(store.getState().error).toMatchObject({ code: 'MODEL_READ_ONLY' });
    expect(store.getState().packs.map((p) => p.id)).toEqual(['tiny-shipped']);
  });

  it('imports dropped files from their paths (Electron), following progress to done', async () => {
    const files = tinyPack('from-paths');
    const dir = await writePack(path.join(root, 'drop'), files);
    const dropped = asFiles(files);
    const paths = new Map(dropped.top.map((file) => [file, path.join(dir, file.name)]));
    const seen = events();
    const api = shell.connect();
    const store = createModelsStore(api, pathTransport(paths));
    const off = store.getState().follow();

    expect(await store.getState().importDrop(dropped)).toBe('from-paths');
    const [op] = store.getState().operations;
    expect(op).toMatchObject({ operation: 'import', phase: 'done', packId: 'from-paths', files: files.size });
    expect(store.getState().packs.find((p) => p.id === 'from-paths')).toMatchObject({ status: 'ok', verified: true, source: 'imported' });
    // The engine's copy phase reached the page before it was done, under the page's own id.
    expect(seen.progress.some((e) => e.importId === op!.id && e.phase === 'copy' && e.bytes > 0)).toBe(true);
    expect(seen.progress.at(-1)).toMatchObject({ importId: op!.id, phase: 'done', packId: 'from-paths' });
    expect(seen.changed.at(-1)).toMatchObject({ reason: 'imported', id: 'from-paths' });
    off();
  });

  it('uploads dropped files when there are no paths (a browser) and imports the staged copy', async () => {
    const files = tinyPack('from-upload');
    const seen = events();
    const store = createModelsStore(shell.connect(), uploadTransport());
    const off = store.getState().follow();
    expect(await store.getState().importDrop(asFiles(files, 'tiny-folder'))).toBe('from-upload');
    const [op] = store.getState().operations;
    expect(op).toMatchObject({ phase: 'done', packId: 'from-upload' });
    const names = [...files.keys()];
    expect(op!.label).toBe(`${names.slice(0, 3).join(', ')} and ${names.length - 3} more`);
    // Upload progress came under the host's upload id and landed on the page's operation.
    expect(seen.progress.some((e) => e.phase === 'upload')).toBe(true);
    const staging = path.join(root, 'home', 'models', '.staging');
    expect(await fs.readdir(staging)).toEqual([]);
    off();
  });

  it('shows a refused import as failed with the engine\'s error, the library unchanged', async () => {
    const files = tinyPack('broken');
    const bytes = Buffer.from(files.get('denoiser.onnx')!);
    files.set('denoiser.onnx', flipByte(bytes, -2));
    const store = createModelsStore(shell.connect(), uploadTransport());
    await store.getState().load();
    const before = store.getState().packs;
    expect(await store.getState().importDrop(asFiles(files))).toBeNull();
    expect(store.getState().operations[0]).toMatchObject({ phase: 'failed', error: { code: 'PACK_CHECKSUM_MISMATCH' } });
    expect(store.getState().operations[0]!.error!.message).toMatch(/"denoiser\.onnx": SHA-256 [0-9a-f]{64} does not match CHECKSUMS\.sha256/);
    await store.getState().load();
    expect(store.getState().packs).toEqual(before);
  });

  it('verifies a pack, then removes it after the import', async () => {
    const store = createModelsStore(shell.connect(), uploadTransport());
    await store.getState().importDrop(asFiles(tinyPack('short-lived')));
    expect(await store.getState().verify('short-lived')).toBe(true);
    expect(store.getState().checked['short-lived']).toEqual({ ok: true, problems: [] });
    expect(store.getState().operations[0]).toMatchObject({ operation: 'verify', phase: 'done' });
    expect(await store.getState().remove('short-lived')).toBe(true);
    expect(store.getState().packs.map((p) => p.id)).toEqual([]);
    await store.getState().load();
    expect(store.getState().packs.map((p) => p.id)).toEqual(['tiny-shipped']);
    await expect(fs.readdir(path.join(root, 'home', 'models'))).resolves.toEqual(['.staging']);
  });

  it('says so when a dropped file has no path in Electron', async () => {
    const store = createModelsStore(shell.connect(), pathTransport(new Map()));
    expect(await store.getState().importDrop(asFiles(tinyPack('nowhere')))).toBeNull();
    expect(store.getState().operations[0]!.error).toMatchObject({ code: 'IMPORT_NOTHING' });
    const first = [...tinyPack('nowhere').keys()][0]!;
    expect(store.getState().operations[0]!.error!.message).toMatch(new RegExp(`^"${first.replace('.', '\\.')}" has no path on this computer`));
  });
});
