import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPack } from '../../../../engine/models/pack-loader';
import { cachedSessionCount, getSession, releaseSessions } from '../../../../engine/runtime/session-cache';
import type { ComponentRef } from '../../../../engine/runtime/session';
import { TINY_PACK_DIR, writeTinyPack } from '../../../fixtures/make-tiny-pack';

const root = mkdtempSync(path.join(tmpdir(), 'aiprod-cache-'));
afterAll(async () => {
  await releaseSessions();
  rmSync(root, { recursive: true, force: true });
});

async function ref(dir: string, role: 'textEncoder' | 'denoiser'): Promise<ComponentRef> {
  const pack = await loadPack(dir);
  return { packDir: dir, role, component: pack.manifest.components[role] };
}

describe('session cache', () => {
  it('keys sessions by pack folder, file and provider', async () => {
    await releaseSessions();
    const other = await writeTinyPack(path.join(root, 'other'));
    const a = await getSession(await ref(TINY_PACK_DIR, 'textEncoder'), 'cpu');
    const again = await getSession(await ref(path.join(TINY_PACK_DIR, '.'), 'textEncoder'), 'cpu');
    const otherFile = await getSession(await ref(TINY_PACK_DIR, 'denoiser'), 'cpu');
    const otherPack = await getSession(await ref(other, 'textEncoder'), 'cpu');
    expect(again).toBe(a);
    expect(otherFile).not.toBe(a);
    expect(otherPack).not.toBe(a);
    expect(cachedSessionCount()).toBe(3);

    expect(await releaseSessions(other)).toBe(1);
    expect(cachedSessionCount()).toBe(2);
    expect(await getSession(await ref(TINY_PACK_DIR, 'textEncoder'), 'cpu')).toBe(a);
    expect(await releaseSessions()).toBe(2);
    expect(cachedSessionCount()).toBe(0);
  });

  it('does not remember a failed open', async () => {
    await releaseSessions();
    const r = await ref(TINY_PACK_DIR, 'denoiser');
    const broken: ComponentRef = { ...r, component: { ...r.component, file: 'missing.onnx' } };
    await expect(getSession(broken, 'cpu')).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    expect(cachedSessionCount()).toBe(0);
  });
});
