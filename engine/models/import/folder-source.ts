import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { checkPackFile, unsafeFile } from '../file-safety';
import { checkPackPath } from '../pack-paths';
import { isPickleName, pickleRefusal } from '../pickle';
import type { PackSource, SourceEntry } from './pack-source';

// A pack folder on disk, or loose files given one by one. Every file is checked (no links, devices,
// empty files, pickles by name) before the first byte is copied, and opened without following links.

const NO_FOLLOW = fs.constants.O_NOFOLLOW ?? 0;

interface DiskFile {
  absolute: string;
  packPath: string;
  bytes: number;
}

export async function folderSource(folder: string, label: string): Promise<PackSource> {
  const root = await fsp.realpath(folder);
  const files: DiskFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const names = (await fsp.readdir(dir)).sort();
    for (const name of names) {
      const absolute = path.join(dir, name);
      const packPath = prefix === '' ? name : `${prefix}/${name}`;
      const stats = await fsp.lstat(absolute);
      if (stats.isDirectory()) {
        await walk(absolute, packPath);
        continue;
      }
      files.push(await checkDiskFile(absolute, packPath));
    }
  };
  await walk(root, '');
  return diskSource(files, label, path.basename(root));
}

export async function looseFilesSource(paths: readonly string[]): Promise<PackSource> {
  const files: DiskFile[] = [];
  const seen = new Map<string, string>();
  for (const given of paths) {
    const name = path.basename(given);
    const key = name.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) throw unsafeFile(given, `same file name as ${earlier}`);
    seen.set(key, given);
    files.push(await checkDiskFile(path.resolve(given), name, given));
  }
  const first = paths[0] ?? 'pack';
  return diskSource(files, paths.join(', '), path.basename(path.dirname(path.resolve(first))));
}

async function checkDiskFile(absolute: string, packPath: string, label: string = packPath): Promise<DiskFile> {
  const name = checkPackPath(packPath);
  if (!name.ok) throw unsafeFile(label, `name refused: ${name.rule}`);
  if (isPickleName(packPath)) throw pickleRefusal(label, 'by name');
  const stats = await checkPackFile(absolute, label);
  return { absolute, packPath, bytes: stats.size };
}

function diskSource(files: DiskFile[], label: string, nameHint: string): PackSource {
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  return {
    label,
    nameHint,
    plannedBytes: total,
    minimumBytes: total,
    plannedFiles: files.length,
    async *entries(): AsyncIterable<SourceEntry> {
      for (const file of files) {
        yield {
          path: file.packPath,
          declaredBytes: file.bytes,
          open: async () => {
            const handle = await fsp.open(file.absolute, fs.constants.O_RDONLY | NO_FOLLOW);
            return [handle.createReadStream({ highWaterMark: 1 << 20 })];
          },
          openHandle: () => fsp.open(file.absolute, fs.constants.O_RDONLY | NO_FOLLOW),
        };
      }
    },
    fault: () => undefined,
    close: async () => {},
  };
}
