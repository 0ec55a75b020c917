// Checks the place a render will write to BEFORE the minutes of work: the folder exists and accepts
// new files, the name ends in .mp4, and neither the video nor its record already exists (unless the
// caller asked to overwrite). Refusing late would throw away a finished render.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors';

export interface OutputTarget {
  /** Absolute path of the .mp4. */
  video: string;
  /** Absolute path of the reproducibility record: the video's path with .json instead of .mp4. */
  record: string;
}

/** The record that sits next to a video: `<output without .mp4>.json`. */
export function recordPathFor(video: string): string {
  return video.replace(/\.mp4$/i, '') + '.json';
}

/** Whether a new file can be created in `dir`: tried for real, because permission bits lie (root, ACLs, read-only mounts). */
function canCreateFilesIn(dir: string): { ok: true } | { ok: false; reason: string } {
  const probe = path.join(dir, `.aiprod-write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
    return { ok: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return { ok: false, reason: code };
  }
}

export function prepareOutputTarget(output: string, options: { overwrite?: boolean } = {}): OutputTarget {
  if (output.trim() === '') throw inputError('OUTPUT_INVALID', 'output path is empty', { field: 'output' });
  const video = path.resolve(output);
  if (!/\.mp4$/i.test(video)) throw inputError('OUTPUT_INVALID', `output ${video} must end in .mp4`, { field: 'output', path: video });
  const dir = path.dirname(video);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch {
    throw inputError('OUTPUT_DIR_MISSING', `output folder ${dir} does not exist`, { field: 'output', path: dir });
  }
  if (!dirStat.isDirectory()) throw inputError('OUTPUT_DIR_MISSING', `output folder ${dir} is not a folder`, { field: 'output', path: dir });
  const writable = canCreateFilesIn(dir);
  if (!writable.ok) throw inputError('OUTPUT_DIR_UNWRITABLE', `output folder ${dir} is not writable (${writable.reason})`, { field: 'output', path: dir });

  const record = recordPathFor(video);
  for (const target of [video, record]) {
    if (!existsSync(target)) continue;
    if (statSync(target).isDirectory()) throw inputError('OUTPUT_EXISTS', `output ${target} is a folder`, { field: 'output', path: target });
    if (!options.overwrite) throw inputError('OUTPUT_EXISTS', `output ${target} already exists (choose another name or allow overwriting)`, { field: 'output', path: target });
  }
  return { video, record };
}
