// Where a queue job writes, and what a run that was killed may have left there. Every job writes
// to a name of its own (`<job id>.mp4` + `<job id>.json`), so anything on disk under that name
// belongs to an earlier run of the same job and may be removed or adopted without asking.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { recordPathFor } from '../render/output-target';
import { RECORD_FORMAT } from '../render/record';
import { checkShotId, type JobPlacement } from './job-model';
import { pidExists } from './process-identity';

export interface JobFiles {
  output: string;
  record: string;
}

/** `$AIPROD_HOME/renders/<job>.mp4`, or `<projectDir>/renders/<shot>/<job>.mp4` for a project shot. */
export function jobFiles(jobId: string, placement: JobPlacement, defaultRendersDir: string): JobFiles {
  const dir =
    placement.projectDir !== undefined && placement.shotId !== undefined
      ? path.join(path.resolve(placement.projectDir), 'renders', checkShotId(placement.shotId))
      : path.resolve(defaultRendersDir);
  const output = path.join(dir, `${jobId}.mp4`);
  return { output, record: recordPathFor(output) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Temporary files of any earlier run of this job: ffmpeg's `.<job>.mp4.<pid>-<hex>.partial`, the
 * record's `.<job>.json.<pid>.<hex>.tmp` (names from engine/media/output-file.ts and
 * engine/render/files.ts), and write probes of dead processes in the same folder. Removed; the
 * removed paths are returned.
 */
export function removeJobTempFiles(files: JobFiles): string[] {
  const dir = path.dirname(files.output);
  const patterns = [
    new RegExp(`^\\.${escapeRegExp(path.basename(files.output))}\\.\\d+-[0-9a-f]+\\.partial$`),
    new RegExp(`^\\.${escapeRegExp(path.basename(files.record))}\\.\\d+\\.[0-9a-f]+\\.tmp$`),
  ];
  const probe = /^\.aiprod-write-probe-(\d+)-[0-9a-f]+$/;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const probePid = probe.exec(name)?.[1];
    const stale = patterns.some((p) => p.test(name)) || (probePid !== undefined && !pidExists(Number(probePid)));
    if (!stale) continue;
    const file = path.join(dir, name);
    rmSync(file, { force: true });
    removed.push(file);
  }
  return removed;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export type EarlierRun =
  /** Nothing of an earlier run on disk. */
  | { kind: 'none'; removed: string[] }
  /** The video and its record are both there and agree: the run had finished. */
  | { kind: 'complete'; removed: string[]; record: CompletedRecord }
  /** Part of a run was there (a video without record, or the reverse) and has been removed. */
  | { kind: 'partial'; removed: string[] };

/** What the queue keeps of a finished render's record. */
export interface CompletedRecord {
  seed: number;
  frames: number;
  width: number;
  height: number;
  fps: number;
  executionProvider: string;
  outputSha256: string;
  totalMs: number;
}

function readCompletedRecord(file: string): (CompletedRecord & { videoFile: string }) | undefined {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (raw.format !== RECORD_FORMAT) return undefined;
    const video = raw.video as Record<string, unknown> | undefined;
    const device = raw.device as Record<string, unknown> | undefined;
    const timings = raw.timings as Record<string, unknown> | undefined;
    if (typeof raw.outputSha256 !== 'string' || video === undefined || typeof video.file !== 'string') return undefined;
    return {
      videoFile: video.file,
      seed: Number(raw.seed),
      frames: Number(video.frames),
      width: Number(video.width),
      height: Number(video.height),
      fps: Number(video.fps),
      executionProvider: String(device?.executionProvider ?? 'unknown'),
      outputSha256: raw.outputSha256,
      totalMs: Number(timings?.totalMs ?? 0),
    };
  } catch {
    return undefined;
  }
}

/**
 * Settles what an earlier, interrupted run of a job left: temporary files are removed; a video
 * whose record is present and names it with a matching hash is a finished render (the record is
 * written last, atomically); any other leftover is half a render and is removed, so the next run
 * starts clean and nothing is ever duplicated.
 */
export async function settleEarlierRun(files: JobFiles): Promise<EarlierRun> {
  const removed = removeJobTempFiles(files);
  const hasVideo = existsSync(files.output) && statSync(files.output).isFile();
  const hasRecord = existsSync(files.record) && statSync(files.record).isFile();
  if (!hasVideo && !hasRecord) return { kind: 'none', removed };
  if (hasVideo && hasRecord) {
    const record = readCompletedRecord(files.record);
    if (record !== undefined && path.resolve(record.videoFile) === path.resolve(files.output) && (await sha256File(files.output)) === record.outputSha256) {
      const { videoFile: _videoFile, ...kept } = record;
      return { kind: 'complete', removed, record: kept };
    }
  }
  for (const file of [files.output, files.record]) {
    if (!existsSync(file)) continue;
    rmSync(file, { force: true });
    removed.push(file);
  }
  return { kind: 'partial', removed };
}
