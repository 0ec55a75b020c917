// A rendered shot's thumbnail for the timeline, as a data: URL (the studio's CSP allows images from
// data:, and neither shell serves files from project folders). Only files inside the project folder,
// only PNG, JPEG or WebP by content, only small ones.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../errors';
import { PROJECT_CODES } from './codes';
import { isProjectRelativePath } from './schema';

const MAX_THUMBNAIL_BYTES = 4 * 1024 * 1024;

function imageType(bytes: Buffer): string | null {
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

function unavailable(message: string, file: string): Error {
  return inputError(PROJECT_CODES.THUMBNAIL_UNAVAILABLE, message, { file });
}

export async function readThumbnailDataUrl(folder: string, relative: string): Promise<string> {
  if (!isProjectRelativePath(relative)) throw unavailable(`The thumbnail path "${relative}" is not a relative path inside the project`, relative);
  const candidate = path.join(folder, ...relative.split('/'));
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw unavailable(`The thumbnail ${candidate} does not exist`, relative);
  }
  const realFolder = await realpath(folder);
  const inside = path.relative(realFolder, real);
  if (inside.startsWith('..') || path.isAbsolute(inside)) throw unavailable(`The thumbnail ${candidate} links outside the project folder`, relative);
  const info = await stat(real);
  if (!info.isFile()) throw unavailable(`The thumbnail ${candidate} is not a file`, relative);
  if (info.size > MAX_THUMBNAIL_BYTES) throw unavailable(`The thumbnail ${candidate} is larger than 4 MiB`, relative);
  const bytes = await readFile(real);
  const type = imageType(bytes);
  if (type === null) throw unavailable(`The thumbnail ${candidate} is not a PNG, JPEG or WebP image`, relative);
  return `data:${type};base64,${bytes.toString('base64')}`;
}
