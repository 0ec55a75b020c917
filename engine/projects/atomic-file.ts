// Files replaced atomically: the new bytes go to a temporary file in the same folder, are flushed to
// disk, renamed over the target, and the folder itself is flushed so that the rename survives a
// power cut. At every instant the target holds either the old bytes or the new ones, never a mix.
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Flushes a folder's entries (the result of a rename) to disk. Windows cannot open a folder for
 * that; its rename is durable enough through NTFS's journal. */
export async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const TEMP_SUFFIX = '.tmp';

/** The temporary files of `target` are hidden siblings: ".<name>.<pid>-<random>.tmp". */
export function isTempFileOf(target: string, candidate: string): boolean {
  const prefix = `.${path.basename(target)}.`;
  return candidate.startsWith(prefix) && candidate.endsWith(TEMP_SUFFIX) && /^\d+-[0-9a-f]+$/.test(candidate.slice(prefix.length, -TEMP_SUFFIX.length));
}

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

/**
 * Step 1 of an atomic write: the bytes in a new temporary file next to the target, flushed to disk.
 * Answers the temporary file's path. On failure nothing is left behind.
 */
export async function writeTempFile(target: string, data: string | Uint8Array): Promise<string> {
  const temp = tempPathFor(target);
  // 'wx': never reuse a file someone else created under that name.
  const handle = await open(temp, 'wx', 0o666);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}

/** Step 2: the temporary file renamed over the target, then the folder flushed. */
export async function commitTempFile(temp: string, target: string): Promise<void> {
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(path.dirname(target));
}

/** Replaces `target` with `data`, atomically and durably. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await commitTempFile(await writeTempFile(target, data), target);
}

/**
 * Removes temporary files an interrupted write of `target` left behind (a crash between steps 1 and
 * 2). Only safe while the caller is the only writer of `target` (it holds the project lock).
 * Answers the names removed.
 */
export async function removeLeftoverTempFiles(target: string): Promise<string[]> {
  const dir = path.dirname(target);
  const leftovers = (await readdir(dir)).filter((name) => isTempFileOf(target, name));
  for (const name of leftovers) await rm(path.join(dir, name), { force: true });
  return leftovers;
}
