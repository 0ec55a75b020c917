import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHost, type HostHandle } from '../../../../electron/host';
import { isAiprodError } from '../../../../engine/errors';
import { stubServices } from '../stub-services';
import { rawRequest } from './raw-http';

let dir: string;
let rendererDir: string;
let host: HostHandle;
let origin: string;
let cookie: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-host-'));
  rendererDir = path.join(dir, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>STUDIO-INDEX</title>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(dir, 'secret.txt'), 'SECRET');
  host = await startHost({ rendererDir, services: stubServices(), networkGuard: false });
  origin = `http://127.0.0.1:${host.port}`;
  cookie = `aiprod_token_${host.port}=${host.token}`;
});

afterAll(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens a socket; resolves with it once open, or with the HTTP status that refused it. */
function connect(options: { origin?: string; cookie?: string; query?: string; path?: string } = {}): Promise<{ ws: WebSocket } | { refused: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.cookie !== undefined) headers.Cookie = options.cookie;
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${options.path ?? '/ws'}${options.query ?? ''}`, { headers, ...(options.origin === undefined ? {} : { origin: options.origin }) });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_request, response) => {
      // Wait for the host to close the connection itself (bounded: 5 s means it did not).
      const socket = response.socket;
      const timer = setTimeout(() => resolve({ refused: response.statusCode ?? 0, closed: false }), 5000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve({ refused: response.statusCode ?? 0, closed: true });
      });
      response.resume();
    });
    ws.on('error', reject);
  });
}

/** Every message a socket receives, in order; several can arrive in one tick, so they are queued. */
const inboxes = new WeakMap<WebSocket, { queue: unknown[]; waiters: ((m: unknown) => void)[] }>();

function nextMessage(ws: WebSocket): Promise<unknown> {
  const inbox = inboxes.get(ws);
  if (inbox === undefined) throw new Error('socket not opened with openSocket()');
  if (inbox.queue.length > 0) return Promise.resolve(inbox.queue.shift());
  return new Promise((resolve) => inbox.waiters.push(resolve));
}

async function openSocket(): Promise<WebSocket> {
  const result = await connect({ origin, cookie });
  if (!('ws' in result)) throw new Error(`refused with ${result.refused}`);
  const inbox: { queue: unknown[]; waiters: ((m: unknown) => void)[] } = { queue: [], waiters: [] };
  inboxes.set(result.ws, inbox);
  result.ws.on('message', (data: Buffer) => {
    const message: unknown = JSON.parse(data.toString());
    const waiter = inbox.waiters.shift();
    if (waiter !== undefined) waiter(message);
    else inbox.queue.push(message);
  });
  return result.ws;
}

describe('binding', () => {
  it('listens on 127.0.0.1 only', async () => {
    expect(host.address).toBe('127.0.0.1');
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("cannot be reached on this machine's other addresses", async () => {
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => a !== undefined && !a.internal && a.family === 'IPv4')
      .map((a) => a.address);
    for (const address of others) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: address, port: host.port });
        socket.setTimeout(3000, () => (socket.destroy(), resolve('timeout')));
        socket.on('connect', () => (socket.destroy(), resolve('connected')));
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(outcome, address).not.toBe('connected');
    }
  });
});

describe('HTTP', () => {
  it('refuses every request without the token, with 403 and no page', async () => {
    for (const target of ['/', '/index.html', '/assets/app.js', '/?token=wrong', `/?token=${host.token.slice(0, -1)}`]) {
      const response = await rawRequest(host.port, target);
      expect(response.status, target).toBe(403);
      expect(response.body, target).not.toContain('STUDIO-INDEX');
    }
    const wrongCookie = await rawRequest(host.port, '/', { Cookie: `aiprod_token_${host.port}=${'x'.repeat(43)}` });
    expect(wrongCookie.status).toBe(403);
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const response = await rawRequest(host.port, `/?token=${host.token}`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(response.headers['set-cookie']).toBe(`${cookie}; HttpOnly; SameSite=Strict; Path=/`);
  });

  it('serves the renderer with the cookie, with a CSP that allows only its own socket', async () => {
    const response = await rawRequest(host.port, '/', { Cookie: `other=1; ${cookie}` });
    expect(response.status).toBe(200);
    expect(response.body).toContain('STUDIO-INDEX');
    expect(response.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a foreign Host header (DNS rebinding) even with the cookie', async () => {
    const response = await new Promise<number>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: host.port }, () =>
        socket.write(`GET / HTTP/1.1\r\nHost: evil.example:${host.port}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(Number(text.slice(9, 12))));
      socket.on('error', reject);
    });
    expect(response).toBe(403);
  });

  it.each(['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '//etc/passwd', '/C:/secret.txt', 'http://127.0.0.1/../secret.txt', '/%00'])(
    'refuses the static path %s',
    async (target) => {
      const response = await rawRequest(host.port, target, { Cookie: cookie });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body).not.toContain('SECRET');
    },
  );

  it('refuses methods other than GET and HEAD', async () => {
    expect((await rawRequest(host.port, '/', { Cookie: cookie, 'Content-Length': '0' }, 'POST')).status).toBe(405);
  });
});

