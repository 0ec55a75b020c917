import { describe, expect, it } from 'vitest';
import type { Project, Shot } from '../../../../../electron/common/channels/projects';
import { clampFrame, formatTime, localFrameAt, planStillHolds, playbackPlan, renderTimeOf, samePlan, segmentAt } from '../../../../../renderer/src/features/player/playback-plan';

function shot(id: string, extra: Partial<Shot> = {}): Shot {
  return { id, name: '', prompt: 'p', negativePrompt: '', seed: 1, seedLocked: true, tier: 'eco', model: 'aiprod-nano', durationFrames: 16, trimIn: 0, trimOut: 0, ...extra };
}

const doc: Pick<Project, 'settings' | 'shots' | 'audio'> = {
  settings: { fps: 8, defaultTier: 'eco', defaultModel: 'aiprod-nano', device: 'auto' },
  shots: [
    shot('a', { trimIn: 2, trimOut: 2, lastRender: { jobId: 'j', output: 'renders/a/j.mp4' } }),
    shot('b', { name: 'Gulls', durationFrames: 8 }),
    shot('c', { trimOut: 4, lastRender: { jobId: 'k', output: 'renders/c/k.mp4' } }),
  ],
  audio: [{ id: 't', file: 'audio/tone.wav', name: 'tone.wav', startSec: 0.5, durationSec: 2, gainDb: -6 }],
};
const folder = '/films/My harbour';

describe('playbackPlan', () => {
  it('lays the shots end to end with their trims, holding unrendered ones in place', () => {
    const plan = playbackPlan(doc, folder, 'timeline', null);
    expect(plan.frames).toBe(12 + 8 + 12);
    expect(plan.segments.map((s) => [s.name, s.startFrame, s.frames, s.inSec, s.src])).toEqual([
      ['Shot 1', 0, 12, 0.25, '/media?project=%2Ffilms%2FMy%20harbour&file=renders%2Fa%2Fj.mp4'],
      ['Gulls', 12, 8, 0, null],
      ['Shot 3', 20, 12, 0, '/media?project=%2Ffilms%2FMy%20harbour&file=renders%2Fc%2Fk.mp4'],
    ]);
    expect(plan.audio).toEqual([{ clipId: 't', file: 'audio/tone.wav', src: '/media?project=%2Ffilms%2FMy%20harbour&file=audio%2Ftone.wav', startSec: 0.5, durationSec: 2, gainDb: -6 }]);
  });

  it('plays one shot alone, without the audio track, in the shot scope', () => {
    const plan = playbackPlan(doc, folder, 'shot', 'c');
    expect(plan.frames).toBe(12);
    expect(plan.segments).toHaveLength(1);
    expect(plan.segments[0]).toMatchObject({ shotId: 'c', name: 'Shot 3', startFrame: 0 });
    expect(plan.audio).toEqual([]);
    expect(playbackPlan(doc, folder, 'shot', null).frames).toBe(0);
    expect(playbackPlan(null, null, 'timeline', null).frames).toBe(0);
  });

  it('is the same plan after a prompt edit, another one after a trim', () => {
    const before = playbackPlan(doc, folder, 'timeline', null);
    const prompted = { ...doc, shots: doc.shots.map((s, i) => (i === 0 ? { ...s, prompt: 'a new prompt' } : s)) };
    const trimmed = { ...doc, shots: doc.shots.map((s, i) => (i === 0 ? { ...s, trimOut: 3 } : s)) };
    expect(samePlan(before, playbackPlan(prompted, folder, 'timeline', null))).toBe(true);
    expect(samePlan(before, playbackPlan(trimmed, folder, 'timeline', null))).toBe(false);
  });

  it('tells, without building a new plan, whether the one it has still holds', () => {
    const plan = playbackPlan(doc, folder, 'timeline', null);
    const edit = (i: number, patch: Partial<Shot>) => ({ ...doc, shots: doc.shots.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
    expect(planStillHolds(plan, folder, doc, folder, 'timeline', null)).toBe(true);
    expect(planStillHolds(plan, folder, edit(0, { prompt: 'typed' }), folder, 'timeline', null)).toBe(true);
    expect(planStillHolds(plan, folder, edit(0, { trimIn: 3 }), folder, 'timeline', null)).toBe(false);
    expect(planStillHolds(plan, folder, edit(1, { lastRender: { jobId: 'n', output: 'renders/b/n.mp4' } }), folder, 'timeline', null)).toBe(false);
    expect(planStillHolds(plan, folder, edit(1, { name: 'Terns' }), folder, 'timeline', null)).toBe(false);
    expect(planStillHolds(plan, folder, { ...doc, shots: [doc.shots[1]!, doc.shots[0]!, doc.shots[2]!] }, folder, 'timeline', null)).toBe(false);
    expect(planStillHolds(plan, folder, { ...doc, audio: [] }, folder, 'timeline', null)).toBe(false);
    expect(planStillHolds(plan, folder, { ...doc, settings: { ...doc.settings, fps: 12 } }, folder, 'timeline', null)).toBe(false);
    expect(planStillHolds(plan, folder, doc, '/films/other', 'timeline', null)).toBe(false);
    // The shot scope: only the shot in focus counts.
    const shotPlan = playbackPlan(doc, folder, 'shot', 'c');
    expect(planStillHolds(shotPlan, folder, edit(0, { trimIn: 5 }), folder, 'shot', 'c')).toBe(true);
    expect(planStillHolds(shotPlan, folder, doc, folder, 'shot', 'a')).toBe(false);
  });
});

describe('positions', () => {
  const plan = playbackPlan(doc, folder, 'timeline', null);

  it('finds the segment and the frame within it', () => {
    expect(segmentAt(plan, 0)).toMatchObject({ index: 0, localFrame: 0 });
    expect(segmentAt(plan, 11)).toMatchObject({ index: 0, localFrame: 11 });
    expect(segmentAt(plan, 12)).toMatchObject({ index: 1, localFrame: 0 });
    expect(segmentAt(plan, 31)).toMatchObject({ index: 2, localFrame: 11 });
    expect(segmentAt(plan, 99)).toMatchObject({ index: 2, localFrame: 11 });
    expect(segmentAt(playbackPlan(null, null, 'timeline', null), 0)).toBeNull();
    expect(clampFrame(plan, -3)).toBe(0);
    expect(clampFrame(plan, 40)).toBe(31);
  });

  it('seeks to the middle of a frame and reads the frame back from the time', () => {
    const first = plan.segments[0]!;
    for (const frame of [0, 1, 5, 11]) {
      const t = renderTimeOf(first, frame, plan.fps);
      expect(t).toBeCloseTo(0.25 + (frame + 0.5) / 8, 12);
      expect(localFrameAt(first, t, plan.fps)).toBe(frame);
      // Any time within the frame reads as that frame, the boundary as the next.
      expect(localFrameAt(first, 0.25 + frame / 8, plan.fps)).toBe(frame);
      expect(localFrameAt(first, 0.25 + (frame + 1) / 8 - 1e-4, plan.fps)).toBe(frame);
    }
  });

  it('formats the time of a frame', () => {
    expect(formatTime(0, 8)).toBe('0:00.000');
    expect(formatTime(31, 8)).toBe('0:03.875');
    expect(formatTime(8 * 75 + 4, 8)).toBe('1:15.500');
    expect(formatTime(1, 24)).toBe('0:00.042');
  });
});
