import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { isAiprodError, workError } from '../errors';
import type { ProgressMeter } from './progress';

// SHA-256 of files read in large blocks (models can be many GiB). One file hashes on the calling
// thread with the next block read while the current one is hashed; several files hash on worker
// threads, one file per core at a time, so verification scales with the cores and never stalls the
// event loop of the process serving the studio.

export interface FileDigest {
  sha256: string;
  bytes: number;
}

/** Read size: large enough that per-call overhead vanishes next to hashing, small enough to stream. */
export const HASH_BLOCK_BYTES = 4 << 20;

/** SHA-256 of one file on this thread, double-buffered (read N+1 while hashing N). */
export async function hashFile(file: string, meter?: Pick<ProgressMeter, 'addBytes'>): Promise<FileDigest> {
  const handle = await fs.open(file, 'r');
  try {
    const hash = createHash('sha256');
    const buffers = [Buffer.allocUnsafe(HASH_BLOCK_BYTES), Buffer.allocUnsafe(HASH_BLOCK_BYTES)] as const;
    let bytes = 0;
    let turn = 0;
    let pending = handle.read(buffers[0], 0, HASH_BLOCK_BYTES, null);
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      turn ^= 1;
      pending = handle.read(buffers[turn as 0 | 1], 0, HASH_BLOCK_BYTES, null);
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
      meter?.addBytes(bytesRead);
    }
    return { sha256: hash.digest('hex'), bytes };
  } finally {
    await handle.close();
  }
}

export interface HashManyOptions {
  /** Files hashed at the same time (default: the cores this process may use, at most the file count). */
  concurrency?: number;
  /** Bytes hashed so far of file `index` since the last call; a throw stops every worker and fails the call. */
  onBytes?: (index: number, bytes: number) => void;
  /** File `index` started (a worker took it). */
  onStart?: (index: number) => void;
  /** File `index` finished. */
  onDone?: (index: number, digest: FileDigest) => void;
  /** Hash on this thread, one file after another (what happens anyway where no worker can start). */
  inThread?: boolean;
}

// The worker's code, evaluated from a string so it runs the same from the sources (tsx, vitest) and
// from any bundle (CLI, Electron main, render worker) without a separate file to ship. Plain
// CommonJS using Node built-ins only. It reports progress every PROGRESS_BYTES.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs/promises');
const BLOCK = ${HASH_BLOCK_BYTES};
const PROGRESS_BYTES = 32 << 20;
const buffers = [Buffer.allocUnsafe(BLOCK), Buffer.allocUnsafe(BLOCK)];
async function hash(file, index) {
  const handle = await fs.open(file, 'r');
  try {
    const h = createHash('sha256');
    let bytes = 0, unreported = 0, turn = 0;
    let pending = handle.read(buffers[0], 0, BLOCK, null);
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      turn ^= 1;
      pending = handle.read(buffers[turn], 0, BLOCK, null);
      h.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
      unreported += bytesRead;
      if (unreported >= PROGRESS_BYTES) { parentPort.postMessage({ type: 'bytes', index, bytes: unreported }); unreported = 0; }
    }
    if (unreported > 0) parentPort.postMessage({ type: 'bytes', index, bytes: unreported });
    parentPort.postMessage({ type: 'done', index, sha256: h.digest('hex'), bytes });
  } finally {
    await handle.close();
  }
}
parentPort.on('message', (job) => {
  hash(job.file, job.index).catch((error) =>
    parentPort.postMessage({ type: 'error', index: job.index, code: error && error.code, message: String(error && error.message || error) }));
});
`;

type FromWorker =
  | { type: 'bytes'; index: number; bytes: number }
  | { type: 'done'; index: number; sha256: string; bytes: number }
  | { type: 'error'; index: number; code?: string; message: string };

export function defaultHashConcurrency(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/**
 * SHA-256 of every file, in the order given, hashed on worker threads. A file that cannot be read
 * fails the whole call with an error naming it (its Node code kept in detail.errno); callers that
 * must tell a vanished file apart check with lstat first.
 */
export async function hashFiles(files: readonly string[], options: HashManyOptions = {}): Promise<FileDigest[]> {
  if (files.length === 0) return [];
  if (options.inThread === true || !workersAvailable()) return hashFilesInThread(files, options);
  const workerCount = Math.max(1, Math.min(options.concurrency ?? defaultHashConcurrency(), files.length));
  const results: (FileDigest | undefined)[] = new Array(files.length);
  const workers: Worker[] = [];
  let next = 0;
  let finished = 0;

  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (error: unknown): void => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      const give = (worker: Worker): void => {
        if (failed || next >= files.length) return;
        const index = next++;
        try {
          options.onStart?.(index);
        } catch (error) {
          return fail(error);
        }
        worker.postMessage({ file: files[index], index });
      };
      for (let w = 0; w < workerCount; w++) {
        const worker = new Worker(WORKER_SOURCE, { eval: true });
        workers.push(worker);
        worker.on('message', (message: FromWorker) => {
          if (failed) return;
          try {
            if (message.type === 'bytes') {
              options.onBytes?.(message.index, message.bytes);
              return;
            }
            if (message.type === 'error') {
              const file = files[message.index] ?? '?';
              return fail(workError('HASH_READ_FAILED', `could not read ${file} to hash it: ${message.message}`, { detail: { file, errno: message.code ?? null } }));
            }
            const digest = { sha256: message.sha256, bytes: message.bytes };
            results[message.index] = digest;
            options.onDone?.(message.index, digest);
          } catch (error) {
            return fail(error);
          }
          finished += 1;
          if (finished === files.length) resolve();
          else give(worker);
        });
        worker.on('error', (error) => fail(workError('HASH_WORKER_FAILED', `a hashing thread failed: ${error.message}`, { cause: error })));
        worker.on('exit', (code) => {
          if (finished < files.length) fail(workError('HASH_WORKER_FAILED', `a hashing thread exited early (code ${code})`));
        });
        give(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results as FileDigest[];
}

let canStartWorkers: boolean | undefined;

/** Whether this process may start worker threads (an embedder can forbid them); asked once. */
function workersAvailable(): boolean {
  if (canStartWorkers === undefined) {
    try {
      const probe = new Worker('', { eval: true });
      void probe.terminate();
      canStartWorkers = true;
    } catch {
      canStartWorkers = false;
    }
  }
  return canStartWorkers;
}

/** The same contract on this thread, one file after another: where no worker can start. */
async function hashFilesInThread(files: readonly string[], options: HashManyOptions): Promise<FileDigest[]> {
  const digests: FileDigest[] = [];
  for (const [index, file] of files.entries()) {
    options.onStart?.(index);
    let digest: FileDigest;
    try {
      digest = await hashFile(file, { addBytes: (bytes) => options.onBytes?.(index, bytes) });
    } catch (error) {
      // A file that cannot be read fails as the workers' would; a listener's own error goes through.
      const errno = (error as NodeJS.ErrnoException).code;
      if (isAiprodError(error) || typeof errno !== 'string') throw error;
      throw workError('HASH_READ_FAILED', `could not read ${file} to hash it: ${(error as Error).message}`, { detail: { file, errno } });
    }
    options.onDone?.(index, digest);
    digests.push(digest);
  }
  return digests;
}
