import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLibrary } from '../../../../engine/models/model-library';
import { inventoryModels, type ModelEntry } from '../../../../engine/sovereignty/model-inventory';
import { scoreModels } from '../../../../engine/sovereignty/scoring';
import { copyTinyPack, TINY_PACK } from './fixtures';

// Real packs (copies of the tiny fixture pack), a real library database under a temporary
// AIPROD_HOME: two shipped packs (one pending training) and two search-path folders.

let base = '';
let library: ModelLibrary;
const shipped = () => path.join(base, 'shipped');
const extra = () => path.join(base, 'extra');

beforeAll(async () => {
  base = mkdtempSync(path.join(os.tmpdir(), 'aiprod-inventory-'));
  mkdirSync(shipped());
  mkdirSync(extra());
  copyTinyPack(path.join(shipped(), 'nano'), { id: 'nano', name: 'AIPROD Nano' });
  copyTinyPack(path.join(shipped(), 'next'), { id: 'next', name: 'AIPROD Next', status: 'pending_training' });
  copyTinyPack(path.join(extra(), 'outside'), { id: 'outside', name: 'Outside pack', owner: 'Someone Else' });
  // Same id as a shipped pack: the shipped one is what a render would use.
  copyTinyPack(path.join(extra(), 'shadow'), { id: 'nano', name: 'Shadowed nano' });
  library = await ModelLibrary.open({ home: path.join(base, 'home'), shippedDirs: [shipped()] });
});

afterAll(() => {
  library.close();
  rmSync(base, { recursive: true, force: true });
});

function byId(models: readonly ModelEntry[], id: string): ModelEntry {
  const found = models.find((m) => m.id === id);
  if (found === undefined) throw new Error(`${id} not listed`);
  return found;
}

describe('model inventory', () => {
  it('lists registry packs and search-path packs with architecture, parameters, licence and provenance', async () => {
    const { models, warnings } = await inventoryModels({ library, extraDirs: [extra()] });
    expect(warnings).toEqual([]);
    expect(models.map((m) => [m.id, m.origin])).toEqual([
      ['nano', 'shipped'],
      ['next', 'shipped'],
      ['outside', 'search-path'],
    ]);
    const manifest = JSON.parse(readFileSync(path.join(TINY_PACK, 'aiprod-model.json'), 'utf8')) as { components: Record<string, { parameters?: number; architecture?: string }> };
    const declared = Object.values(manifest.components).reduce((sum, c) => sum + (c.parameters ?? 0), 0);
    const nano = byId(models, 'nano');
    expect(nano.name).toBe('AIPROD Nano');
    expect(nano.parameters).toBe(declared);
    expect(nano.architecture).toContain(`denoiser: ${manifest.components.denoiser?.architecture}`);
    expect(nano.license).toEqual({ spdx: 'Apache-2.0', owner: 'AIPROD Studio' });
    expect(nano.provenance.status).toBe('trained');
    expect(nano.renderable).toBe(true);
    expect(byId(models, 'next')).toMatchObject({ renderable: false, provenance: { status: 'pending_training' } });
    expect(byId(models, 'outside').license.owner).toBe('Someone Else');
  });

  it('states checksums as not verified until hashed, then verified; a changed byte shows as modified', async () => {
    const quick = await inventoryModels({ library, extraDirs: [extra()] });
    expect(quick.models.map((m) => m.checksums.state)).toEqual(['not-verified', 'not-verified', 'not-verified']);
    const verified = await inventoryModels({ library, extraDirs: [extra()], verify: true });
    expect(verified.models.map((m) => m.checksums.state)).toEqual(['verified', 'verified', 'verified']);
    expect(byId(verified.models, 'nano').checksums.files).toBeGreaterThan(5);

    appendFileSync(path.join(extra(), 'outside', 'tokenizer.json'), ' ');
    appendFileSync(path.join(shipped(), 'nano', 'denoiser.onnx'), Buffer.from([0]));
    const after = await inventoryModels({ library, extraDirs: [extra()], verify: true });
    expect(byId(after.models, 'outside').checksums).toMatchObject({ state: 'modified', problem: expect.stringContaining('tokenizer.json') });
    expect(byId(after.models, 'nano').checksums).toMatchObject({ state: 'modified', problem: expect.stringContaining('denoiser.onnx') });

    const before = scoreModels(verified.models, 'AIPROD Studio');
    const broken = scoreModels(after.models, 'AIPROD Studio');
    expect(broken.score).toBeLessThan(before.score as number);
    expect(broken.justification).toContain('denoiser.onnx');
    expect(before.justification).toContain('next 1.0.0 is still pending training');
    expect(before.justification).toContain('outside belongs to Someone Else');
  });

  it('notes a search-path folder it cannot read instead of failing the report', async () => {
    const bad = path.join(base, 'bad');
    mkdirSync(path.join(bad, 'broken'), { recursive: true });
    appendFileSync(path.join(bad, 'broken', 'aiprod-model.json'), '{ nope');
    const { models, warnings } = await inventoryModels({ library, extraDirs: [bad] });
    expect(models.map((m) => m.origin)).not.toContain('search-path');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path.join(bad, 'broken'));
  });
});
