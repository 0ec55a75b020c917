import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { HASH_BLOCK_BYTES, hashFile, hashFiles } from '../../../../engine/models/hashing';
import { ProgressMeter, type ProgressEvent } from '../../../../engine/models/progress';

// The library's hashing: one file on this thread (double-buffered reads), several on worker
// threads. Both must give exactly what node:crypto gives over the whole bytes, whatever the size
// relative to the read block, and report every byte to progress.

let dir: string;
const files: { file: string; bytes: Buffer }[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aiprod-hashing-'));
  // Sizes around the block size: one byte, just under, exactly, just over, and several blocks.
  const sizes = [1, 1000, HASH_BLOCK_BYTES - 1, HASH_BLOCK_BYTES, HASH_BLOCK_BYTES + 1, 2 * HASH_BLOCK_BYTES + 12345];
  for (const [i, size] of sizes.entries()) {
    const bytes = randomBytes(size);
    const file = path.join(dir, `f${i}.bin`);
    await fs.writeFile(file, bytes);
    files.push({ file, bytes });
  }
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

const expected = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('hashFile', () => {
  it('matches node:crypto over the whole file and reports every byte', async () => {
    for (const { file, bytes } of files) {
      const events: ProgressEvent[] = [];
      const meter = new ProgressMeter('verify', (e) => events.push(e), { intervalMs: 0 });
      expect(await hashFile(file, meter), path.basename(file)).toEqual({ sha256: expected(bytes), bytes: bytes.length });
      expect(events.at(-1)?.bytesDone).toBe(bytes.length);
    }
  });
});

describe('hashFiles (worker threads)', () => {
  it('gives every file its own digest, in the order given, with 1 and with 2 threads', async () => {
    const want = files.map(({ bytes }) => ({ sha256: expected(bytes), bytes: bytes.length }));
    expect(await hashFiles(files.map((f) => f.file), { concurrency: 1 })).toEqual(want);
    expect(await hashFiles(files.map((f) => f.file), { concurrency: 2 })).toEqual(want);
    expect(await hashFiles(files.map((f) => f.file), { inThread: true })).toEqual(want);
    expect(await hashFiles([])).toEqual([]);
  });

  it('reports bytes per file, starts and ends each file once', async () => {
    const bytesOf = new Map<number, number>();
    const started: number[] = [];
    const done: number[] = [];
    await hashFiles(
      files.map((f) => f.file),
      {
        concurrency: 2,
        onStart: (i) => started.push(i),
        onBytes: (i, n) => bytesOf.set(i, (bytesOf.get(i) ?? 0) + n),
        onDone: (i) => done.push(i),
      },
    );
    expect(started.sort()).toEqual(files.map((_, i) => i));
    expect(done.sort()).toEqual(files.map((_, i) => i));
    expect(files.map((_, i) => bytesOf.get(i))).toEqual(files.map((f) => f.bytes.length));
  });

  it.each([false, true])('fails naming the file that cannot be read (in thread: %s)', async (inThread) => {
    const missing = path.join(dir, 'gone.bin');
    const error = await hashFiles([files[0]!.file, missing], { inThread }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiprodError);
    expect((error as AiprodError).code).toBe('HASH_READ_FAILED');
    expect((error as AiprodError).message).toContain(missing);
    expect((error as AiprodError).detail).toMatchObject({ file: missing, errno: 'ENOENT' });
  });

  it.each([false, true])('stops when a progress listener throws, with the listener\'s error (in thread: %s)', async (inThread) => {
    const error = await hashFiles(
      files.map((f) => f.file),
      {
        inThread,
        onBytes: () => {
          throw new AiprodError('STOPPED', 'stop here');
        },
      },
    ).catch((e: unknown) => e);
    expect((error as AiprodError).code).toBe('STOPPED');
  });
});
