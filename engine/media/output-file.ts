// Outputs appear complete or not at all: ffmpeg writes a hidden temporary name in the destination
// folder (same filesystem, so the final step is a rename) and the name only becomes the real one
// once ffmpeg exited cleanly. Every failure path removes the temporary file.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { inputError, workError } from '../errors';

export interface PendingOutput {
  /** Absolute final path. */
  finalPath: string;
  /** Absolute temporary path ffmpeg writes to. */
  tempPath: string;
  /** Moves the temporary file to its final name. */
  commit(): Promise<void>;
  /** Removes the temporary file; safe to call more than once. */
  discard(): Promise<void>;
}

export interface PrepareOutputOptions {
  overwrite?: boolean;
}

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await fs.stat(file);
  } catch (error) {
    // ENOTDIR: a parent on the path is a file, so nothing can exist below it.
    if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return null;
    throw error;
  }
}

/** Checks the destination and claims a temporary name in its folder (creating it proves the folder writable). */
export async function prepareOutput(file: string, options: PrepareOutputOptions = {}): Promise<PendingOutput> {
  if (file.trim() === '') throw inputError('OUTPUT_INVALID', 'the output path is empty');
  const finalPath = path.resolve(file);
  const dir = path.dirname(finalPath);
  const overwrite = options.overwrite === true;

  const existing = await statOrNull(finalPath);
  if (existing?.isDirectory() === true) throw inputError('OUTPUT_IS_DIRECTORY', `the output ${finalPath} is a folder, not a file name`, { path: finalPath });
  if (existing !== null && !overwrite) {
    throw inputError('OUTPUT_EXISTS', `the output ${finalPath} already exists (choose another name or allow overwriting)`, { path: finalPath });
  }
  const dirStat = await statOrNull(dir);
  if (dirStat === null || !dirStat.isDirectory()) {
    throw inputError('OUTPUT_DIR_MISSING', `the output folder ${dir} does not exist${dirStat === null ? '' : ' (it is a file)'}`, { path: dir });
  }

  const tempPath = path.join(dir, `.${path.basename(finalPath)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
  try {
    const handle = await fs.open(tempPath, 'wx');
    await handle.close();
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOSPC' || code === 'EDQUOT') throw workError('DISK_FULL', `no space left in ${dir} to write ${path.basename(finalPath)}`, { cause: error });
    throw inputError('OUTPUT_NOT_WRITABLE', `the output folder ${dir} is not writable (${code ?? String(error)})`, { path: dir });
  }

  let settled = false;
  const discard = async (): Promise<void> => {
    settled = true;
    await fs.rm(tempPath, { force: true });
  };
  const commit = async (): Promise<void> => {
    if (settled) throw workError('OUTPUT_STATE', `output ${finalPath} was already committed or discarded`);
    settled = true;
    try {
      if (overwrite) {
        await fs.rename(tempPath, finalPath);
        return;
      }
      // link() refuses an existing target atomically, so a file that appeared meanwhile is never clobbered.
      try {
        await fs.link(tempPath, finalPath);
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'EEXIST') throw inputError('OUTPUT_EXISTS', `the output ${finalPath} appeared while it was being written; nothing was replaced`, { path: finalPath });
        // Filesystems without hard links (FAT, some network shares): fall back to check-then-rename.
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw error;
        if ((await statOrNull(finalPath)) !== null) throw inputError('OUTPUT_EXISTS', `the output ${finalPath} appeared while it was being written; nothing was replaced`, { path: finalPath });
        await fs.rename(tempPath, finalPath);
        return;
      }
      await fs.rm(tempPath, { force: true });
    } catch (error) {
      await fs.rm(tempPath, { force: true });
      throw error;
    }
  };
  return { finalPath, tempPath, commit, discard };
}

/** A readable input file, or an input error naming it. */
export async function requireInputFile(file: string, what: string): Promise<string> {
  const absolute = path.resolve(file);
  const st = await statOrNull(absolute);
  if (st === null) throw inputError('FILE_NOT_FOUND', `the ${what} ${absolute} does not exist`, { path: absolute });
  if (!st.isFile()) throw inputError('FILE_NOT_FOUND', `the ${what} ${absolute} is not a file`, { path: absolute });
  try {
    await fs.access(absolute, constants.R_OK);
  } catch {
    throw inputError('FILE_UNREADABLE', `the ${what} ${absolute} is not readable`, { path: absolute });
  }
  return absolute;
}
