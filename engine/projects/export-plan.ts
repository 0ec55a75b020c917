// What a timeline export will join, worked out from the project document alone (no disk, no
// ffmpeg), so the arithmetic can be checked on its own: each shot's render cut by its trims, in
// timeline order, and the audio clips at their places. The timeline's clock is the project's frame
// rate: a shot lasts (durationFrames - trimIn - trimOut) frames and starts trimIn frames into its
// render, exactly as the studio's timeline draws it.
import { inputError } from '../errors';
import type { Project, Shot } from './schema';

export const EXPORT_CODES = {
  /** The timeline has no shots. (input) */
  EMPTY: 'EXPORT_EMPTY',
  /** Shots without a render; the message names them. (input) */
  UNRENDERED: 'EXPORT_UNRENDERED',
  /** A shot's render or an audio file is not (or no longer) in the project folder. (input) */
  FILE_MISSING: 'EXPORT_FILE_MISSING',
  /** export.start for a project this shell has not opened. (input) */
  NOT_OPEN: 'EXPORT_PROJECT_NOT_OPEN',
  /** An export with this id is already running. (input) */
  BUSY: 'EXPORT_BUSY',
} as const;

export interface ExportSegment {
  shotId: string;
  /** The name the timeline shows ("Shot 3" for an unnamed third shot). */
  name: string;
  /** The render, relative to the project folder. */
  file: string;
  /** Where the cut starts in the render, seconds (trimIn frames). */
  startSec: number;
  /** Frames the shot lasts on the timeline. */
  frames: number;
  durationSec: number;
  /** Where the shot starts on the timeline, seconds. */
  timelineStartSec: number;
}

export interface ExportAudio {
  clipId: string;
  /** Relative to the project folder. */
  file: string;
  /** Where the clip starts on the timeline, seconds. */
  startSec: number;
  gainDb?: number;
}

export interface TimelineExportPlan {
  fps: number;
  /** The timeline's length in frames: the sum of the shots' trimmed lengths. */
  frames: number;
  durationSec: number;
  segments: ExportSegment[];
  /** Audio clips that start before the film ends (later ones would be silence past the end). */
  audio: ExportAudio[];
}

/** Frames a shot shows once trimmed (the schema guarantees at least one). */
export function trimmedFrames(shot: Pick<Shot, 'durationFrames' | 'trimIn' | 'trimOut'>): number {
  return Math.max(1, shot.durationFrames - shot.trimIn - shot.trimOut);
}

/** The name the timeline shows for the shot at `index`. */
export function shotDisplayName(shot: Pick<Shot, 'name'>, index: number): string {
  return shot.name.trim() === '' ? `Shot ${index + 1}` : shot.name;
}

/** The export of `project`'s timeline; refuses an empty timeline and names every unrendered shot. */
export function planTimelineExport(project: Pick<Project, 'settings' | 'shots' | 'audio'>): TimelineExportPlan {
  if (project.shots.length === 0) throw inputError(EXPORT_CODES.EMPTY, 'The timeline has no shots to export');
  const unrendered = project.shots.flatMap((shot, index) => (shot.lastRender === undefined ? [{ id: shot.id, name: shotDisplayName(shot, index) }] : []));
  if (unrendered.length > 0) {
    const names = unrendered.map((s) => s.name);
    const listed = names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`;
    throw inputError(EXPORT_CODES.UNRENDERED, `${unrendered.length === 1 ? 'A shot has' : `${unrendered.length} shots have`} no render yet: ${listed}. Render ${unrendered.length === 1 ? 'it' : 'them'} before exporting.`, { shots: unrendered });
  }
  const { fps } = project.settings;
  let frames = 0;
  const segments = project.shots.map((shot, index): ExportSegment => {
    const length = trimmedFrames(shot);
    const segment: ExportSegment = {
      shotId: shot.id,
      name: shotDisplayName(shot, index),
      file: (shot.lastRender as NonNullable<Shot['lastRender']>).output,
      startSec: shot.trimIn / fps,
      frames: length,
      durationSec: length / fps,
      timelineStartSec: frames / fps,
    };
    frames += length;
    return segment;
  });
  const durationSec = frames / fps;
  const audio = project.audio
    .filter((clip) => clip.startSec < durationSec)
    .map((clip): ExportAudio => ({ clipId: clip.id, file: clip.file, startSec: clip.startSec, ...(clip.gainDb === undefined ? {} : { gainDb: clip.gainDb }) }));
  return { fps, frames, durationSec, segments, audio };
}

/** `<name>-<UTC time>.mp4`, safe on every platform: the project's name with odd characters replaced. */
export function exportFileName(projectName: string, now: Date): string {
  const stem =
    projectName
      .replace(/[^A-Za-z0-9 ._-]/g, '_')
      .replace(/^[.\s]+/, '')
      .slice(0, 80)
      .trim() || 'export';
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return `${stem}-${stamp}.mp4`;
}
