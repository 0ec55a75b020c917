import { mediaUrl } from '../../../../electron/common/channels/media';
import type { Project, Shot } from '../../../../electron/common/channels/projects';

// What the preview plays, worked out from the project document (DOM-free, so it is tested in Node).
// The clock is the project's frame rate, as on the timeline and in the export: a shot lasts its
// trimmed length and starts trimIn frames into its render. A shot without a render is HELD: it
// keeps its place and length in the sequence and the preview shows "not rendered yet" for that
// long, so positions, the audio track and the timeline stay in step with what the export will be.

export interface PlaybackSegment {
  shotId: string;
  /** The name the timeline shows ("Shot 3" for an unnamed third shot). */
  name: string;
  /** The render, relative to the project folder; null: not rendered yet (held). */
  file: string | null;
  /** The render's media URL; null: not rendered yet (held). */
  src: string | null;
  /** Where the shot starts in its render, seconds. */
  inSec: number;
  /** Frames the shot lasts. */
  frames: number;
  /** Its first frame in the sequence. */
  startFrame: number;
}

export interface PlaybackAudio {
  clipId: string;
  /** Relative to the project folder. */
  file: string;
  src: string;
  startSec: number;
  durationSec: number;
  gainDb: number;
}

export interface PlaybackPlan {
  fps: number;
  /** Frames in the sequence. */
  frames: number;
  segments: readonly PlaybackSegment[];
  /** The audio track: played along in the timeline scope only. */
  audio: readonly PlaybackAudio[];
}

export type PlaybackScope = 'timeline' | 'shot';

export const EMPTY_PLAN: PlaybackPlan = { fps: 8, frames: 0, segments: [], audio: [] };

function trimmedFrames(shot: Pick<Shot, 'durationFrames' | 'trimIn' | 'trimOut'>): number {
  return Math.max(1, shot.durationFrames - shot.trimIn - shot.trimOut);
}

type PlanInput = Pick<Project, 'settings' | 'shots' | 'audio'>;

function displayName(shot: Shot, index: number): string {
  return shot.name.trim() === '' ? `Shot ${index + 1}` : shot.name;
}

/**
 * Whether `plan` is what playbackPlan would make of these inputs, checked without building
 * anything: the studio asks at every change of the project (each keystroke), and a 500-shot plan
 * built each time would only feed the garbage collector.
 */
export function planStillHolds(plan: PlaybackPlan, planFolder: string | null, doc: PlanInput, folder: string, scope: PlaybackScope, shotId: string | null): boolean {
  if (planFolder !== folder || plan.fps !== doc.settings.fps) return false;
  let n = 0;
  let frames = 0;
  for (let index = 0; index < doc.shots.length; index++) {
    const shot = doc.shots[index] as Shot;
    if (scope === 'shot' && shot.id !== shotId) continue;
    const segment = plan.segments[n++];
    const length = trimmedFrames(shot);
    if (
      segment === undefined ||
      segment.shotId !== shot.id ||
      segment.frames !== length ||
      segment.startFrame !== frames ||
      segment.inSec !== shot.trimIn / plan.fps ||
      segment.file !== (shot.lastRender?.output ?? null) ||
      segment.name !== displayName(shot, index)
    ) {
      return false;
    }
    frames += length;
  }
  if (n !== plan.segments.length || frames !== plan.frames) return false;
  const audio = scope === 'timeline' ? doc.audio : [];
  return (
    audio.length === plan.audio.length &&
    audio.every((clip, i) => {
      const held = plan.audio[i];
      return held !== undefined && held.clipId === clip.id && held.file === clip.file && held.startSec === clip.startSec && held.durationSec === clip.durationSec && held.gainDb === (clip.gainDb ?? 0);
    })
  );
}

