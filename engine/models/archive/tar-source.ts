import fs from 'node:fs';
import path from 'node:path';
import { Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import tar, { type Header } from 'tar-stream';
import { inputError, isAiprodError } from '../../errors';
import type { PackSource, SourceEntry } from '../import/pack-source';
import { tap } from '../import/tap';
import { EntryGate, type EntryKind } from './entry-gate';
import { RatioGuard, type ArchiveLimits } from './limits';

// A .tar or .tar.gz read as one stream with tar-stream: a tar has no index, so each entry is checked
// as its header arrives, and gzip's expansion is measured over the whole stream.

const TAR_KINDS: Record<Header['type'], EntryKind> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
  fifo: 'fifo',
  'character-device': 'device',
  'block-device': 'device',
};

export function tarEntryKind(type: string): EntryKind {
  return Object.hasOwn(TAR_KINDS, type) ? TAR_KINDS[type as Header['type']] : 'other';
}

export async function tarSource(file: string, label: string, gzipped: boolean, limits: ArchiveLimits): Promise<PackSource> {
  const { size } = await fs.promises.stat(file);
  let fault: unknown;
  let streams: { destroy(error?: Error): void }[] = [];
  return {
    label,
    nameHint: path.basename(file).replace(/\.(tar\.gz|tgz|tar)$/i, ''),
    plannedBytes: gzipped ? undefined : size,
    minimumBytes: size,
    plannedFiles: undefined,
    async *entries(): AsyncIterable<SourceEntry> {
      const gate = new EntryGate(label, limits.maxEntries);
      const guard = new RatioGuard(label, limits);
      const input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
      const extract = tar.extract();
      let closing = false;
      const fail = (error: unknown): void => {
        // Once the consumer stopped (its own error, or the end), tearing the streams down is no fault.
        if (closing) return;
        fault ??= error;
        extract.destroy(error instanceof Error ? error : new Error(String(error)));
      };
      const chain = gzipped
        ? pipeline(input, tap((c) => guard.addCompressed(c.length)), zlib.createGunzip(), tap((c) => guard.addExpanded(c.length)), (error) => error && fail(gzipError(label, error)))
        : pipeline(input, tap(() => {}), (error) => error && fail(error));
      chain.pipe(extract as unknown as NodeJS.WritableStream);
      // An archive that ends inside an entry destroys that entry's stream, which its reader sees as
      // a bare "Stream was destroyed": the extractor's own error says what happened.
      extract.on('error', (error: Error) => {
        if (!closing) fault ??= tarError(label, error);
      });
      streams = [input, extract];
      try {
        for await (const entry of extract) {
          const packPath = gate.admit(entry.header.name, tarEntryKind(entry.header.type));
          if (packPath === null) {
            entry.resume();
            continue;
          }
          yield { path: packPath, declaredBytes: entry.header.size, open: async () => [Readable.from(entry)] };
        }
      } catch (error) {
        throw fault ?? tarError(label, error);
      } finally {
        closing = true;
        for (const s of streams) s.destroy();
      }
      if (fault !== undefined) throw fault;
    },
    fault: () => fault,
    close: async () => {
      for (const s of streams) s.destroy();
    },
  };
}

function gzipError(label: string, error: Error): unknown {
  if ((error as { code?: string }).code?.startsWith('Z_')) return inputError('ARCHIVE_INVALID', `${label} is not a valid gzip stream: ${error.message}`, { file: label });
  return error;
}

function tarError(label: string, error: unknown): unknown {
  if (isAiprodError(error) || !(error instanceof Error)) return error;
  return inputError('ARCHIVE_INVALID', `${label} is a damaged tar archive: ${error.message}`, { file: label });
}
