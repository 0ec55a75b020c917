import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { EXPORT_CODES, exportFileName, planTimelineExport, trimmedFrames } from '../../../../engine/projects/export-plan';
import type { AudioClip, Project } from '../../../../engine/projects/schema';
import { projectWith, shot } from './helpers';

const rendered = (id: string) => ({ jobId: `job-${id}`, output: `renders/${id}/job-${id}.mp4` });

function timeline(fps: number, audio: AudioClip[] = []): Project {
  const project = projectWith('Plan', [
    shot('a', 'one', { durationFrames: 16, trimIn: 4, trimOut: 2, lastRender: rendered('a') }),
    shot('b', 'two', { durationFrames: 8, lastRender: rendered('b') }),
    shot('c', 'three', { durationFrames: 24, trimIn: 0, trimOut: 23, lastRender: rendered('c') }),
  ]);
  return { ...project, settings: { ...project.settings, fps }, audio };
}

describe('planTimelineExport', () => {
  it('cuts each render by its trims, in timeline order, and sums the trimmed lengths', () => {
    const plan = planTimelineExport(timeline(8));
    expect(plan.segments.map((s) => [s.shotId, s.file, s.startSec, s.frames, s.durationSec, s.timelineStartSec])).toEqual([
      ['a', 'renders/a/job-a.mp4', 0.5, 10, 1.25, 0],
      ['b', 'renders/b/job-b.mp4', 0, 8, 1, 1.25],
      ['c', 'renders/c/job-c.mp4', 0, 1, 0.125, 2.25],
    ]);
    expect(plan.frames).toBe(19);
    expect(plan.durationSec).toBe(19 / 8);
    expect(plan.fps).toBe(8);
  });

  it('counts time at the project frame rate', () => {
    const plan = planTimelineExport(timeline(24));
    expect(plan.frames).toBe(19);
    expect(plan.durationSec).toBeCloseTo(19 / 24, 12);
    expect(plan.segments[0]?.startSec).toBeCloseTo(4 / 24, 12);
    expect(plan.segments[2]?.timelineStartSec).toBeCloseTo(18 / 24, 12);
  });

  it('places audio clips at their start offsets with their gain, leaving out those that start after the end', () => {
    const audio: AudioClip[] = [
      { id: 'm', file: 'audio/music.wav', name: 'music.wav', startSec: 0, durationSec: 60, gainDb: -3 },
      { id: 'v', file: 'audio/voice.mp3', name: 'voice.mp3', startSec: 1.5, durationSec: 2 },
      { id: 'late', file: 'audio/late.wav', name: 'late.wav', startSec: 19 / 8, durationSec: 1 },
    ];
    const plan = planTimelineExport(timeline(8, audio));
    expect(plan.audio).toEqual([
      { clipId: 'm', file: 'audio/music.wav', startSec: 0, gainDb: -3 },
      { clipId: 'v', file: 'audio/voice.mp3', startSec: 1.5 },
    ]);
  });

  it('refuses unrendered shots, naming every one (unnamed ones as the timeline shows them)', () => {
    const project = timeline(8);
    const shots = [project.shots[0]!, shot('x', 'p', { name: 'Gulls' }), shot('y', 'p', { name: '' }), project.shots[1]!];
    let error: unknown;
    try {
      planTimelineExport({ ...project, shots });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AiprodError);
    expect(error).toMatchObject({ code: EXPORT_CODES.UNRENDERED, kind: 'input', detail: { shots: [{ id: 'x', name: 'Gulls' }, { id: 'y', name: 'Shot 3' }] } });
    expect((error as Error).message).toBe('2 shots have no render yet: Gulls, Shot 3. Render them before exporting.');
  });

  it('shortens a long list of unrendered shots', () => {
    const shots = Array.from({ length: 14 }, (_, i) => shot(`s${i}`, 'p', { name: '' }));
    expect(() => planTimelineExport({ ...timeline(8), shots })).toThrow('14 shots have no render yet: Shot 1, Shot 2, Shot 3, Shot 4, Shot 5, Shot 6, Shot 7, Shot 8, Shot 9, Shot 10 and 4 more. Render them before exporting.');
  });

  it('refuses an empty timeline', () => {
    expect(() => planTimelineExport({ ...timeline(8), shots: [] })).toThrow(expect.objectContaining({ code: EXPORT_CODES.EMPTY }));
  });
});

describe('trimmedFrames and exportFileName', () => {
  it('keeps at least one frame', () => {
    expect(trimmedFrames({ durationFrames: 16, trimIn: 3, trimOut: 5 })).toBe(8);
    expect(trimmedFrames({ durationFrames: 2, trimIn: 1, trimOut: 1 })).toBe(1);
  });

  it('names the file after the project and the UTC time, safely', () => {
    const at = new Date('2026-11-23T09:08:07.654Z');
    expect(exportFileName('Harbour at dawn', at)).toBe('Harbour at dawn-2026-11-23T09-08-07Z.mp4');
    expect(exportFileName('../../etc/passwd', at)).toBe('_.._etc_passwd-2026-11-23T09-08-07Z.mp4');
    expect(exportFileName('Café: "take" 2/3', at)).toBe('Caf__ _take_ 2_3-2026-11-23T09-08-07Z.mp4');
    expect(exportFileName('...', at)).toBe('export-2026-11-23T09-08-07Z.mp4');
  });
});
