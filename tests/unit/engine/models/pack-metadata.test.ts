import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { readPackMetadata, slugId } from '../../../../engine/models/pack-metadata';
import { seedPack, tinyPack, writePack } from './fixtures/packs';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiprod-meta-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readPackMetadata', () => {
  it('reads aiprod-model.json: every component file is declared with its hash', async () => {
    await writePack(dir, tinyPack('meta-test'));
    const meta = await readPackMetadata(dir, 'ignored');
    expect(meta).toMatchObject({ format: 'aiprod-model/1', id: 'meta-test', trainingStatus: 'trained', license: { spdx: 'Apache-2.0', owner: 'AIPROD Studio' } });
    expect(meta.files.map((f) => f.role).sort()).toEqual(['denoiser', 'textEncoder', 'tokenizer', 'upsampler', 'vaeDecoder', 'vaeEncoder']);
    expect(meta.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256 ?? ''))).toBe(true);
  });

  it('reads the seed MANIFEST.json: pending models are optional files and make the pack pending', async () => {
    await writePack(dir, seedPack());
    const meta = await readPackMetadata(dir, 'AIPROD Sovereign v1');
    expect(meta).toMatchObject({ format: 'seed-manifest', id: 'aiprod-sovereign-v1', trainingStatus: 'pending_training' });
    expect(meta.license).toEqual({ spdx: 'LicenseRef-AIPROD-Proprietary', owner: 'AIPROD' });
    expect(meta.files.map((f) => [f.path, f.optional])).toEqual([
      ['aiprod-hwvae-v1.safetensors', false],
      ['aiprod-shdt-v1-fp8.safetensors', true],
    ]);
  });

  it('names the field at fault in an invalid manifest', async () => {
    fs.writeFileSync(path.join(dir, 'MANIFEST.json'), JSON.stringify({ models: [{ name: 'x', file: 'x.bin', status: 'trained' }] }));
    await expect(readPackMetadata(dir, 'x')).rejects.toThrow(/MANIFEST\.json: models\.0\.sha256: trained model "x" needs its sha256/);
    fs.writeFileSync(path.join(dir, 'aiprod-model.json'), '{"format": "aiprod-model/1"');
    const error = await readPackMetadata(dir, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiprodError);
    expect((error as AiprodError).message).toMatch(/^aiprod-model\.json is not valid JSON/);
  });

  it('makes ids from names', () => {
    expect(slugId('  My Pack (v2) ')).toBe('my-pack-v2');
    expect(() => slugId('***')).toThrow(/gives none/);
  });
});
