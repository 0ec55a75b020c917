import { describe, expect, it } from 'vitest';
import type { Project, Shot } from '../../../../electron/common/channels/projects';
import { duplicateShots, moveShotsTo, newShot, nextShotName, nudgeShots, patchShot, projectRelativePath, totalSeconds, updateShot, visibleFrames, type TierDefaultsMap } from '../../../../renderer/src/stores/project-edits';

const TIERS: TierDefaultsMap = { eco: { steps: 10, guidance: 4, frames: 16 }, standard: { steps: 20, guidance: 4, frames: 16 }, premium: { steps: 40, guidance: 4.5, frames: 24 } };

function shot(id: string, extra: Partial<Shot> = {}): Shot {
  return { id, name: id, prompt: '', negativePrompt: '', seed: 1, seedLocked: false, tier: 'standard', model: 'aiprod-nano', durationFrames: 16, trimIn: 0, trimOut: 0, ...extra };
}

function project(shots: Shot[]): Project {
  return { schemaVersion: 1, revision: 0, name: 'P', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', settings: { fps: 8, defaultTier: 'premium', defaultModel: 'aiprod-nano', device: 'auto' }, shots, audio: [] };
}

const ids = (p: Project) => p.shots.map((s) => s.id);

describe('project edits', () => {
  it('start a new shot from the project defaults, sized by its tier', () => {
    const p = project([shot('a', { name: 'Shot 4' }), shot('b', { name: 'Intro' })]);
    expect(nextShotName(p)).toBe('Shot 5');
    expect(newShot(p, TIERS, 'n', 99)).toEqual({ id: 'n', name: 'Shot 5', prompt: '', negativePrompt: '', seed: 99, seedLocked: false, tier: 'premium', model: 'aiprod-nano', durationFrames: 24, trimIn: 0, trimOut: 0 });
  });

  it('size an unrendered shot by its frames or its tier, and keep a rendered one at its clip length', () => {
    const s = shot('a', { trimIn: 4, trimOut: 4 });
    expect(patchShot(s, { frames: 8 }, TIERS)).toMatchObject({ frames: 8, durationFrames: 8, trimIn: 4, trimOut: 3 });
    expect(patchShot(s, { tier: 'premium' }, TIERS)).toMatchObject({ durationFrames: 24 });
    const withFrames = patchShot(s, { frames: 32 }, TIERS);
    expect(patchShot(withFrames, { frames: undefined }, TIERS)).not.toHaveProperty('frames');
    expect(patchShot(withFrames, { frames: undefined }, TIERS).durationFrames).toBe(16);
    const rendered = shot('r', { durationFrames: 8, lastRender: { jobId: 'j', output: 'renders/r/j.mp4' } });
    expect(patchShot(rendered, { frames: 16 }, TIERS).durationFrames).toBe(8);
    expect(visibleFrames(patchShot(s, { trimIn: 15 }, TIERS))).toBe(1);
  });

  it('answer the same object when nothing changes', () => {
    const p = project([shot('a', { prompt: 'x' })]);
    expect(updateShot(p, 'a', { prompt: 'x' }, TIERS)).toBe(p);
    expect(updateShot(p, 'missing', { prompt: 'y' }, TIERS)).toBe(p);
    expect(nudgeShots(p, new Set(['a']), -1)).toBe(p);
    const changed = updateShot(project([shot('a'), shot('b')]), 'b', { prompt: 'y' }, TIERS);
    expect(changed.shots[1]?.prompt).toBe('y');
  });

  it('keep untouched shots as the same objects', () => {
    const p = project([shot('a'), shot('b'), shot('c')]);
    const next = updateShot(p, 'b', { prompt: 'new' }, TIERS);
    expect(next.shots[0]).toBe(p.shots[0]);
    expect(next.shots[2]).toBe(p.shots[2]);
    expect(next.shots[1]).not.toBe(p.shots[1]);
  });

  it('nudge a selection as a group, stopping at the edges', () => {
    const p = project(['a', 'b', 'c', 'd', 'e'].map((id) => shot(id)));
    expect(ids(nudgeShots(p, new Set(['c']), -1))).toEqual(['a', 'c', 'b', 'd', 'e']);
    expect(ids(nudgeShots(p, new Set(['b', 'd']), 1))).toEqual(['a', 'c', 'b', 'e', 'd']);
    expect(ids(nudgeShots(p, new Set(['a', 'b', 'd']), -1))).toEqual(['a', 'b', 'd', 'c', 'e']);
    expect(ids(nudgeShots(p, new Set(['e']), 1))).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('move dragged shots to a place in the remaining list, and duplicate after the last original', () => {
    const p = project(['a', 'b', 'c', 'd'].map((id) => shot(id)));
    expect(ids(moveShotsTo(p, new Set(['a', 'c']), 2))).toEqual(['b', 'd', 'a', 'c']);
    expect(ids(moveShotsTo(p, new Set(['d']), 0))).toEqual(['d', 'a', 'b', 'c']);
    let n = 0;
    const rendered = project([shot('a'), shot('b', { lastRender: { jobId: 'j', output: 'renders/b/j.mp4' } }), shot('c')]);
    const { project: dup, created } = duplicateShots(rendered, new Set(['a', 'b']), () => `copy${++n}`);
    expect(ids(dup)).toEqual(['a', 'b', 'copy1', 'copy2', 'c']);
    expect(created).toEqual(['copy1', 'copy2']);
    expect(dup.shots[3]).not.toHaveProperty('lastRender');
    expect(dup.shots[3]?.name).toBe('b copy');
  });

  it('add up the timeline at the project frame rate, trims included', () => {
    expect(totalSeconds(project([shot('a'), shot('b', { trimIn: 4, trimOut: 4 })]))).toBe(3);
  });

  it('turn a file inside the project folder into the path the project stores', () => {
    expect(projectRelativePath('/films/harbour', '/films/harbour/renders/s1/j.mp4')).toBe('renders/s1/j.mp4');
    expect(projectRelativePath('C:\\films\\harbour\\', 'C:\\films\\harbour\\renders\\j.png')).toBe('renders/j.png');
    expect(projectRelativePath('/films/harbour', '/films/harbour-2/x.mp4')).toBeNull();
    expect(projectRelativePath('/films/harbour', '/films/harbour/../x.mp4')).toBeNull();
  });
});
