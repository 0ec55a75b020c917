import { fork } from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import { lookup as esmLookup } from 'node:dns';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockedAttempt, NetworkGuardStats } from '../../engine/net';
import { installNetworkGuard, NetworkBlockedError, networkGuardStats } from '../../engine/net';

// Real sockets, real DNS calls, real fetch: every non-loopback attempt must be refused by the guard
// before Node opens a socket or asks a resolver (the targets would otherwise hang, fail with
// ENETUNREACH/EAI_AGAIN, or reach the internet), while loopback traffic keeps working.

const THIS_FILE = 'tests/integration/net-guard.test.ts';
const seen: BlockedAttempt[] = [];
let httpServer: http.Server;
let httpPort = 0;
let echoServer: net.Server;
let echoPort = 0;
let pipeDir = '';

/** Runs one attempt and checks it added exactly one blocked attempt with this api and target. */
async function expectBlocked(api: string, target: string, attempt: () => Promise<unknown>): Promise<NetworkBlockedError> {
  const before = networkGuardStats();
  const error = await attempt();
  const after = networkGuardStats();
  expect(error).toBeInstanceOf(NetworkBlockedError);
  const blocked = error as NetworkBlockedError;
  expect(blocked.code).toBe('NETWORK_BLOCKED');
  expect(blocked.api).toBe(api);
  expect(blocked.target).toBe(target);
  expect(after.attempts - before.attempts).toBe(1);
  expect(after.blocked - before.blocked).toBe(1);
  const countOf = (stats: NetworkGuardStats) =>
    stats.byOrigin.filter((row) => row.api === api && row.target === target).reduce((sum, row) => sum + row.count, 0);
  expect(countOf(after) - countOf(before)).toBe(1);
  return blocked;
}

function errorEvent(emitter: NodeJS.EventEmitter): Promise<unknown> {
  return new Promise((resolve) => emitter.once('error', resolve));
}

beforeAll(async () => {
  installNetworkGuard({ label: 'integration-test', onBlocked: (attempt) => seen.push(attempt) });
  httpServer = http.createServer((req, res) => res.end(`hello ${req.url ?? ''}`));
  httpServer.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  httpPort = (httpServer.address() as net.AddressInfo).port;
  echoServer = net.createServer((socket) => socket.pipe(socket));
  echoServer.listen(0, '127.0.0.1');
  await once(echoServer, 'listening');
  echoPort = (echoServer.address() as net.AddressInfo).port;
  pipeDir = mkdtempSync(path.join(tmpdir(), 'aiprod-netguard-'));
});

afterAll(async () => {
  httpServer.closeAllConnections();
  await new Promise((resolve) => httpServer.close(resolve));
  await new Promise((resolve) => echoServer.close(resolve));
  rmSync(pipeDir, { recursive: true, force: true });
});

