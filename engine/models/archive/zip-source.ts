import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { inputError } from '../../errors';
import type { PackSource, SourceEntry } from '../import/pack-source';
import { tap } from '../import/tap';
import { EntryGate, entryRefusal, type EntryKind } from './entry-gate';
import { RatioGuard, type ArchiveLimits } from './limits';

// A .zip read with yauzl. The whole central directory is checked before anything is extracted;
// then each entry's raw bytes are inflated here (not by yauzl) so the compressed bytes going in
// and the bytes coming out are both counted.

const S_IFMT = 0o170000;
const UNIX_KINDS: Record<number, EntryKind> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'symlink',
  0o010000: 'fifo',
  0o020000: 'device',
  0o060000: 'device',
  0o140000: 'socket',
};
const MADE_BY_UNIX = 3;
const MSDOS_DIRECTORY = 0x10;

export function zipEntryKind(entry: Pick<Entry, 'versionMadeBy' | 'externalFileAttributes'>, name: string): EntryKind {
  if (entry.versionMadeBy >> 8 === MADE_BY_UNIX) {
    const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (type !== 0) return UNIX_KINDS[type] ?? 'other';
  }
  if (name.endsWith('/') || (entry.externalFileAttributes & MSDOS_DIRECTORY) !== 0) return 'directory';
  return 'file';
}

interface PlannedEntry {
  entry: Entry;
  path: string;
}

export async function zipSource(file: string, label: string, limits: ArchiveLimits): Promise<PackSource> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(file, { autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (error) {
    throw inputError('ARCHIVE_INVALID', `${label} is not a readable zip archive: ${error instanceof Error ? error.message : String(error)}`, { file: label });
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw inputError('ARCHIVE_BOMB', `${label} refused: more than ${limits.maxEntries} entries (${zip.entryCount})`, { file: label, rule: 'entry count' });
    }
    const planned = await planEntries(zip, label, limits);
    const { size } = await fs.stat(file);
    return {
      label,
      nameHint: path.basename(file).replace(/\.zip$/i, ''),
      plannedBytes: planned.reduce((sum, p) => sum + p.entry.uncompressedSize, 0),
      minimumBytes: size,
      plannedFiles: planned.length,
      async *entries(): AsyncIterable<SourceEntry> {
        for (const p of planned) yield { path: p.path, declaredBytes: p.entry.uncompressedSize, open: () => openEntry(zip, p, label, limits) };
      },
      fault: () => undefined,
      close: async () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

async function planEntries(zip: ZipFile, label: string, limits: ArchiveLimits): Promise<PlannedEntry[]> {
  const gate = new EntryGate(label, limits.maxEntries);
  const planned: PlannedEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', (error: Error) => reject(inputError('ARCHIVE_INVALID', `${label} is a damaged zip archive: ${error.message}`, { file: label })));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      try {
        const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
        const packPath = gate.admit(name, zipEntryKind(entry, name));
        if (packPath !== null) {
          if (entry.isEncrypted()) throw entryRefusal(label, name, 'encrypted');
          if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw entryRefusal(label, name, `compression method ${entry.compressionMethod} (only stored and deflated are read)`);
          planned.push({ entry, path: packPath });
        }
        zip.readEntry();
      } catch (error) {
        reject(error);
      }
    });
    zip.readEntry();
  });
  return planned;
}

async function openEntry(zip: ZipFile, planned: PlannedEntry, label: string, limits: ArchiveLimits): Promise<[Readable, ...Transform[]]> {
  const { entry, path: name } = planned;
  const raw = await zip.openReadStreamPromise(entry, { decodeFileData: false });
  const guard = new RatioGuard(`${label}: entry "${name}"`, limits);
  let expanded = 0;
  const countOut = tap(
    (chunk) => {
      expanded += chunk.length;
      if (expanded > entry.uncompressedSize) throw entryRefusal(label, name, `holds more than the ${entry.uncompressedSize} bytes its header declares`);
      guard.addExpanded(chunk.length);
    },
    () => {
      if (expanded !== entry.uncompressedSize) throw entryRefusal(label, name, `holds ${expanded} bytes, not the ${entry.uncompressedSize} its header declares`);
    },
  );
  if (entry.compressionMethod === 0) return [raw, countOut];
  return [raw, tap((chunk) => guard.addCompressed(chunk.length)), zlib.createInflateRaw(), countOut];
}
