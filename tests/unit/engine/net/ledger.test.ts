import { describe, expect, it } from 'vitest';
import { guardState, MAX_ORIGINS, recordBlocked, snapshot } from '../../../../engine/net/ledger';
import { NetworkBlockedError } from '../../../../engine/net/blocked-error';

// These tests count into the process-wide ledger without patching anything (no guard installed).

describe('network guard ledger', () => {
  it('counts each refusal by origin, api and target, and returns the typed error', () => {
    const before = snapshot();
    const first = recordBlocked('net.connect', '10.0.0.1:80', 'a.ts:1:1');
    recordBlocked('net.connect', '10.0.0.1:80', 'a.ts:1:1');
    recordBlocked('fetch', 'example.com', 'b.ts:2:2');
    const after = snapshot();
    expect(first).toBeInstanceOf(NetworkBlockedError);
    expect(first.toJSON()).toEqual({
      code: 'NETWORK_BLOCKED',
      message: expect.stringContaining('net.connect to 10.0.0.1:80 from a.ts:1:1'),
      detail: { api: 'net.connect', target: '10.0.0.1:80', origin: 'a.ts:1:1' },
    });
    expect(after.attempts - before.attempts).toBe(3);
    expect(after.blocked - before.blocked).toBe(3);
    expect(after.byOrigin.find((r) => r.origin === 'a.ts:1:1')).toMatchObject({ api: 'net.connect', target: '10.0.0.1:80', count: 2 });
    expect(after.byOrigin.find((r) => r.origin === 'b.ts:2:2')).toMatchObject({ api: 'fetch', count: 1 });
  });

  it('returns copies, so a caller cannot edit the counts', () => {
    recordBlocked('fetch', 'copy.example', 'c.ts:3:3');
    const stats = snapshot();
    stats.byOrigin[0]!.count = 999_999;
    stats.attempts = -1;
    expect(snapshot().attempts).toBeGreaterThan(0);
    expect(snapshot().byOrigin.every((r) => r.count < 999_999)).toBe(true);
  });

  it('keeps at most MAX_ORIGINS rows and counts the rest as unlisted', () => {
    const start = snapshot();
    const extra = MAX_ORIGINS + 5;
    for (let i = 0; i < extra; i++) recordBlocked('net.connect', `10.1.${Math.floor(i / 250)}.${i % 250}:1`, `flood.ts:${i}:1`);
    const end = snapshot();
    expect(end.byOrigin).toHaveLength(MAX_ORIGINS);
    expect(end.attempts - start.attempts).toBe(extra);
    expect(end.byOrigin.reduce((sum, r) => sum + r.count, 0) + end.unlistedAttempts).toBe(end.attempts);
  });

  it('a throwing listener does not stop the refusal', () => {
    const state = guardState();
    const throwing = () => {
      throw new Error('logger down');
    };
    state.listeners.push(throwing);
    try {
      expect(() => recordBlocked('fetch', 'x.example', 'd.ts:4:4')).not.toThrow();
    } finally {
      state.listeners.splice(state.listeners.indexOf(throwing), 1);
    }
  });
});
