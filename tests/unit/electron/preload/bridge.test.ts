import { build } from 'esbuild';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridge, type IpcRendererLike } from '../../../../electron/preload/bridge';

type Listener = (event: unknown, ...args: unknown[]) => void;

class FakeIpcRenderer implements IpcRendererLike {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly listeners = new Map<string, Listener[]>();
  answer: unknown = { ok: true, value: 'answer' };

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return Promise.resolve(this.answer);
  }
  on(channel: string, listener: Listener): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }
  removeListener(channel: string, listener: Listener): this {
    this.listeners.set(channel, (this.listeners.get(channel) ?? []).filter((l) => l !== listener));
    return this;
  }
  /** Plays main sending an event; the first argument is Electron's event object. */
  emit(channel: string, data: unknown): void {
    const electronEvent = { sender: 'ipcRenderer itself', ports: [] };
    for (const listener of this.listeners.get(channel) ?? []) listener(electronEvent, data);
  }
}

describe('createBridge', () => {
  it('forwards invoke on contract channels and answers the envelope untouched', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    expect(await bridge.invoke('app.info')).toEqual({ ok: true, value: 'answer' });
    expect(ipc.invoked).toEqual([{ channel: 'app.info', args: [undefined] }]);
  });

  it('refuses channels outside the contract without touching ipcRenderer', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    const invokeAny = bridge.invoke as (channel: string, payload?: unknown) => Promise<unknown>;
    expect(await invokeAny('app.shutdown')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(ipc.invoked).toHaveLength(0);
    const subscribeAny = bridge.subscribe as (channel: string, listener: () => void) => () => void;
    expect(() => subscribeAny('ELECTRON_BROWSER_WINDOW_CLOSE', () => undefined)).toThrow(/Unknown event channel/);
    expect(ipc.listeners.size).toBe(0);
  });

  it('hands listeners the data only, never the Electron event, and unsubscribes', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createBridge(ipc);
    const seen: unknown[][] = [];
    const off = bridge.subscribe('app.log', (...args: unknown[]) => seen.push(args));
    ipc.emit('app.log', { message: 'one' });
    off();
    ipc.emit('app.log', { message: 'two' });
    expect(seen).toEqual([[{ message: 'one' }]]);
    expect(ipc.listeners.get('app.log')).toEqual([]);
  });
});

describe('the built preload (dist/node/preload.cjs as scripts/build.mjs makes it)', () => {
  let dir: string;
  let code: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-preload-'));
    const outfile = path.join(dir, 'preload.cjs');
    await build({
      entryPoints: [path.resolve('electron/preload/index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      logLevel: 'silent',
    });
    code = await readFile(outfile, 'utf8');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("requires nothing but 'electron' (a sandboxed preload cannot load packages)", () => {
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(code).not.toMatch(/zod/);
  });

  it('exposes window.aiprod with invoke and subscribe, and nothing else', async () => {
    const exposed: { key: string; api: Record<string, unknown> }[] = [];
    const ipc = new FakeIpcRenderer();
    const electron = { contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push({ key, api }) }, ipcRenderer: ipc };
    const module = { exports: {} };
    const requireInSandbox = (name: string): unknown => {
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    };
    vm.runInNewContext(code, { require: requireInSandbox, module, exports: module.exports });
    expect(exposed.map((e) => e.key)).toEqual(['aiprod']);
    const api = exposed[0]!.api;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'subscribe']);
    await (api.invoke as (channel: string) => Promise<unknown>)('app.info');
    expect(ipc.invoked.map((i) => i.channel)).toEqual(['app.info']);
  });
});
