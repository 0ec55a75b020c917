import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LogEntry } from '../../../../electron/common/channels/app';
import type { AiprodBridge } from '../../../../electron/common/contract';
import { startHost, type HostHandle } from '../../../../electron/host';
import { ApiError, createApi } from '../../../../renderer/src/lib/api';
import { createSocketBridge, type SocketLike } from '../../../../renderer/src/lib/socket-bridge';
import { stubServices } from '../../electron/stub-services';

describe('createApi', () => {
  function bridgeAnswering(result: unknown): AiprodBridge {
    return { invoke: () => Promise.resolve(result) as never, subscribe: () => () => undefined };
  }

  it('resolves with the value of a successful call', async () => {
    const api = createApi(bridgeAnswering({ ok: true, value: { appVersion: '1.2.3' } }));
    expect(await api.invoke('app.info')).toEqual({ appVersion: '1.2.3' });
  });

  it('rejects with an ApiError that keeps the code and detail', async () => {
    const api = createApi(bridgeAnswering({ ok: false, error: { code: 'BAD_PAYLOAD', message: 'Bad payload for app.info', detail: { channel: 'app.info' } } }));
    const error = await api.invoke('app.info').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'BAD_PAYLOAD', message: 'Bad payload for app.info', detail: { channel: 'app.info' } });
  });
});

describe('the socket bridge against a real host', () => {
  let dir: string;
  let host: HostHandle;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-bridge-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html>');
    host = await startHost({ rendererDir: dir, services: stubServices(), networkGuard: false });
  });

  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** What the browser does for the page: the host's own Origin and its token (the cookie, there). */
  function socketAs(origin: string, token: string): (url: string) => SocketLike {
    return (url) => new WebSocket(`${url}?token=${token}`, { origin }) as unknown as SocketLike;
  }

  it('invokes, subscribes and unsubscribes over the WebSocket', async () => {
    const bridge = createSocketBridge(`ws://127.0.0.1:${host.port}/ws`, socketAs(`http://127.0.0.1:${host.port}`, host.token));
    const api = createApi(bridge);
    const entries: LogEntry[] = [];
    const off = api.subscribe('app.log', (entry) => entries.push(entry));
    const info = await api.invoke('app.info');
    expect(info).toMatchObject({ shell: 'host', appVersion: '9.8.7', packs: [{ id: 'nano' }] });
    // The event is sent before the answer, so it has arrived by now.
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: 'info', source: 'host' });
    off();
    await api.invoke('app.info');
    expect(entries).toHaveLength(1);
    const bad = await (api.invoke as (c: string, p: unknown) => Promise<unknown>)('app.info', { extra: 1 }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'BAD_PAYLOAD' });
    bridge.close();
  });

  it('answers DISCONNECTED when the host refuses the socket', async () => {
    const bridge = createSocketBridge(`ws://127.0.0.1:${host.port}/ws`, socketAs(`http://127.0.0.1:${host.port}`, 'x'.repeat(43)));
    const result = await bridge.invoke('app.info');
    expect(result).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
  });
});