/** The timeline (every shot, in order, with the audio track) or the one shot `shotId`. */
export function playbackPlan(doc: PlanInput | null, folder: string | null, scope: PlaybackScope, shotId: string | null): PlaybackPlan {
  if (doc === null || folder === null) return EMPTY_PLAN;
  const fps = doc.settings.fps;
  const chosen = scope === 'timeline' ? doc.shots.map((shot, index) => ({ shot, index })) : doc.shots.flatMap((shot, index) => (shot.id === shotId ? [{ shot, index }] : []));
  let frames = 0;
  const segments = chosen.map(({ shot, index }): PlaybackSegment => {
    const length = trimmedFrames(shot);
    const segment: PlaybackSegment = {
      shotId: shot.id,
      name: displayName(shot, index),
      file: shot.lastRender?.output ?? null,
      src: shot.lastRender === undefined ? null : mediaUrl(folder, shot.lastRender.output),
      inSec: shot.trimIn / fps,
      frames: length,
      startFrame: frames,
    };
    frames += length;
    return segment;
  });
  const audio =
    scope === 'timeline'
      ? doc.audio.map((clip): PlaybackAudio => ({ clipId: clip.id, file: clip.file, src: mediaUrl(folder, clip.file), startSec: clip.startSec, durationSec: clip.durationSec, gainDb: clip.gainDb ?? 0 }))
      : [];
  return { fps, frames, segments, audio };
}

/** Whether two plans play the same thing (a prompt edit must not restart the preview). */
export function samePlan(a: PlaybackPlan, b: PlaybackPlan): boolean {
  if (a === b) return true;
  if (a.fps !== b.fps || a.frames !== b.frames || a.segments.length !== b.segments.length || a.audio.length !== b.audio.length) return false;
  const sameSegments = a.segments.every((s, i) => {
    const t = b.segments[i];
    return t !== undefined && s.shotId === t.shotId && s.name === t.name && s.src === t.src && s.inSec === t.inSec && s.frames === t.frames && s.startFrame === t.startFrame;
  });
  return (
    sameSegments &&
    a.audio.every((c, i) => {
      const d = b.audio[i];
      return d !== undefined && c.clipId === d.clipId && c.src === d.src && c.startSec === d.startSec && c.durationSec === d.durationSec && c.gainDb === d.gainDb;
    })
  );
}

/** The frame `frame` clamped into the sequence (0 for an empty one). */
export function clampFrame(plan: PlaybackPlan, frame: number): number {
  return Math.max(0, Math.min(Math.max(0, plan.frames - 1), Math.round(frame)));
}

/** The segment holding sequence frame `frame`, its index and the frame within it; null for an empty plan. */
export function segmentAt(plan: PlaybackPlan, frame: number): { segment: PlaybackSegment; index: number; localFrame: number } | null {
  const at = clampFrame(plan, frame);
  // Binary search: a 500-shot timeline is walked at every frame while playing.
  let lo = 0;
  let hi = plan.segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const segment = plan.segments[mid] as PlaybackSegment;
    if (at < segment.startFrame) hi = mid - 1;
    else if (at >= segment.startFrame + segment.frames) lo = mid + 1;
    else return { segment, index: mid, localFrame: at - segment.startFrame };
  }
  return null;
}

/** The render time that shows frame `localFrame` of a segment: the middle of the frame, so a seek
 * never lands on a boundary that rounding could put in the frame before. */
export function renderTimeOf(segment: Pick<PlaybackSegment, 'inSec'>, localFrame: number, fps: number): number {
  return segment.inSec + (localFrame + 0.5) / fps;
}

/** The segment's frame a render time shows (inverse of renderTimeOf). */
export function localFrameAt(segment: Pick<PlaybackSegment, 'inSec'>, seconds: number, fps: number): number {
  return Math.floor((seconds - segment.inSec) * fps + 1e-6);
}

/** "1:02.500": minutes, seconds and milliseconds of the start of frame `frame`. */
export function formatTime(frame: number, fps: number): string {
  const totalMs = Math.round((frame / fps) * 1000);
  const minutes = Math.floor(totalMs / 60_000);
  const seconds = Math.floor((totalMs % 60_000) / 1000);
  const ms = totalMs % 1000;
  return `${minutes}:${String(seconds).padStart(2, '0')}.${String(ms).padStart(3, '0')}`;
}
