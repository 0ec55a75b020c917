import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import type { PackManifest } from '../../../../engine/models/pack-format';
import { assertRenderable, findPack, loadPack, onnxRoles } from '../../../../engine/models/pack-loader';
import { TINY_PACK_DIR, TINY_PACK_ID, writeTinyPack } from '../../../fixtures/make-tiny-pack';

const root = mkdtempSync(path.join(tmpdir(), 'aiprod-pack-loader-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
async function packCopy(edit?: (manifest: PackManifest) => void): Promise<string> {
  const dir = await writeTinyPack(path.join(root, `pack-${counter++}`));
  if (edit !== undefined) {
    const file = path.join(dir, 'aiprod-model.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as PackManifest;
    edit(manifest);
    writeFileSync(file, JSON.stringify(manifest));
  }
  return dir;
}

describe('loadPack', () => {
  it('loads the tiny pack with every referenced file resolved', async () => {
    const pack = await loadPack(TINY_PACK_DIR);
    expect(pack.dir).toBe(path.resolve(TINY_PACK_DIR));
    expect(pack.manifest.id).toBe(TINY_PACK_ID);
    expect(pack.manifest.latent.scalingFactor).toBe(0.5);
    expect(onnxRoles(pack.manifest)).toEqual(['textEncoder', 'denoiser', 'vaeDecoder', 'vaeEncoder', 'upsampler']);
    expect(pack.files).toEqual({
      'components.tokenizer': path.join(pack.dir, 'tokenizer.json'),
      'components.textEncoder': path.join(pack.dir, 'text_encoder.onnx'),
      'components.denoiser': path.join(pack.dir, 'denoiser.onnx'),
      'components.vaeDecoder': path.join(pack.dir, 'vae_decoder.onnx'),
      'components.vaeEncoder': path.join(pack.dir, 'vae_encoder.onnx'),
      'components.upsampler': path.join(pack.dir, 'upsampler.onnx'),
    });
  });

  it('names the manifest file and every failing field', async () => {
    const dir = await packCopy((m) => {
      m.latent.channels = 0;
      delete (m.video as Partial<PackManifest['video']>).fps;
      (m.scheduler as { type: string }).type = 'magic';
    });
    const loading = loadPack(dir);
    await expect(loading).rejects.toMatchObject({ code: 'PACK_MANIFEST_INVALID', kind: 'input' });
    const error = (await loading.catch((e: unknown) => e)) as AiprodError;
    expect(error.message).toContain(path.join(dir, 'aiprod-model.json'));
    expect(error.detail?.fields).toEqual(expect.arrayContaining(['latent.channels', 'video.fps', 'scheduler.type']));
    for (const field of ['latent.channels', 'video.fps', 'scheduler.type']) expect(error.message).toContain(field);
  });

  it('says when the folder is not a pack or the manifest is not JSON', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    await expect(loadPack(empty)).rejects.toMatchObject({ code: 'PACK_MANIFEST_MISSING', kind: 'input' });
    const dir = await packCopy();
    writeFileSync(path.join(dir, 'aiprod-model.json'), '{ not json');
    await expect(loadPack(dir)).rejects.toThrow(`${path.join(dir, 'aiprod-model.json')} is not valid JSON`);
  });

  it('names a missing referenced file', async () => {
    const dir = await packCopy();
    unlinkSync(path.join(dir, 'vae_decoder.onnx'));
    const loading = loadPack(dir);
    await expect(loading).rejects.toMatchObject({ code: 'PACK_FILE_MISSING', kind: 'input', detail: { file: 'vae_decoder.onnx', field: 'components.vaeDecoder' } });
    await expect(loading).rejects.toThrow('vae_decoder.onnx (components.vaeDecoder) not found');
  });

  it('refuses a referenced file that is a symbolic link', async () => {
    const dir = await packCopy();
    unlinkSync(path.join(dir, 'tokenizer.json'));
    symlinkSync(path.join(TINY_PACK_DIR, 'tokenizer.json'), path.join(dir, 'tokenizer.json'));
    await expect(loadPack(dir)).rejects.toMatchObject({ code: 'PACK_UNSAFE_FILE', detail: { rule: 'symbolic link' } });
  });

  it('refuses a manifest whose tensor names break the contract, listing expected and given', async () => {
    const dir = await packCopy((m) => {
      m.components.denoiser.outputs[0]!.name = 'noise_pred';
    });
    await expect(loadPack(dir)).rejects.toMatchObject({ code: 'PACK_TENSOR_MISMATCH', detail: { component: 'denoiser' } });
    await expect(loadPack(dir)).rejects.toThrow('outputs: the pipeline needs [velocity] among them, the manifest declares [noise_pred]');
  });

  it('refuses a pack whose video frames are not a whole number of latent frames', async () => {
    const dir = await packCopy((m) => {
      m.latent.frames = 3;
    });
    await expect(loadPack(dir)).rejects.toThrow('video.frames (4) must be a multiple of latent.frames (3)');
  });

  it('checks the preview projection has one row per latent channel', async () => {
    const dir = await packCopy((m) => {
      m.latent.preview = { rgbFactors: [[0.1, 0.2, 0.3]], rgbBias: [0, 0, 0] };
    });
    await expect(loadPack(dir)).rejects.toThrow('latent.preview.rgbFactors has 1 rows, one per latent channel (4) expected');
  });

  it('refuses a pack pending training, unless asked only to inspect it', async () => {
    const dir = await packCopy((m) => {
      m.provenance.status = 'pending_training';
    });
    await expect(loadPack(dir)).rejects.toMatchObject({ code: 'PACK_NOT_TRAINED', kind: 'input' });
    await expect(loadPack(dir)).rejects.toThrow('is pending training and cannot render yet');
    const inspected = await loadPack(dir, { allowPending: true });
    expect(inspected.manifest.provenance.status).toBe('pending_training');
    expect(() => assertRenderable(inspected)).toThrow(AiprodError);
  });
});

describe('findPack', () => {
  it('finds a pack by manifest id over the search folders, first folder first', async () => {
    const first = path.join(root, 'search-first');
    const second = path.join(root, 'search-second');
    await writeTinyPack(path.join(second, 'whatever-name'));
    expect((await findPack(TINY_PACK_ID, [path.join(root, 'missing-folder'), second])).dir).toBe(path.join(second, 'whatever-name'));
    await writeTinyPack(path.join(first, TINY_PACK_ID));
    expect((await findPack(TINY_PACK_ID, [first, second])).dir).toBe(path.join(first, TINY_PACK_ID));
  });

  it('accepts a search folder that is itself a pack', async () => {
    expect((await findPack(TINY_PACK_ID, [TINY_PACK_DIR])).dir).toBe(path.resolve(TINY_PACK_DIR));
  });

  it('lists the ids it found when the id is unknown', async () => {
    const search = path.join(root, 'search-unknown');
    await writeTinyPack(path.join(search, 'a'));
    const other = await writeTinyPack(path.join(search, 'b'));
    const manifest = JSON.parse(readFileSync(path.join(other, 'aiprod-model.json'), 'utf8')) as { id: string };
    manifest.id = 'another-pack';
    writeFileSync(path.join(other, 'aiprod-model.json'), JSON.stringify(manifest));
    const finding = findPack('nano', [search]);
    await expect(finding).rejects.toMatchObject({ code: 'PACK_NOT_FOUND', kind: 'input', detail: { available: ['another-pack', TINY_PACK_ID] } });
    await expect(finding).rejects.toThrow(`unknown model "nano": available: another-pack, ${TINY_PACK_ID}`);
    await expect(findPack('nano', [path.join(root, 'nothing-here')])).rejects.toThrow('no model packs found');
  });

  it('reports what is broken in a folder named after the id', async () => {
    const search = path.join(root, 'search-broken');
    const dir = await writeTinyPack(path.join(search, 'broken-pack'));
    writeFileSync(path.join(dir, 'aiprod-model.json'), '[]');
    await expect(findPack('broken-pack', [search])).rejects.toMatchObject({ code: 'PACK_MANIFEST_INVALID' });
  });
});
