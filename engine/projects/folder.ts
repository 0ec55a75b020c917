// A project folder as the user named it, checked before anything touches it: an absolute path
// without NUL, to a folder that exists. Whether it is writable is learnt by writing (the lock file):
// access(2) answers wrongly for root, ACLs and network shares.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../errors';
import { PROJECT_CODES } from './codes';

const MAX_PATH_CHARS = 4096;

/** An absolute path without NUL, normalised; anything else is PROJECT_PATH_INVALID. */
export function checkAbsolutePath(input: unknown, what: string, code: string = PROJECT_CODES.PATH_INVALID): string {
  if (typeof input !== 'string' || input.trim() === '') throw inputError(code, `The ${what} path is empty`);
  if (input.includes('\0')) throw inputError(code, `The ${what} path holds a NUL character`);
  if (input.length > MAX_PATH_CHARS) throw inputError(code, `The ${what} path is longer than ${MAX_PATH_CHARS} characters`);
  if (!path.isAbsolute(input)) throw inputError(code, `The ${what} path must be absolute, not "${input}"`, { path: input });
  return path.resolve(input);
}

/**
 * The folder's real path (symlinks resolved, so one folder has one identity for locks and the
 * recent list), after checking that it exists and is a folder.
 */
export async function resolveProjectFolder(input: unknown): Promise<string> {
  const folder = checkAbsolutePath(input, 'project folder');
  let info;
  try {
    info = await stat(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw inputError(PROJECT_CODES.FOLDER_MISSING, `The folder ${folder} does not exist`, { folder });
    if (code === 'EACCES' || code === 'EPERM') throw inputError(PROJECT_CODES.FOLDER_NOT_WRITABLE, `The folder ${folder} cannot be reached (permission denied)`, { folder });
    throw error;
  }
  if (!info.isDirectory()) throw inputError(PROJECT_CODES.NOT_A_FOLDER, `${folder} is a file, not a folder`, { folder });
  return realpath(folder);
}

/** Whether an fs error code means "this folder cannot be written". */
export function isNotWritableError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // ENOENT on creating a file in a folder that exists: pseudo file systems such as /proc.
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT';
}

export function notWritable(folder: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
  const reason = code === 'EROFS' ? 'it is on a read-only file system' : `permission denied (${code})`;
  return inputError(PROJECT_CODES.FOLDER_NOT_WRITABLE, `The folder ${folder} is not writable: ${reason}`, { folder, errno: code });
}
