import fs from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { inputError, type AiprodError } from '../errors';

// What a file in a pack must be: a plain, non-empty file with one name, not a link or a device,
// whose real path lies inside the pack. Checked on the source before copying and in place later.

export type FileRule =
  | 'symbolic link'
  | 'hard link (more than one name)'
  | 'FIFO'
  | 'device file'
  | 'socket'
  | 'not a regular file'
  | 'zero-byte file'
  | 'resolves outside the pack';

export function unsafeFile(label: string, rule: string): AiprodError {
  return inputError('PACK_UNSAFE_FILE', `"${label}" refused: ${rule}`, { file: label, rule });
}

export function ruleForStats(stats: Stats): FileRule | null {
  if (stats.isSymbolicLink()) return 'symbolic link';
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'device file';
  if (stats.isSocket()) return 'socket';
  if (!stats.isFile()) return 'not a regular file';
  if (stats.nlink > 1) return 'hard link (more than one name)';
  if (stats.size === 0) return 'zero-byte file';
  return null;
}

/** lstat + the rules above; returns the stats of a file that passes. */
export async function checkPackFile(file: string, label: string): Promise<Stats> {
  const stats = await fs.lstat(file);
  const rule = ruleForStats(stats);
  if (rule !== null) throw unsafeFile(label, rule);
  return stats;
}

/** Refuses a file whose real path escapes `root` (a link in a parent folder, say). */
export async function checkInside(root: string, file: string, label: string): Promise<void> {
  const [realRoot, realFile] = await Promise.all([fs.realpath(root), fs.realpath(file)]);
  const rel = path.relative(realRoot, realFile);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw unsafeFile(label, 'resolves outside the pack');
}
