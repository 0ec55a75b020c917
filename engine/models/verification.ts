import fs from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { isAiprodError } from '../errors';
import { checkInside, ruleForStats } from './file-safety';
import { hashFiles } from './hashing';
import { checkExternalData } from './onnx/external-data';
import { ProgressMeter, type ProgressListener } from './progress';
import type { FileState, PackFileRecord, PackRecord, PackStatus } from './registry';

// Two checks of a registered pack against its recorded files: a cheap one by size and mtime (at
// startup, on every listing) and a full one that re-hashes every byte (on demand, and before the
// first render after a change).

export interface PackProblem {
  id: string;
  /** The pack-relative file at fault; null for a problem with the pack as a whole. */
  file: string | null;
  problem: 'missing' | 'modified' | 'unsafe';
  message: string;
}

export interface CheckOutcome {
  files: PackFileRecord[];
  status: PackStatus;
  problems: PackProblem[];
  /** Every file hashed in place, found as registered, and unchanged (size and mtime) since. */
  verified: boolean;
  /** Some file changed (size, mtime, presence) since it was last hashed, or was never hashed. */
  needsRehash: boolean;
}

export function statusOf(record: Pick<PackRecord, 'trainingStatus'>, files: readonly Pick<PackFileRecord, 'state'>[]): PackStatus {
  if (files.some((f) => f.state === 'missing')) return 'missing';
  if (files.some((f) => f.state === 'modified')) return 'modified';
  return record.trainingStatus === 'pending_training' ? 'pending_training' : 'ok';
}

function problemFor(id: string, file: PackFileRecord, why?: string): PackProblem | null {
  if (file.state === 'ok') return null;
  const message =
    file.state === 'missing'
      ? `model pack "${id}": file "${file.path}" is missing`
      : `model pack "${id}": file "${file.path}" was modified${why ? ` (${why})` : ''}`;
  return { id, file: file.path, problem: file.state, message };
}

async function lstatOrNull(file: string): Promise<Stats | null> {
  try {
    return await fs.lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw error;
  }
}

/** Whether what lstat shows differs from what the last full hash saw. */
function changedSinceHash(file: PackFileRecord, stats: Stats | null): boolean {
  if (stats === null) return file.seenMtimeMs !== null || file.state !== 'missing';
  return file.seenMtimeMs === null || stats.size !== file.seenBytes || stats.mtimeMs !== file.seenMtimeMs;
}

/** Size and mtime only. A file whose size changed is modified for sure; one whose mtime moved needs a re-hash. */
export async function quickCheck(record: PackRecord): Promise<CheckOutcome> {
  let needsRehash = record.lastVerifiedAt === null;
  const problems: PackProblem[] = [];
  const files: PackFileRecord[] = [];
  for (const file of record.files) {
    const stats = await lstatOrNull(path.join(record.path, file.path));
    if (changedSinceHash(file, stats)) needsRehash = true;
    let state: FileState = file.state;
    let why: string | undefined;
    if (stats === null) state = 'missing';
    else if (!stats.isFile() || stats.size !== file.bytes) {
      state = 'modified';
      why = stats.isFile() ? `size ${stats.size} bytes, registered ${file.bytes}` : 'no longer a regular file';
    }
    const next = { ...file, state };
    files.push(next);
    const problem = problemFor(record.id, next, why);
    if (problem) problems.push(problem);
  }
  const status = statusOf(record, files);
  return { files, status, problems, verified: !needsRehash && problems.length === 0, needsRehash };
}

/**
 * Re-hashes every file (in parallel, one file per core: see hashing.ts); also re-checks each ONNX
 * model's external-data locations.
 */
export async function fullVerify(record: PackRecord, onProgress?: ProgressListener): Promise<CheckOutcome> {
  const meter = new ProgressMeter('verify', onProgress, {
    bytesTotal: record.files.reduce((sum, f) => sum + f.bytes, 0),
    filesTotal: record.files.length,
  });
  // First what lstat can tell (absent, a link, outside the pack), then the hashes of the rest.
  const seen: { file: PackFileRecord; stats: Stats | null; rule: string | null }[] = [];
  for (const file of record.files) {
    const absolute = path.join(record.path, file.path);
    const stats = await lstatOrNull(absolute);
    const rule = stats === null ? null : (ruleForStats(stats) ?? (await insideRule(record.path, absolute, file.path)));
    seen.push({ file, stats, rule });
  }
  const toHash = seen.filter((s) => s.stats !== null && s.rule === null);
  for (const s of seen) {
    if (toHash.includes(s)) continue;
    meter.startFile(s.file.path);
    meter.endFile();
  }
  const digests = await hashFiles(
    toHash.map((s) => path.join(record.path, s.file.path)),
    {
      onStart: (i) => meter.startFile(toHash[i]!.file.path),
      onBytes: (_i, bytes) => meter.addBytes(bytes),
      onDone: () => meter.endFile(),
    },
  );
  const digestOf = new Map(toHash.map((s, i) => [s, digests[i]!] as const));

  const problems: PackProblem[] = [];
  const files: PackFileRecord[] = [];
  for (const s of seen) {
    const { file, stats, rule } = s;
    let next: PackFileRecord;
    let why: string | undefined;
    if (stats === null) next = { ...file, state: 'missing', seenBytes: null, seenMtimeMs: null };
    else if (rule !== null) {
      next = { ...file, state: 'modified', seenBytes: stats.size, seenMtimeMs: stats.mtimeMs };
      why = `now a ${rule}`;
    } else {
      const digest = digestOf.get(s)!;
      const same = digest.sha256 === file.sha256;
      // A shipped file's registered size came from stat, not from its checksum line: a match confirms it.
      next = { ...file, state: same ? 'ok' : 'modified', seenBytes: stats.size, seenMtimeMs: stats.mtimeMs, bytes: same ? digest.bytes : file.bytes };
      if (!same) why = 'SHA-256 differs from the registered one';
    }
    const problem = problemFor(record.id, next, why);
    if (problem) problems.push(problem);
    files.push(next);
  }
  for (const file of files) {
    if (file.state !== 'ok' || !file.path.toLowerCase().endsWith('.onnx')) continue;
    try {
      await checkExternalData(path.join(record.path, file.path), record.path, file.path);
    } catch (error) {
      if (!isAiprodError(error)) throw error;
      file.state = 'modified';
      problems.push({ id: record.id, file: file.path, problem: 'unsafe', message: `model pack "${record.id}": ${error.message}` });
    }
  }
  return { files, status: statusOf(record, files), problems, verified: problems.length === 0, needsRehash: false };
}

async function insideRule(root: string, absolute: string, label: string): Promise<string | null> {
  try {
    await checkInside(root, absolute, label);
    return null;
  } catch {
    return 'path resolving outside the pack';
  }
}
