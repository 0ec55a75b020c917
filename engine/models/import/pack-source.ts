import type { FileHandle } from 'node:fs/promises';
import type { Readable, Transform } from 'node:stream';

// What an import copies from: a folder, loose files, or an archive, seen as a sequence of files.

export interface SourceEntry {
  /** Normalised pack-relative path (checked by checkPackPath). */
  path: string;
  /** Size claimed before reading (exact for files on disk, the header's for archives). */
  declaredBytes: number | undefined;
  /** Opens the entry's bytes: a source stream and the transforms that decode it, in order. */
  open(): Promise<[Readable, ...Transform[]]>;
  /**
   * A plain file on disk can also be opened as a handle: the copy then reads it into reused buffers
   * instead of a stream's fresh ones (which cost a page fault per 4 KiB copied).
   */
  openHandle?(): Promise<FileHandle>;
}

export interface PackSource {
  /** Names the input in messages: a path as the user gave it. */
  label: string;
  /** A name to derive a pack id from when the manifest has none (MANIFEST.json packs). */
  nameHint: string;
  /** Bytes to be written, when known before copying. */
  plannedBytes: number | undefined;
  /** Lower bound of the bytes to be written (the archive size), for the disk-space check. */
  minimumBytes: number;
  plannedFiles: number | undefined;
  /** Yields the files in order; each must be read to its end before asking for the next. */
  entries(): AsyncIterable<SourceEntry>;
  /** The error that stopped a streaming source, which may surface in a consumer as a plain close. */
  fault(): unknown;
  close(): Promise<void>;
}
