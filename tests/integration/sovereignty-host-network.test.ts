// Proof for the main side (issue 10): the process serving the studio (the headless host, with its
// network guard as `aiprod serve` runs it) refuses a deliberate connection attempt made from inside
// it, counts it, pushes the new counts to the page (report.network), and the report it serves over
// its socket shows the attempt, with the points it costs. Everything through the real contract.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { NetworkStatsDto } from '../../electron/common/channels/report';
import { startHost, type HostHandle } from '../../electron/host';
import { networkGuardStats } from '../../engine/net';
import { hasValidContentHash } from '../../engine/sovereignty/build-report';
import type { SovereigntyReport } from '../../engine/sovereignty/report-schema';
import { createApi, type Api } from '../../renderer/src/lib/api';
import { createSocketBridge, type SocketLike } from '../../renderer/src/lib/socket-bridge';
import { TINY_PACK_DIR } from './cli-helpers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-sovereignty-host-'));
const saved = { AIPROD_HOME: process.env.AIPROD_HOME, AIPROD_PACKS_DIRS: process.env.AIPROD_PACKS_DIRS };
let host: HostHandle;
let api: Api;
let close: () => void;
const events: NetworkStatsDto[] = [];
let waiters: { test: () => boolean; resolve: () => void }[] = [];

function untilEvent(test: (stats: NetworkStatsDto) => boolean): Promise<void> {
  const check = () => events.some(test);
  if (check()) return Promise.resolve();
  return new Promise((resolve) => waiters.push({ test: check, resolve }));
}

/** What a refused connection reports: the error of the socket. */
function connectError(port: number, host: string): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    socket.once('error', resolve);
    socket.once('connect', () => {
      socket.destroy();
      reject(new Error(`connected to ${host}:${port}`));
    });
  });
}

beforeAll(async () => {
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
  process.env.AIPROD_HOME = path.join(dir, 'home');
  process.env.AIPROD_PACKS_DIRS = TINY_PACK_DIR;
  // The guard on, as `aiprod serve` starts the host.
  host = await startHost({ rendererDir: dir });
  const socket = (url: string) => new WebSocket(`${url}?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` }) as unknown as SocketLike;
  const bridge = createSocketBridge(`ws://127.0.0.1:${host.port}/ws`, socket);
  close = () => bridge.close();
  api = createApi(bridge);
  api.subscribe('report.network', (stats) => {
    events.push(stats);
    waiters = waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
  });
});

afterAll(async () => {
  close();
  await host.close();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the host process', () => {
  it('reports its own guard, installed and with nothing tried so far', async () => {
    const stats = await api.invoke('report.networkStats');
    expect(stats).toMatchObject({ installed: true, label: 'host', attempts: 0, blocked: 0, byOrigin: [] });
    const report = await api.invoke('report.get');
    expect(report.network).toMatchObject({ guard: { installed: true, label: 'host' }, attempts: 0, blocked: 0 });
    // Making the report did not try the network either.
    expect(networkGuardStats().attempts).toBe(0);
  });

  it('refuses a deliberate connection and a fetch from inside it, counts both, and tells the page', async () => {
    const refused = await connectError(80, '10.255.255.1');
    expect(refused).toMatchObject({ code: 'NETWORK_BLOCKED' });
    await expect(fetch('http://10.255.255.1:8080/telemetry')).rejects.toMatchObject({ code: 'NETWORK_BLOCKED' });

    await untilEvent((s) => s.attempts === 2);
    const live = await api.invoke('report.networkStats');
    expect(live).toMatchObject({ installed: true, label: 'host', attempts: 2, blocked: 2 });
    expect(live.byOrigin.map((o) => [o.api, o.target, o.count])).toEqual(
      expect.arrayContaining([
        ['net.connect', '10.255.255.1:80', 1],
        ['fetch', '10.255.255.1:8080', 1],
      ]),
    );
    expect(live.byOrigin.every((o) => o.origin.startsWith('tests/integration/sovereignty-host-network.test.ts:'))).toBe(true);
  });

  it('serves a report that shows the refused attempts, sealed, and costs the network criterion its points', async () => {
    const report = (await api.invoke('report.get')) as SovereigntyReport;
    expect(hasValidContentHash(report)).toBe(true);
    expect(report.network).toMatchObject({ guard: { installed: true, label: 'host' }, attempts: 2, blocked: 2 });
    expect(report.network.byOrigin.map((o) => o.target).sort()).toEqual(['10.255.255.1:80', '10.255.255.1:8080']);
    const criterion = report.score.criteria.find((c) => c.id === 'network');
    expect(criterion?.score).toBe(8);
    expect(criterion?.justification).toMatch(/^8 and not 10 because 2 attempts to reach the network since .*, all blocked, but the product should not even try \(most from tests\/integration\/sovereignty-host-network\.test\.ts:\d+:\d+/);

    // The export the page downloads carries the same report, its hash included.
    const exported = await api.invoke('report.export', { format: 'json', contentHash: report.contentHash });
    if (exported.kind !== 'content') throw new Error(`expected the content, got ${exported.kind}`);
    expect(exported).toMatchObject({ asShown: true, contentHash: report.contentHash, mimeType: 'application/json; charset=utf-8' });
    expect(JSON.parse(exported.content)).toEqual(report);
    const html = await api.invoke('report.export', { format: 'html', contentHash: report.contentHash });
    expect(html.kind === 'content' && html.content.includes('10.255.255.1:8080')).toBe(true);
  });
});
