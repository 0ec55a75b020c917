import net from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { installNetworkGuard, NetworkBlockedError, networkGuardStats } from '../../../../engine/net';
import { networkFacts } from '../../../../engine/sovereignty/network-facts';
import { readRenderNetworkCounts } from '../../../../engine/sovereignty/render-records';
import { scoreNetwork } from '../../../../engine/sovereignty/scoring';

// The real guard, installed in this test process: an attempt to reach 10.255.255.1 (a non-routable
// address; the guard refuses it before any packet) must show up in the report's counts and score.

describe('network section from the real guard', () => {
  it('counts a refused connection as an attempt and a block, and lowers the network score', async () => {
    installNetworkGuard({ label: 'sovereignty-test' });
    const before = networkFacts(networkGuardStats());
    expect(before.guard).toMatchObject({ installed: true, label: 'sovereignty-test' });
    expect(before.attempts).toBe(0);
    expect(scoreNetwork(before).score).toBe(10);

    const socket = net.connect(80, '10.255.255.1');
    const error = await new Promise((resolve) => socket.once('error', resolve));
    expect(error).toBeInstanceOf(NetworkBlockedError);

    const after = networkFacts(networkGuardStats());
    expect(after.attempts).toBeGreaterThanOrEqual(1);
    expect(after.blocked).toBeGreaterThanOrEqual(1);
    expect(after.byOrigin.some((row) => row.target === '10.255.255.1:80' && row.origin.includes('network.test.ts'))).toBe(true);
    const score = scoreNetwork(after);
    expect(score.score).toBeLessThan(10);
    expect(score.justification).toContain('all blocked');
  });
});

describe('render records', () => {
  let dir = '';
  const record = (guard: { installed: boolean; attempts: number; blocked: number }, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ format: 'aiprod-render-record/1', createdAt: '2026-01-01T00:00:00.000Z', model: { id: 'tiny-test' }, networkGuard: guard, ...extra });

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-records-'));
    mkdirSync(path.join(dir, 'shot-1'));
    mkdirSync(path.join(dir, 'shot-2'));
    writeFileSync(path.join(dir, 'shot-1', 'job-a.json'), record({ installed: true, attempts: 0, blocked: 0 }));
    writeFileSync(path.join(dir, 'shot-2', 'job-b.json'), record({ installed: true, attempts: 2, blocked: 2 }));
    writeFileSync(path.join(dir, 'shot-2', 'job-c.json'), record({ installed: false, attempts: 0, blocked: 0 }));
    writeFileSync(path.join(dir, 'shot-2', 'broken.json'), JSON.stringify({ format: 'aiprod-render-record/1', networkGuard: { installed: true, attempts: -1 } }));
    writeFileSync(path.join(dir, 'project.aiprod.json'), JSON.stringify({ format: 'aiprod-project/1' }));
    writeFileSync(path.join(dir, 'notes.json'), '{ not json');
    writeFileSync(path.join(dir, 'shot-1', 'job-a.mp4'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the guard counts of every record, skips other JSON, and lists broken records', async () => {
    const scan = await readRenderNetworkCounts(dir);
    expect(scan.counts.map((c) => [c.record, c.installed, c.attempts, c.blocked])).toEqual([
      ['shot-1/job-a.json', true, 0, 0],
      ['shot-2/job-b.json', true, 2, 2],
      ['shot-2/job-c.json', false, 0, 0],
    ]);
    expect(scan.counts[0]).toMatchObject({ model: 'tiny-test', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(scan.unreadable).toHaveLength(1);
    expect(scan.unreadable[0]?.record).toBe('shot-2/broken.json');
    expect(scan.unreadable[0]?.problem).toMatch(/networkGuard/);

    const facts = networkFacts(networkGuardStats(), scan);
    expect(facts.renders).toMatchObject({ records: 3, attempts: 2, blocked: 2, withoutGuard: 1 });
  });

  it('refuses a folder that does not exist, naming it', async () => {
    const missing = path.join(dir, 'nope');
    const error = await readRenderNetworkCounts(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiprodError);
    expect(error).toMatchObject({ code: 'REPORT_RENDERS_NOT_FOUND', kind: 'input' });
    expect((error as Error).message).toContain(missing);
  });
});
