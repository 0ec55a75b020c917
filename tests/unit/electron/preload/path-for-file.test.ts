import { build } from 'esbuild';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridge, type IpcRendererLike } from '../../../../electron/preload/bridge';

// window.aiprod.pathForFile: the path of a file the user dropped (Electron's webUtils), so the
// Models page can import it. Exposed as one function over a File, never webUtils or ipcRenderer.

const ipc: IpcRendererLike = {
  invoke: () => Promise.resolve({ ok: true, value: null }),
  on: () => undefined,
  removeListener: () => undefined,
};

describe('pathForFile', () => {
  it('answers what webUtils.getPathForFile answers for that very file', () => {
    const seen: unknown[] = [];
    const file = new Blob(['x']);
    const bridge = createBridge(ipc, {
      getPathForFile: (f: never) => {
        seen.push(f);
        return '/home/me/packs/denoiser.onnx';
      },
    });
    expect(bridge.pathForFile?.(file)).toBe('/home/me/packs/denoiser.onnx');
    expect(seen).toEqual([file]);
  });

  it('is absent without webUtils (the headless host has no paths)', () => {
    expect('pathForFile' in createBridge(ipc)).toBe(false);
  });
});

describe('the built preload with Electron 45 webUtils', () => {
  let dir: string;
  let code: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-preload-files-'));
    const outfile = path.join(dir, 'preload.cjs');
    await build({ entryPoints: [path.resolve('electron/preload/index.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'silent' });
    code = await readFile(outfile, 'utf8');
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('exposes invoke, subscribe and pathForFile, and nothing of webUtils itself', () => {
    const exposed: { key: string; api: Record<string, unknown> }[] = [];
    const webUtils = { getPathForFile: (file: { name: string }) => `/dropped/${file.name}`, secret: () => 'not for the page' };
    const electron = { contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push({ key, api }) }, ipcRenderer: ipc, webUtils };
    const module = { exports: {} };
    vm.runInNewContext(code, { require: (name: string) => (name === 'electron' ? electron : undefined), module, exports: module.exports });
    expect(exposed.map((e) => e.key)).toEqual(['aiprod']);
    const api = exposed[0]!.api;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'pathForFile', 'subscribe']);
    expect((api.pathForFile as (f: { name: string }) => string)({ name: 'pack.zip' })).toBe('/dropped/pack.zip');
    expect(Object.values(api)).not.toContain(webUtils);
  });
});