describe('network guard: refused before connecting', () => {
  it('net.connect to 10.255.255.1:80 never starts connecting', async () => {
    const error = await expectBlocked('net.connect', '10.255.255.1:80', () => {
      const socket = net.connect(80, '10.255.255.1');
      // A real connect to an IP literal sets `connecting` synchronously; a refused one never does.
      expect(socket.connecting).toBe(false);
      expect(socket.remoteAddress).toBeUndefined();
      return errorEvent(socket);
    });
    expect(error.origin).toContain(THIS_FILE);
    expect(error.message).toContain('10.255.255.1:80');
  });

  it('net.createConnection with options and Socket#connect are refused too', async () => {
    await expectBlocked('net.connect', '10.255.255.1:8080', () => errorEvent(net.createConnection({ host: '10.255.255.1', port: 8080 })));
    await expectBlocked('net.connect', '[2001:db8::1]:22', () => errorEvent(new net.Socket().connect({ host: '2001:db8::1', port: 22 })));
  });

  it('"localhost" that a custom lookup turns into a remote address is refused', async () => {
    const lookup = (_host: string, _options: object, callback: (e: Error | null, a: Array<{ address: string; family: number }>) => void) =>
      callback(null, [{ address: '10.255.255.1', family: 4 }]);
    await expectBlocked('net.connect', 'localhost:80 (resolved to 10.255.255.1)', () =>
      errorEvent(net.connect({ host: 'localhost', port: 80, lookup: lookup as unknown as net.LookupFunction })),
    );
  });

  it('http.get to example.invalid fails on the request, without a DNS lookup', async () => {
    await expectBlocked('http.request', 'example.invalid:80', () => errorEvent(http.get('http://example.invalid/')));
    expect(networkGuardStats().byOrigin.some((row) => row.target === 'example.invalid' && row.api.startsWith('dns.'))).toBe(false);
  });

  it('https.get to 1.1.1.1 is refused', async () => {
    await expectBlocked('https.request', '1.1.1.1:443', () => errorEvent(https.get('https://1.1.1.1/')));
  });

  it("fetch('http://93.184.216.34/') rejects with NETWORK_BLOCKED", async () => {
    const error = await expectBlocked('fetch', '93.184.216.34', () => fetch('http://93.184.216.34/').then(() => 'resolved', (e: unknown) => e));
    expect(error.origin).toContain(THIS_FILE);
    await expectBlocked('fetch', 'example.com:8443', () => fetch(new Request('https://example.com:8443/x')).catch((e: unknown) => e));
  });

  it('tls.connect to 1.1.1.1 is refused', async () => {
    await expectBlocked('tls.connect', '1.1.1.1:443', () => errorEvent(tls.connect({ host: '1.1.1.1', port: 443, servername: 'one.one.one.one' })));
  });

  it("dns.lookup('example.com') in callback, promise and ESM-import forms", async () => {
    await expectBlocked('dns.lookup', 'example.com', () => new Promise((resolve) => dns.lookup('example.com', (e) => resolve(e))));
    await expectBlocked('dns.lookup', 'example.com', () => new Promise((resolve) => esmLookup('example.com', { all: true }, (e) => resolve(e))));
    await expectBlocked('dns.promises.lookup', 'example.com', () => dns.promises.lookup('example.com').catch((e: unknown) => e));
  });

  it('dns.resolve* and reverse are refused, also on a private Resolver', async () => {
    await expectBlocked('dns.resolve4', 'example.com', () => new Promise((resolve) => dns.resolve4('example.com', (e) => resolve(e))));
    await expectBlocked('dns.resolveTxt', 'example.com', () => new Promise((resolve) => new dns.Resolver().resolveTxt('example.com', (e) => resolve(e))));
    await expectBlocked('dns.promises.resolveMx', 'example.com', () => dns.promises.resolveMx('example.com').catch((e: unknown) => e));
    await expectBlocked('dns.promises.reverse', '8.8.8.8', () => new dns.promises.Resolver().reverse('8.8.8.8').catch((e: unknown) => e));
    // Even "localhost": a resolve* query goes to the configured name server.
    await expectBlocked('dns.resolve', 'localhost', () => new Promise((resolve) => dns.resolve('localhost', (e) => resolve(e))));
  });

  it('a UDP datagram to a non-loopback address is refused', async () => {
    const socket = dgram.createSocket('udp4');
    try {
      await expectBlocked('dgram.send', '10.255.255.1:53', () => new Promise((resolve) => socket.send('x', 53, '10.255.255.1', (e) => resolve(e))));
      await expectBlocked('dgram.connect', '10.255.255.1:53', () => {
        socket.connect(53, '10.255.255.1');
        return errorEvent(socket);
      });
    } finally {
      socket.close();
    }
  });

  it('tells the onBlocked listener about each refusal, with origin and target', () => {
    expect(seen.length).toBe(networkGuardStats().blocked);
    expect(seen.find((a) => a.target === '10.255.255.1:80')).toMatchObject({ api: 'net.connect' });
    expect(seen.every((a) => a.origin.length > 0 && !Number.isNaN(Date.parse(a.at)))).toBe(true);
  });
});

