// A project's timeline -> one MP4 (H.264 + AAC) through engine/media's concatVideos: every shot's
// render cut by its trims, in order, re-encoded at the project's frame rate, with the audio clips
// placed at their start times, mixed, and cut or padded with silence to the timeline's length. The
// file appears complete or not at all (concatVideos writes a temporary name and renames it); a
// cancelled or failed export leaves nothing behind, and nothing is started until every input exists.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../errors';
import { concatVideos } from '../media/concat';
import type { ConcatProgress } from '../media/concat';
import { EXPORT_CODES, exportFileName, planTimelineExport, type TimelineExportPlan } from './export-plan';
import { existingProjectFile } from './media-files';
import type { Project } from './schema';

export const EXPORTS_DIR = 'exports';

export interface ExportTimelineOptions {
  /** Where to write; default <folder>/exports/<name>-<UTC time>.mp4 (the folder is made). */
  output?: string;
  /** The clock for the default name. */
  now?: () => Date;
  signal?: AbortSignal;
  onProgress?: (progress: ConcatProgress) => void;
}

export interface ExportedTimeline {
  output: string;
  /** The timeline's length, which is the file's. */
  durationSec: number;
  frames: number;
  fps: number;
  width: number;
  height: number;
  bytes: number;
  plan: TimelineExportPlan;
}

/** The plan's files as real paths inside `folder`; refuses, naming them, when any is missing. */
async function resolveInputs(folder: string, plan: TimelineExportPlan): Promise<{ clips: string[]; audio: string[] }> {
  const clips = await Promise.all(plan.segments.map((s) => existingProjectFile(folder, s.file)));
  const audio = await Promise.all(plan.audio.map((a) => existingProjectFile(folder, a.file)));
  const missing = [...plan.segments.filter((_, i) => clips[i] === null).map((s) => `${s.name} (${s.file})`), ...plan.audio.filter((_, i) => audio[i] === null).map((a) => a.file)];
  if (missing.length > 0) {
    throw inputError(EXPORT_CODES.FILE_MISSING, `Files of the timeline are missing from ${folder}: ${missing.join(', ')}. Render the shots again or remove the audio.`, { folder, missing });
  }
  return { clips: clips as string[], audio: audio as string[] };
}

/** Exports `project` (the document saved in `folder`) to one MP4. */
export async function exportTimeline(folder: string, project: Pick<Project, 'name' | 'settings' | 'shots' | 'audio'>, options: ExportTimelineOptions = {}): Promise<ExportedTimeline> {
  const plan = planTimelineExport(project);
  const inputs = await resolveInputs(folder, plan);
  let output = options.output;
  if (output === undefined) {
    const dir = path.join(folder, EXPORTS_DIR);
    await mkdir(dir, { recursive: true });
    output = path.join(dir, exportFileName(project.name, (options.now ?? (() => new Date()))()));
  }
  const result = await concatVideos(
    plan.segments.map((segment, i) => ({ file: inputs.clips[i] as string, startSec: segment.startSec, durationSec: segment.durationSec })),
    output,
    {
      fps: plan.fps,
      mode: 'reencode',
      audioTracks: plan.audio.map((clip, i) => ({ file: inputs.audio[i] as string, startSec: clip.startSec, ...(clip.gainDb === undefined ? {} : { gainDb: clip.gainDb }) })),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    },
  );
  return { output: result.output, durationSec: plan.durationSec, frames: plan.frames, fps: plan.fps, width: result.width, height: result.height, bytes: result.bytes, plan };
}
