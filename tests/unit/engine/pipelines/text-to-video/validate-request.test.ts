import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../../engine/errors';
import { loadPack } from '../../../../../engine/models/pack-loader';
import type { PackManifest } from '../../../../../engine/models/pack-format';
import { resolveRequest } from '../../../../../engine/pipelines/text-to-video/validate-request';
import type { TextToVideoRequest } from '../../../../../engine/pipelines/text-to-video/types';
import { TINY_PACK_DIR } from '../../../../fixtures/make-tiny-pack';

const manifest: PackManifest = (await loadPack(TINY_PACK_DIR)).manifest;

function refusal(request: Partial<TextToVideoRequest>): AiprodError {
  try {
    resolveRequest(manifest, { prompt: 'a red circle', seed: 1, ...request } as TextToVideoRequest);
  } catch (error) {
    if (error instanceof AiprodError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(request)}`);
}

describe('resolveRequest', () => {
  it('fills the defaults from the pack', () => {
    expect(resolveRequest(manifest, { prompt: 'a red circle', seed: 7 })).toEqual({
      prompt: 'a red circle',
      negativePrompt: '',
      seed: 7,
      steps: 4,
      guidance: 3,
      frames: 4,
      latentFrames: 2,
      upscale: false,
    });
  });

  it('accepts the edges of every range', () => {
    const r = resolveRequest(manifest, { prompt: '', seed: Number.MAX_SAFE_INTEGER, steps: 200, guidance: 30, frames: 8, upscale: true });
    expect(r).toMatchObject({ seed: 2 ** 53 - 1, steps: 200, guidance: 30, frames: 8, latentFrames: 4, upscale: true });
    expect(resolveRequest(manifest, { prompt: 'x', seed: 0, steps: 1, guidance: 0, frames: 2 })).toMatchObject({ seed: 0, steps: 1, guidance: 0, frames: 2, latentFrames: 1 });
  });

  const cases: Array<[string, Partial<TextToVideoRequest>, string]> = [
    ['steps', { steps: 0 }, 'steps must be an integer from 1 to 200, got 0'],
    ['steps', { steps: 201 }, 'steps must be an integer from 1 to 200, got 201'],
    ['steps', { steps: 2.5 }, 'steps must be an integer from 1 to 200, got 2.5'],
    ['guidance', { guidance: -0.1 }, 'guidance must be a number from 0 to 30, got -0.1'],
    ['guidance', { guidance: 30.5 }, 'guidance must be a number from 0 to 30'],
    ['guidance', { guidance: Number.NaN }, 'guidance must be a number from 0 to 30, got NaN'],
    ['frames', { frames: 3 }, 'frames must be a positive multiple of 2 up to 8 for model tiny-test, got 3'],
    ['frames', { frames: 10 }, 'frames must be a positive multiple of 2 up to 8'],
    ['frames', { frames: 0 }, 'frames must be a positive multiple of 2 up to 8'],
    ['seed', { seed: -1 }, `seed must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got -1`],
    ['seed', { seed: 2 ** 53 }, 'seed must be an integer from 0'],
    ['seed', { seed: 1.5 }, 'seed must be an integer from 0'],
    ['seed', { seed: undefined }, 'seed must be an integer from 0'],
    ['prompt', { prompt: 42 as unknown as string }, 'prompt must be text, got 42'],
    ['negativePrompt', { negativePrompt: null as unknown as string }, 'negativePrompt must be text'],
    ['upscale', { upscale: 'yes' as unknown as boolean }, 'upscale must be true or false'],
  ];
  it.each(cases)('refuses a bad %s: %j', (field, request, message) => {
    const error = refusal(request);
    expect(error.kind).toBe('input');
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.detail?.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('refuses upscale on a pack without an upsampler', () => {
    const { upsampler: _dropped, ...components } = manifest.components;
    const noUpsampler = { ...manifest, components } as PackManifest;
    expect(() => resolveRequest(noUpsampler, { prompt: 'x', seed: 1, upscale: true })).toThrow(`upscale was asked for, but model tiny-test has no upsampler`);
    expect(resolveRequest(noUpsampler, { prompt: 'x', seed: 1, upscale: false }).upscale).toBe(false);
  });
});
