import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { loadPack } from '../../../../engine/models/pack-loader';
import type { TensorSpec } from '../../../../engine/models/pack-format';
import { openComponentSession } from '../../../../engine/runtime/session';
import { tensorContractError, tensorContractProblems } from '../../../../engine/runtime/tensor-contract';
import { TINY_PACK_DIR, writeTinyPack } from '../../../fixtures/make-tiny-pack';

const root = mkdtempSync(path.join(tmpdir(), 'aiprod-contract-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const f32 = (name: string, shape: (number | string)[]): TensorSpec => ({ name, dtype: 'float32', shape });
const denoiserManifest = {
  inputs: [f32('latents', ['batch', 4, 't', 8, 8]), f32('timestep', ['batch']), f32('text_embeds', ['batch', 8, 8]), f32('text_mask', ['batch', 8])],
  outputs: [f32('velocity', ['batch', 4, 't', 8, 8])],
};

describe('tensorContractProblems', () => {
  it('accepts a manifest and model that agree with the role', () => {
    const model = {
      inputs: denoiserManifest.inputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape.map((d) => (typeof d === 'string' ? 'dyn' : d)) })),
      outputs: [{ name: 'velocity', dtype: 'float32', shape: ['b', 4, 'frames', 8, 8] }],
    };
    expect(tensorContractProblems({ role: 'denoiser', file: 'denoiser.onnx', manifest: denoiserManifest, model })).toEqual([]);
  });

  it('lists the names the pipeline needs next to the names the manifest declares', () => {
    const manifest = { ...denoiserManifest, inputs: [...denoiserManifest.inputs.slice(0, 3), f32('mask', ['batch', 8])] };
    const error = tensorContractError({ role: 'denoiser', file: 'denoiser.onnx', manifest });
    expect(error).toBeInstanceOf(AiprodError);
    expect(error?.kind).toBe('input');
    expect(error?.code).toBe('PACK_TENSOR_MISMATCH');
    expect(error?.message).toContain('inputs: the pipeline needs [latents, timestep, text_embeds, text_mask], the manifest declares [latents, timestep, text_embeds, mask]');
    expect(error?.detail).toMatchObject({ component: 'denoiser', expected: { inputs: ['latents', 'timestep', 'text_embeds', 'text_mask'] } });
  });

  it('lists what the manifest declares next to what the model has, with dtypes and fixed sizes', () => {
    const model = {
      inputs: [
        { name: 'latents', dtype: 'float16', shape: ['b', 4, 't', 8, 8] },
        { name: 'timestep', dtype: 'float32', shape: [2] },
        { name: 'text_embeds', dtype: 'float32', shape: ['b', 8, 16] },
        { name: 'text_mask', dtype: 'float32', shape: ['b', 8] },
      ],
      outputs: [{ name: 'v', dtype: 'float32', shape: ['b', 4, 't', 8, 8] }],
    };
    const problems = tensorContractProblems({ role: 'denoiser', file: 'denoiser.onnx', manifest: denoiserManifest, model });
    expect(problems).toEqual([
      'latents: the manifest declares float32, the model has float16',
      'timestep: the manifest declares [batch], the model has [2]',
      'text_embeds: the manifest declares [batch, 8, 8], the model has [b, 8, 16]',
      'outputs: the manifest declares [velocity], the model has [v]',
    ]);
  });

  it('checks the dtype and rank the pipeline uses', () => {
    const problems = tensorContractProblems({
      role: 'textEncoder',
      file: 'te.onnx',
      manifest: { inputs: [{ name: 'input_ids', dtype: 'int32', shape: ['batch', 8] }], outputs: [f32('text_embeds', ['batch', 8])] },
    });
    expect(problems).toEqual(['input_ids: the pipeline uses int64, the manifest declares int32', 'text_embeds: the pipeline uses rank 3, the manifest declares [batch, 8]']);
  });

  it('allows extra outputs in the manifest but not missing ones', () => {
    const extra = { inputs: [f32('latents', ['b', 4, 't', 8, 8])], outputs: [f32('frames', ['b', 3, 'f', 16, 16]), f32('debug', ['b'])] };
    expect(tensorContractProblems({ role: 'vaeDecoder', file: 'd.onnx', manifest: extra })).toEqual([]);
    const missing = { inputs: extra.inputs, outputs: [f32('debug', ['b'])] };
    expect(tensorContractProblems({ role: 'vaeDecoder', file: 'd.onnx', manifest: missing })).toEqual(['outputs: the pipeline needs [frames] among them, the manifest declares [debug]']);
  });
});

describe('openComponentSession and the contract', () => {
  it('opens the tiny pack components on the CPU with their metadata', async () => {
    const pack = await loadPack(TINY_PACK_DIR);
    const session = await openComponentSession({ packDir: pack.dir, role: 'denoiser', component: pack.manifest.components.denoiser }, 'cpu');
    expect(session.inputs.map((t) => t.name)).toEqual(['latents', 'timestep', 'text_embeds', 'text_mask']);
    expect(session.outputs).toEqual([{ name: 'velocity', dtype: 'float32', shape: ['batch', 4, 'latent_frames', 8, 8] }]);
    await session.release();
  });

  it('refuses a model whose tensor names differ from its manifest, listing both', async () => {
    const dir = await writeTinyPack(path.join(root, 'renamed'), { renameInModel: { denoiser: { velocity: 'v_pred', text_mask: 'mask' } } });
    const pack = await loadPack(dir);
    const opening = openComponentSession({ packDir: dir, role: 'denoiser', component: pack.manifest.components.denoiser }, 'cpu');
    await expect(opening).rejects.toMatchObject({ code: 'PACK_TENSOR_MISMATCH', kind: 'input' });
    await expect(opening).rejects.toThrow(
      'inputs: the manifest declares [latents, timestep, text_embeds, text_mask], the model has [latents, timestep, text_embeds, mask]; outputs: the manifest declares [velocity], the model has [v_pred]',
    );
  });
});
