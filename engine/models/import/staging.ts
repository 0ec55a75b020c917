import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteBudget } from '../archive/limits';
import { unsafeFile } from '../file-safety';
import type { FileDigest } from '../hashing';
import type { ProgressMeter } from '../progress';
import type { SourceEntry } from './pack-source';
import { tap } from './tap';

// The staging area of imports: <models>/.staging/<pid>-<random>/, on the library's filesystem so
// the finished pack moves into place with one rename. Each file is hashed as it is written.

/** Bytes kept free beyond what an import needs, so the library database can still be written. */
export const DISK_MARGIN_BYTES = 16 * 1024 * 1024;

export async function freeBytes(dir: string): Promise<number> {
  const stats = await fs.statfs(dir);
  return stats.bavail * stats.bsize;
}

/** Buffers of one file copy: one being read, one being hashed, the rest being written. */
const COPY_BUFFERS = 4;
const COPY_BLOCK_BYTES = 4 << 20;

/**
 * Copies an open file to another while hashing it, in one read pass: block N+1 is read and the
 * blocks before N written (libuv's pool) while block N is hashed (this thread). The buffers are
 * reused, so the copy pays no page faults for fresh memory.
 */
async function copyHandleHashing(src: fs.FileHandle, dst: fs.FileHandle, onBlock: (block: Buffer) => void): Promise<number> {
  const buffers = Array.from({ length: COPY_BUFFERS }, () => Buffer.allocUnsafe(COPY_BLOCK_BYTES));
  const writes: (Promise<void> | undefined)[] = new Array(COPY_BUFFERS);
  const writeAll = async (buffer: Buffer, length: number, position: number): Promise<void> => {
    for (let done = 0; done < length; ) {
      const { bytesWritten } = await dst.write(buffer, done, length - done, position + done);
      done += bytesWritten;
    }
  };
  let position = 0;
  let turn = 0;
  try {
    let reading = src.read(buffers[0]!, 0, COPY_BLOCK_BYTES, null);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) break;
      const current = turn;
      turn = (turn + 1) % COPY_BUFFERS;
      // The next buffer's last write must be over before it is read into again.
      await writes[turn];
      reading = src.read(buffers[turn]!, 0, COPY_BLOCK_BYTES, null);
      const block = buffers[current]!.subarray(0, bytesRead);
      onBlock(block);
      writes[current] = writeAll(buffers[current]!, bytesRead, position);
      position += bytesRead;
    }
  } finally {
    // Every write must settle before the handles close (a rejected one is rethrown below).
    await Promise.allSettled(writes.filter((w) => w !== undefined));
  }
  await Promise.all(writes.filter((w) => w !== undefined));
  return position;
}

/** Copies one entry to `root/entry.path` (never over an existing file), returning its digest. */
export async function stageEntry(entry: SourceEntry, root: string, meter: ProgressMeter, budget: ByteBudget): Promise<FileDigest> {
  const dest = path.join(root, ...entry.path.split('/'));
  await fs.mkdir(path.dirname(dest), { recursive: true });
  const hash = createHash('sha256');
  let bytes = 0;
  const onChunk = (chunk: Buffer): void => {
    budget.add(chunk.length);
    hash.update(chunk);
    bytes += chunk.length;
    meter.addBytes(chunk.length);
  };
  const handle = await fs.open(dest, 'wx', 0o644);
  try {
    if (entry.openHandle !== undefined) {
      const source = await entry.openHandle();
      try {
        await copyHandleHashing(source, handle, onChunk);
      } finally {
        await source.close();
      }
    } else {
      const stages = await entry.open();
      await pipeline([
        ...stages,
        tap(onChunk),
        // Written through the handle itself so it can be fsynced and closed here (a FileHandle write
        // stream without autoClose would keep the handle referenced, and close() would never return).
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            handle.write(chunk).then(() => callback(), callback);
          },
        }),
      ]);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (bytes === 0) throw unsafeFile(entry.path, 'zero-byte file');
  return { sha256: hash.digest('hex'), bytes };
}

/** Removes staging folders left by imports whose process is gone (killed, crashed). */
export async function removeStaleStaging(staging: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await fs.readdir(staging).catch(() => [] as string[])) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    await fs.rm(path.join(staging, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes a folder's entries (a rename) to disk; a no-op where folders cannot be opened (Windows). */
export async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}