describe('WebSocket', () => {
  it('refuses a socket without the token: 403, connection closed', async () => {
    expect(await connect({ origin })).toEqual({ refused: 403, closed: true });
    expect(await connect({ origin, query: '?token=wrong' })).toEqual({ refused: 403, closed: true });
  });

  it('refuses a foreign or missing Origin even with the token', async () => {
    expect(await connect({ origin: 'http://evil.example', cookie })).toMatchObject({ refused: 403 });
    expect(await connect({ origin: `http://localhost:${host.port}`, cookie })).toMatchObject({ refused: 403 });
    expect(await connect({ cookie })).toMatchObject({ refused: 403 });
  });

  it('accepts the token by cookie or query, on /ws only', async () => {
    const byCookie = await connect({ origin, cookie });
    const byQuery = await connect({ origin, query: `?token=${host.token}` });
    expect('ws' in byCookie && 'ws' in byQuery).toBe(true);
    for (const r of [byCookie, byQuery]) if ('ws' in r) r.ws.close();
    expect(await connect({ origin, cookie, path: '/other' })).toMatchObject({ refused: 404 });
  });

  it('answers app.info over the contract', async () => {
    const ws = await openSocket();
    ws.send(JSON.stringify({ kind: 'invoke', id: 7, channel: 'app.info' }));
    expect(await nextMessage(ws)).toMatchObject({ kind: 'result', id: 7, result: { ok: true, value: { shell: 'host', appVersion: '9.8.7' } } });
    ws.close();
  });

  it('answers a bad payload with BAD_PAYLOAD, an unknown channel with UNKNOWN_CHANNEL, garbage with BAD_MESSAGE', async () => {
    const ws = await openSocket();
    ws.send(JSON.stringify({ kind: 'invoke', id: 1, channel: 'app.info', payload: { nope: 1 } }));
    expect(await nextMessage(ws)).toMatchObject({ kind: 'result', id: 1, result: { ok: false, error: { code: 'BAD_PAYLOAD', detail: { channel: 'app.info' } } } });
    ws.send(JSON.stringify({ kind: 'invoke', id: 2, channel: 'app.exec', payload: 'rm -rf /' }));
    expect(await nextMessage(ws)).toMatchObject({ kind: 'result', id: 2, result: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } } });
    ws.send('{not json');
    expect(await nextMessage(ws)).toMatchObject({ kind: 'result', id: null, result: { ok: false, error: { code: 'BAD_MESSAGE' } } });
    ws.send(JSON.stringify({ kind: 'invoke', id: 3 }));
    expect(await nextMessage(ws)).toMatchObject({ kind: 'result', id: 3, result: { ok: false, error: { code: 'BAD_MESSAGE' } } });
    ws.send(JSON.stringify({ kind: 'subscribe', channel: 'app.secrets' }));
    expect(await nextMessage(ws)).toMatchObject({ kind: 'result', id: null, result: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } } });
    ws.close();
  });

  it('delivers events to subscribers only, until they unsubscribe', async () => {
    const subscriber = await openSocket();
    const bystander = await openSocket();
    subscriber.send(JSON.stringify({ kind: 'subscribe', channel: 'app.log' }));
    // The invoke is answered after the subscribe was handled: messages are processed in order.
    subscriber.send(JSON.stringify({ kind: 'invoke', id: 1, channel: 'app.info' }));
    const first = await nextMessage(subscriber);
    expect(first).toMatchObject({ kind: 'event', channel: 'app.log', data: { level: 'info', source: 'host' } });
    expect(await nextMessage(subscriber)).toMatchObject({ kind: 'result', id: 1 });
    subscriber.send(JSON.stringify({ kind: 'unsubscribe', channel: 'app.log' }));
    subscriber.send(JSON.stringify({ kind: 'invoke', id: 2, channel: 'app.info' }));
    expect(await nextMessage(subscriber)).toMatchObject({ kind: 'result', id: 2 });
    // The bystander, never subscribed, gets its answer and no event.
    bystander.send(JSON.stringify({ kind: 'invoke', id: 9, channel: 'app.info' }));
    expect(await nextMessage(bystander)).toMatchObject({ kind: 'result', id: 9 });
    // Both now ask once more: had either received an event, it would come before this answer.
    subscriber.send(JSON.stringify({ kind: 'invoke', id: 3, channel: 'app.info' }));
    bystander.send(JSON.stringify({ kind: 'invoke', id: 10, channel: 'app.info' }));
    expect(await nextMessage(subscriber)).toMatchObject({ kind: 'result', id: 3 });
    expect(await nextMessage(bystander)).toMatchObject({ kind: 'result', id: 10 });
    subscriber.close();
    bystander.close();
  });
});

describe('startHost options', () => {
  async function failure(run: () => Promise<unknown>): Promise<unknown> {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  }

  it('refuses a malformed token, a bad port and a missing renderer with typed errors', async () => {
    const short = await failure(() => startHost({ rendererDir, token: 'abc' }));
    expect(isAiprodError(short) && short.code).toBe('HOST_BAD_TOKEN');
    const port = await failure(() => startHost({ rendererDir, port: 70000 }));
    expect(isAiprodError(port) && port.code).toBe('HOST_BAD_PORT');
    const missing = await failure(() => startHost({ rendererDir: path.join(dir, 'nowhere') }));
    expect(isAiprodError(missing) && missing.code).toBe('HOST_NO_RENDERER');
  });

  it('says so when the port is taken', async () => {
    const taken = await failure(() => startHost({ rendererDir, port: host.port, services: stubServices(), networkGuard: false }));
    expect(isAiprodError(taken) && taken.code).toBe('HOST_PORT_IN_USE');
  });

  it('closes its sockets on close()', async () => {
    const other = await startHost({ rendererDir, services: stubServices(), networkGuard: false });
    const otherOrigin = `http://127.0.0.1:${other.port}`;
    const ws = new WebSocket(`ws://127.0.0.1:${other.port}/ws?token=${other.token}`, { origin: otherOrigin });
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise((r) => ws.once('close', r));
    await other.close();
    await closed;
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });
});
