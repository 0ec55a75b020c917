import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { DEFAULT_MODEL_ID, parseRenderRequest, randomSeed, RENDER_LIMITS } from '../../../../engine/render/request';

function refusal(input: unknown): AiprodError {
  try {
    parseRenderRequest(input);
  } catch (error) {
    if (error instanceof AiprodError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('parseRenderRequest', () => {
  it('fills in the default tier and model', () => {
    expect(parseRenderRequest({ prompt: 'a red fox', seed: 7 })).toEqual({ prompt: 'a red fox', seed: 7, tier: 'standard', model: DEFAULT_MODEL_ID });
  });

  it.each([
    [{ prompt: '   ' }, 'prompt', 'must not be empty'],
    [{ prompt: 'x'.repeat(RENDER_LIMITS.promptChars + 1) }, 'prompt', 'at most'],
    [{ prompt: 'x', steps: 0 }, 'steps', 'steps must be between 1 and 200'],
    [{ prompt: 'x', steps: 201 }, 'steps', 'steps must be between 1 and 200'],
    [{ prompt: 'x', steps: 2.5 }, 'steps', 'steps must be a whole number'],
    [{ prompt: 'x', guidance: 31 }, 'guidance', 'guidance must be between 0 and 30'],
    [{ prompt: 'x', guidance: -1 }, 'guidance', 'guidance must be between 0 and 30'],
    [{ prompt: 'x', frames: 0 }, 'frames', 'frames must be between'],
    [{ prompt: 'x', seed: -1 }, 'seed', 'seed must be between 0'],
    [{ prompt: 'x', tier: 'ultra' }, 'tier', 'tier'],
    [{ prompt: 'x', model: '' }, 'model', 'model id must not be empty'],
  ])('refuses %j naming %s', (input, field, message) => {
    const error = refusal(input);
    expect(error.kind).toBe('input');
    expect(error.detail?.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('draws random seeds inside the accepted range, and not always the same one', () => {
    const seeds = new Set(Array.from({ length: 8 }, () => randomSeed()));
    for (const seed of seeds) expect(parseRenderRequest({ prompt: 'x', seed }).seed).toBe(seed);
    expect(seeds.size).toBeGreaterThan(1);
  });
});
