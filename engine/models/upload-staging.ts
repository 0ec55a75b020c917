import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { inputError, workError } from '../errors';
import type { LibraryPaths } from '../library/paths';
import { DEFAULT_ARCHIVE_LIMITS } from './archive/limits';
import { unsafeFile } from './file-safety';
import { DISK_MARGIN_BYTES, freeBytes as statfsFreeBytes } from './import/staging';
import { checkPackPath, collisionKey } from './pack-paths';
import { isPickleName, pickleRefusal } from './pickle';
import { ProgressMeter, type ProgressListener } from './progress';

// Files dropped on a studio that has no file paths (the browser, through the headless host): their
// bytes arrive one file at a time into <models>/.staging/<pid>-upload-<id>/, and once all are in,
// the same import as for paths runs on the staged copy. Names, count, total size and free disk are
// checked when the upload is announced, before a byte is accepted; each file must then bring
// exactly the bytes announced. Any failure discards the whole upload.

export interface UploadFileSpec {
  /** Relative path as dropped: "denoiser.onnx", or "my-pack/denoiser.onnx" for a dropped folder. */
  name: string;
  bytes: number;
}

export interface UploadLimits {
  maxFiles: number;
  maxTotalBytes: number;
  /** An upload nobody wrote to for this long is discarded. */
  idleMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFiles: DEFAULT_ARCHIVE_LIMITS.maxEntries,
  maxTotalBytes: DEFAULT_ARCHIVE_LIMITS.maxTotalBytes,
  idleMs: 15 * 60_000,
};

export interface UploadStagingOptions {
  limits?: Partial<UploadLimits>;
  /** Free bytes on the library's disk (tests pass a fixed figure). */
  freeBytes?: (dir: string) => Promise<number>;
  now?: () => number;
}

export interface StagedImport {
  /** What to hand to the import: the one dropped file (an archive, say) or the folder of all of them. */
  paths: string[];
  /** Names the upload in messages: the dropped file's name, or the dropped names. */
  label: string;
}

interface StagedFile extends UploadFileSpec {
  state: 'waiting' | 'receiving' | 'received';
}

interface Session {
  id: string;
  dir: string;
  files: StagedFile[];
  totalBytes: number;
  meter: ProgressMeter;
  lastActivity: number;
}

/** Subfolder of an upload holding the dropped files under their dropped names. */
const CONTENT_DIR = 'dropped-files';
const UPLOAD_ID = /^[a-f0-9]{32}$/;

export class UploadStaging {
  private readonly sessions = new Map<string, Session>();
  private readonly limits: UploadLimits;
  private readonly freeBytes: (dir: string) => Promise<number>;
  private readonly now: () => number;

  constructor(
    private readonly paths: LibraryPaths,
    options: UploadStagingOptions = {},
  ) {
    this.limits = { ...DEFAULT_UPLOAD_LIMITS, ...options.limits };
    this.freeBytes = options.freeBytes ?? statfsFreeBytes;
    this.now = options.now ?? Date.now;
  }

  /** Checks the announced files and makes their staging folder; answers the upload's id. */
  async begin(files: readonly UploadFileSpec[], onProgress?: ProgressListener): Promise<{ uploadId: string; totalBytes: number }> {
    await this.expireIdle();
    const checked = checkAnnounced(files, this.limits);
    const totalBytes = checked.reduce((sum, f) => sum + f.bytes, 0);
    await fs.mkdir(this.paths.staging, { recursive: true });
    // The staged copy and the imported copy exist together until the import's rename.
    const needed = 2 * totalBytes + DISK_MARGIN_BYTES;
    const free = await this.freeBytes(this.paths.models);
    if (needed > free) {
      throw workError('DISK_SPACE', `not enough free disk space to receive ${totalBytes} bytes and import them: needs ${needed} bytes, ${free} available in ${this.paths.models}`, {
        detail: { neededBytes: needed, freeBytes: free },
      });
    }
    const id = randomBytes(16).toString('hex');
    // <pid>- first: the importer clears staging folders whose process is gone.
    const dir = path.join(this.paths.staging, `${process.pid}-upload-${id}`);
    await fs.mkdir(path.join(dir, CONTENT_DIR), { recursive: true });
    const meter = new ProgressMeter('upload', onProgress, { bytesTotal: totalBytes, filesTotal: checked.length, now: () => performance.now() });
    this.sessions.set(id, { id, dir, files: checked.map((f) => ({ ...f, state: 'waiting' })), totalBytes, meter, lastActivity: this.now() });
    return { uploadId: id, totalBytes };
  }

  /** The files of an upload as announced, for the shell to match requests against. */
  announced(uploadId: string): readonly UploadFileSpec[] {
    return this.session(uploadId).files.map(({ name, bytes }) => ({ name, bytes }));
  }

