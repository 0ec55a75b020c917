import { describe, expect, it } from 'vitest';
import { guidanceRows } from '../../../../../engine/pipelines/text-to-video/1-encode';
import { prepareLatents } from '../../../../../engine/pipelines/text-to-video/2-prepare';
import { unscaleLatents } from '../../../../../engine/pipelines/text-to-video/4-decode';
import { loadPack } from '../../../../../engine/models/pack-loader';
import { SeededRandom } from '../../../../../engine/random/seeded';
import { TINY_PACK_DIR } from '../../../../fixtures/make-tiny-pack';

const { manifest } = await loadPack(TINY_PACK_DIR);

describe('guidanceRows', () => {
  it('batches cond and uncond, except where one row gives the same result', () => {
    expect(guidanceRows(3)).toEqual(['cond', 'uncond']);
    expect(guidanceRows(0.5)).toEqual(['cond', 'uncond']);
    expect(guidanceRows(1)).toEqual(['cond']);
    expect(guidanceRows(0)).toEqual(['uncond']);
  });
});

describe('prepareLatents', () => {
  it("draws the starting noise from the engine's seeded generator, in order", () => {
    const prepared = prepareLatents(manifest, 42, 2, 4);
    expect(prepared.dims).toEqual([1, 4, 2, 8, 8]);
    const expected = new Float32Array(4 * 2 * 8 * 8);
    new SeededRandom(42).fillNormal(expected);
    expect(prepared.latents).toEqual(expected);
    expect(prepared.scheduler.timesteps.length).toBe(4);
    expect(prepareLatents(manifest, 43, 2, 4).latents).not.toEqual(expected);
  });
});

describe('unscaleLatents', () => {
  it("undoes the pack's latent scaling in place: z = z' / scale + shift", () => {
    const z = new Float32Array([1, -2, 0]);
    expect(unscaleLatents(z, { scalingFactor: 0.5, shiftFactor: 0.1 })).toBe(z);
    expect([...z]).toEqual([Math.fround(2.1), Math.fround(-3.9), Math.fround(0.1)]);
    const same = new Float32Array([1, 2]);
    unscaleLatents(same, { scalingFactor: 1, shiftFactor: 0 });
    expect([...same]).toEqual([1, 2]);
  });
});
