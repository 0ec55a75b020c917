import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTinyPack, TINY_PACK_DIR } from '../../../../fixtures/make-tiny-pack';

describe('tests/fixtures/tiny-pack', () => {
  it('is exactly what make-tiny-pack.ts generates (re-run it after changing the generator)', () => {
    const built = buildTinyPack();
    expect(readdirSync(TINY_PACK_DIR).sort()).toEqual([...built.keys()].sort());
    for (const [name, bytes] of built) expect(Buffer.from(readFileSync(path.join(TINY_PACK_DIR, name))).equals(Buffer.from(bytes)), name).toBe(true);
  });

  it('generates the same bytes every time', () => {
    const a = buildTinyPack();
    const b = buildTinyPack();
    for (const [name, bytes] of a) expect(Buffer.from(bytes).equals(Buffer.from(b.get(name)!)), name).toBe(true);
  });

  it('stays commit-sized', () => {
    const total = [...buildTinyPack().values()].reduce((n, b) => n + b.length, 0);
    expect(total).toBeLessThan(16 * 1024);
  });
});