  /**
   * Writes file `index` of the upload from `body`, which must hold exactly the announced bytes.
   * Any failure (too many bytes, too few, a write error) discards the whole upload.
   */
  async receive(uploadId: string, index: number, body: AsyncIterable<Uint8Array>): Promise<{ name: string; bytes: number }> {
    const session = this.session(uploadId);
    const file = session.files[index];
    if (file === undefined) throw inputError('UPLOAD_UNKNOWN_FILE', `upload ${uploadId} has no file number ${index} (it announced ${session.files.length})`, { uploadId, index });
    if (file.state !== 'waiting') throw inputError('UPLOAD_FILE_TWICE', `"${file.name}" was already sent for this upload`, { file: file.name });
    file.state = 'receiving';
    const dest = path.join(session.dir, CONTENT_DIR, ...file.name.split('/'));
    let received = 0;
    try {
      await fs.mkdir(path.dirname(dest), { recursive: true });
      session.meter.startFile(file.name);
      const handle = await fs.open(dest, 'wx', 0o644);
      try {
        for await (const chunk of body) {
          received += chunk.length;
          session.lastActivity = this.now();
          if (received > file.bytes) {
            throw inputError('UPLOAD_SIZE_MISMATCH', `"${file.name}" refused: more than the ${file.bytes} bytes announced for it`, { file: file.name, rule: 'announced size' });
          }
          await handle.write(chunk);
          session.meter.addBytes(chunk.length);
        }
      } finally {
        await handle.close();
      }
      if (received < file.bytes) {
        throw inputError('UPLOAD_INCOMPLETE', `"${file.name}" ended early: ${received} of the ${file.bytes} bytes announced arrived`, { file: file.name, rule: 'announced size' });
      }
      file.state = 'received';
      session.meter.endFile();
      return { name: file.name, bytes: received };
    } catch (error) {
      await this.discard(uploadId);
      throw error;
    }
  }

  /** Whether every announced file arrived. */
  complete(uploadId: string): boolean {
    return this.session(uploadId).files.every((f) => f.state === 'received');
  }

  /** What the import runs on, once every file arrived. */
  staged(uploadId: string): StagedImport {
    const session = this.session(uploadId);
    const missing = session.files.filter((f) => f.state !== 'received');
    if (missing.length > 0) {
      throw inputError('UPLOAD_INCOMPLETE', `upload ${uploadId} is missing ${missing.length} of its ${session.files.length} files, first "${missing[0]!.name}"`, { file: missing[0]!.name });
    }
    const content = path.join(session.dir, CONTENT_DIR);
    const only = session.files.length === 1 ? session.files[0] : undefined;
    if (only !== undefined && !only.name.includes('/')) return { paths: [path.join(content, only.name)], label: only.name };
    const names = session.files.map((f) => f.name);
    const tops = [...new Set(names.map((n) => n.split('/')[0]!))];
    const label = tops.length === 1 && names.every((n) => n.includes('/')) ? tops[0]! : `the dropped files (${names.slice(0, 3).join(', ')}${names.length > 3 ? `, and ${names.length - 3} more` : ''})`;
    return { paths: [content], label };
  }

  /** Removes an upload's staging folder (idempotent). */
  async discard(uploadId: string): Promise<boolean> {
    const session = this.sessions.get(uploadId);
    if (session === undefined) return false;
    this.sessions.delete(uploadId);
    await fs.rm(session.dir, { recursive: true, force: true });
    return true;
  }

  async discardAll(): Promise<void> {
    for (const id of [...this.sessions.keys()]) await this.discard(id);
  }

  /** Uploads in progress (for tests and the shell's bookkeeping). */
  ids(): string[] {
    return [...this.sessions.keys()];
  }

  private session(uploadId: string): Session {
    const session = UPLOAD_ID.test(uploadId) ? this.sessions.get(uploadId) : undefined;
    if (session === undefined) throw inputError('UPLOAD_NOT_FOUND', `no upload ${JSON.stringify(uploadId)} in progress (finished, cancelled, failed or expired)`, { uploadId });
    return session;
  }

  private async expireIdle(): Promise<void> {
    const now = this.now();
    for (const session of [...this.sessions.values()]) {
      if (now - session.lastActivity > this.limits.idleMs && session.files.every((f) => f.state !== 'receiving')) await this.discard(session.id);
    }
  }
}

/** Names, sizes and count of an announced upload, checked like the entries of an archive. */
function checkAnnounced(files: readonly UploadFileSpec[], limits: UploadLimits): UploadFileSpec[] {
  if (files.length === 0) throw inputError('USAGE', 'an upload needs at least one file');
  if (files.length > limits.maxFiles) {
    throw inputError('UPLOAD_TOO_LARGE', `refused: ${files.length} files, more than the ${limits.maxFiles} an import accepts`, { rule: 'file count' });
  }
  const seen = new Map<string, string>();
  const out: UploadFileSpec[] = [];
  let total = 0;
  for (const file of files) {
    const checked = checkPackPath(file.name);
    if (!checked.ok) throw unsafeFile(file.name, `name refused: ${checked.rule}`);
    if (isPickleName(checked.path)) throw pickleRefusal(file.name, 'by name');
    if (!Number.isSafeInteger(file.bytes) || file.bytes < 0) throw inputError('USAGE', `"${file.name}": size ${String(file.bytes)} is not a byte count`, { file: file.name });
    if (file.bytes === 0) throw unsafeFile(file.name, 'zero-byte file');
    const key = collisionKey(checked.path);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw unsafeFile(file.name, `same name as "${earlier}"`);
    seen.set(key, file.name);
    total += file.bytes;
    if (total > limits.maxTotalBytes) {
      throw inputError('UPLOAD_TOO_LARGE', `refused: the dropped files hold more than the ${limits.maxTotalBytes}-byte import limit`, { rule: 'total size' });
    }
    out.push({ name: checked.path, bytes: file.bytes });
  }
  // A name that is also the folder of another ("a" and "a/b") cannot both be written.
  for (const key of seen.keys()) {
    const parts = key.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (seen.has(parent)) throw unsafeFile(seen.get(parent)!, `is a file, and "${seen.get(key)!}" lies under it`);
    }
  }
  return out;
}
