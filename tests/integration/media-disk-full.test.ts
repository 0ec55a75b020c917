// A full disk, for real: a 64 KiB tmpfs is mounted and ffmpeg writes incompressible video into it
// until the kernel answers ENOSPC. Mounting needs root (the test machines run as root); the test
// fails with that reason rather than pretending elsewhere.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AiprodError } from '../../engine/errors';
import { encodeVideo } from '../../engine/media';
import { noiseFrames } from './media-fixtures';

let mountPoint: string;
let mounted = false;

beforeAll(() => {
  mountPoint = mkdtempSync(path.join(os.tmpdir(), 'aiprod-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    throw new Error(`this test mounts a 64 KiB tmpfs to fill a disk for real, which needs root: ${String(error)}`);
  }
});

afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint]);
  rmdirSync(mountPoint);
});

it('reports DISK_FULL with ffmpeg words and leaves nothing behind when the disk fills', async () => {
  const w = 320;
  const h = 240;
  const error = await encodeVideo(noiseFrames(w, h, 12), path.join(mountPoint, 'big.mp4'), { width: w, height: h, fps: 12, quality: 'high' }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AiprodError);
  expect((error as AiprodError).code).toBe('DISK_FULL');
  expect((error as AiprodError).message).toMatch(/No space left on device/i);
  expect(readdirSync(mountPoint)).toEqual([]);
});
