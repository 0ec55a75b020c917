import fs from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../../errors';
import type { ArchiveLimits } from '../archive/limits';
import { tarSource } from '../archive/tar-source';
import { zipSource } from '../archive/zip-source';
import { folderSource, looseFilesSource } from './folder-source';
import type { PackSource } from './pack-source';

// Decides what the paths given to `models import` are: one folder, one archive (told by its
// content, not its name), or loose files that together make a pack.

export type SourceKind = 'folder' | 'zip' | 'tar' | 'tar.gz' | 'files';

const ARCHIVE_NAME = /\.(zip|tar|tar\.gz|tgz)$/i;

export async function sniffKind(file: string): Promise<Exclude<SourceKind, 'folder'>> {
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x06054b50) return 'zip'; // an empty zip
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
    if (bytesRead >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
    return 'files';
  } finally {
    await handle.close();
  }
}

/** `label` names the input in messages instead of its path (staged uploads name what was dropped). */
export async function openPackSource(paths: readonly string[], limits: ArchiveLimits, label?: string): Promise<PackSource> {
  if (paths.length === 0) throw inputError('USAGE', 'models import needs a pack folder, an archive or the pack files');
  const stats = await Promise.all(
    paths.map(async (p) => {
      try {
        return await fs.stat(p);
      } catch {
        throw inputError('IMPORT_SOURCE_NOT_FOUND', `${p}: no such file or folder`, { file: p });
      }
    }),
  );
  if (paths.length === 1 && stats[0]!.isDirectory()) return folderSource(paths[0]!, label ?? paths[0]!);
  const folder = paths.find((_, i) => stats[i]!.isDirectory());
  if (folder !== undefined) throw inputError('USAGE', `${folder} is a folder: give one pack folder alone, one archive, or the pack's files`, { file: folder });
  if (paths.length === 1) {
    const file = paths[0]!;
    const kind = stats[0]!.isFile() ? await sniffKind(file) : 'files';
    if (kind === 'zip') return zipSource(file, label ?? file, limits);
    if (kind === 'tar' || kind === 'tar.gz') return tarSource(file, label ?? file, kind === 'tar.gz', limits);
    if (ARCHIVE_NAME.test(file)) throw inputError('ARCHIVE_INVALID', `${label ?? file} is named like an archive but is not a zip, tar or gzip file`, { file: label ?? file });
  }
  return looseFilesSource(paths.map((p) => path.normalize(p)));
}