describe('network guard: loopback keeps working', () => {
  it('net to 127.0.0.1 and to localhost', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const socket = net.connect({ host, port: echoPort, family: 4 });
      await once(socket, 'connect');
      socket.write(`ping ${host}`);
      const [data] = (await once(socket, 'data')) as [Buffer];
      expect(data.toString()).toBe(`ping ${host}`);
      socket.destroy();
    }
  });

  it('http.get and fetch to the loopback server', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${httpPort}/via-http`, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(body).toBe('hello /via-http');
    const viaFetch = await fetch(`http://127.0.0.1:${httpPort}/via-fetch`);
    expect(await viaFetch.text()).toBe('hello /via-fetch');
  });

  it('a unix-domain socket', async () => {
    const socketPath = path.join(pipeDir, 'echo.sock');
    const server = net.createServer((s) => s.pipe(s));
    server.listen(socketPath);
    await once(server, 'listening');
    try {
      const client = net.connect(socketPath);
      await once(client, 'connect');
      client.write('over a pipe');
      const [data] = (await once(client, 'data')) as [Buffer];
      expect(data.toString()).toBe('over a pipe');
      client.destroy();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('dns.lookup of localhost and UDP on loopback', async () => {
    const address = await dns.promises.lookup('localhost');
    expect(['127.0.0.1', '::1']).toContain(address.address);
    const receiver = dgram.createSocket('udp4');
    receiver.bind(0, '127.0.0.1');
    await once(receiver, 'listening');
    const sender = dgram.createSocket('udp4');
    try {
      const received = once(receiver, 'message');
      sender.send('datagram', receiver.address().port, '127.0.0.1');
      const [message] = (await received) as [Buffer];
      expect(message.toString()).toBe('datagram');
    } finally {
      sender.close();
      receiver.close();
    }
  });

  it('loopback traffic is not counted as an attempt', async () => {
    const before = networkGuardStats();
    const response = await fetch(`http://127.0.0.1:${httpPort}/not-counted`);
    await response.text();
    expect(networkGuardStats().attempts).toBe(before.attempts);
  });
});

describe('network guard: stats and install', () => {
  it('stats reflect the refusals of this file', () => {
    const stats = networkGuardStats();
    expect(stats.installed).toBe(true);
    expect(stats.label).toBe('integration-test');
    expect(Number.isNaN(Date.parse(stats.since ?? ''))).toBe(false);
    expect(stats.blocked).toBe(stats.attempts);
    expect(stats.attempts).toBe(seen.length);
    expect(stats.byOrigin.reduce((sum, row) => sum + row.count, 0) + stats.unlistedAttempts).toBe(stats.attempts);
    const targets = new Set(stats.byOrigin.map((row) => `${row.api} ${row.target}`));
    for (const expected of ['net.connect 10.255.255.1:80', 'http.request example.invalid:80', 'fetch 93.184.216.34', 'tls.connect 1.1.1.1:443', 'dns.lookup example.com']) {
      expect(targets).toContain(expected);
    }
    expect(stats.byOrigin.every((row) => row.origin.includes(THIS_FILE))).toBe(true);
  });

  it('installing again patches nothing twice and keeps the counts', () => {
    const connect = net.Socket.prototype.connect;
    const lookup = dns.lookup;
    const before = networkGuardStats();
    const again = installNetworkGuard();
    expect(net.Socket.prototype.connect).toBe(connect);
    expect(dns.lookup).toBe(lookup);
    expect(again.attempts).toBe(before.attempts);
    expect(again.since).toBe(before.since);
  });
});

describe('network guard: in a forked child process', () => {
  it('refuses there too and reports its own counts over IPC', async () => {
    const parentBefore = networkGuardStats();
    const child = fork(path.join(import.meta.dirname, 'net-guard-child.ts'), [`http://127.0.0.1:${httpPort}/from-child`], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [message] = (await once(child, 'message')) as [
      { outcomes: Array<{ api: string; code: string }>; loopback: { status: number; body: string }; stats: NetworkGuardStats; pid: number },
    ];
    const [exitCode] = (await once(child, 'exit')) as [number | null];
    expect(exitCode).toBe(0);
    expect(message.pid).toBe(child.pid);
    expect(message.outcomes).toEqual([
      { api: 'net.connect', code: 'NETWORK_BLOCKED' },
      { api: 'dns.lookup', code: 'NETWORK_BLOCKED' },
      { api: 'fetch', code: 'NETWORK_BLOCKED' },
    ]);
    expect(message.loopback).toEqual({ status: 200, body: 'hello /from-child' });
    expect(message.stats).toMatchObject({ installed: true, label: 'child', attempts: 3, blocked: 3 });
    expect(message.stats.byOrigin.map((row) => row.api).sort()).toEqual(['dns.lookup', 'fetch', 'net.connect']);
    expect(message.stats.byOrigin.every((row) => row.origin.includes('net-guard-child.ts'))).toBe(true);
    // The child's attempts are its own: the parent's counts did not move.
    expect(networkGuardStats().attempts).toBe(parentBefore.attempts);
  });
});
