// Which files of a project the studio's page may load as media (the preview player's <video> and
// <audio>, over the shells' media route): render outputs and their thumbnails under renders/, and
// the audio under audio/, of projects this process has open. Nothing else: not the project file,
// not render records, not hidden or temporary files, nothing reached through a link that leaves
// the project folder.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../errors';
import { isProjectRelativePath } from './schema';

export const MEDIA_CODES = {
  /** The folder is not one of the open projects. (input) */
  NOT_OPEN: 'MEDIA_PROJECT_NOT_OPEN',
  /** The path is not a render, thumbnail or audio file inside the project. (input) */
  REFUSED: 'MEDIA_PATH_REFUSED',
  /** No such file. (input) */
  MISSING: 'MEDIA_NOT_FOUND',
} as const;

/** Folder -> extensions the page may load from it, with their content types. */
const SERVED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  renders: { '.mp4': 'video/mp4', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' },
  audio: { '.wav': 'audio/wav', '.mp3': 'audio/mpeg' },
};

export interface ProjectMediaFile {
  /** The file's real path. */
  file: string;
  size: number;
  contentType: string;
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The content type `relative` would be served with, or why it is refused; checks the path's shape
 * only (no disk): a project-relative path under renders/ or audio/, no hidden segment, a media
 * extension of that folder.
 */
export function mediaTypeOf(relative: string): { ok: true; contentType: string } | { ok: false; reason: string } {
  if (!isProjectRelativePath(relative)) return { ok: false, reason: 'not a relative path inside the project ("/"-separated, no "." or "..")' };
  const segments = relative.split('/');
  const types = SERVED[segments[0] ?? ''];
  if (types === undefined || segments.length < 2) return { ok: false, reason: 'only files under renders/ and audio/ are served' };
  if (segments.some((s) => s.startsWith('.'))) return { ok: false, reason: 'hidden and temporary files are not served' };
  const contentType = types[path.extname(relative).toLowerCase()];
  if (contentType === undefined) return { ok: false, reason: `only ${Object.keys(types).join(', ')} files are served from ${segments[0]}/` };
  return { ok: true, contentType };
}

/**
 * `relative` inside `project`, when `project` is one of `openFolders` (the real paths the project
 * session holds) and the file passes mediaTypeOf; its real path must stay inside the project folder.
 */
export async function resolveProjectMedia(openFolders: readonly string[], project: string, relative: string): Promise<ProjectMediaFile> {
  if (!openFolders.includes(project)) throw inputError(MEDIA_CODES.NOT_OPEN, `${project} is not an open project`, { folder: project });
  const type = mediaTypeOf(relative);
  if (!type.ok) throw inputError(MEDIA_CODES.REFUSED, `${relative} is not served: ${type.reason}`, { file: relative });
  const candidate = path.join(project, ...relative.split('/'));
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw inputError(MEDIA_CODES.MISSING, `${candidate} does not exist`, { file: relative });
  }
  const realProject = await realpath(project);
  if (!isInside(realProject, real)) throw inputError(MEDIA_CODES.REFUSED, `${relative} links outside the project folder`, { file: relative });
  const info = await stat(real);
  if (!info.isFile()) throw inputError(MEDIA_CODES.MISSING, `${candidate} is not a file`, { file: relative });
  return { file: real, size: info.size, contentType: type.contentType };
}

/** A project file that must exist inside the project folder (the export's inputs), as its real path. */
export async function existingProjectFile(project: string, relative: string): Promise<string | null> {
  if (!isProjectRelativePath(relative)) return null;
  try {
    const real = await realpath(path.join(project, ...relative.split('/')));
    if (!isInside(await realpath(project), real)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}
