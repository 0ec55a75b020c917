import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseMediaTarget } from '../common/channels/media';
import { isAiprodError } from '../../engine/errors';
import { MEDIA_CODES, resolveProjectMedia } from '../../engine/projects/media-files';

// The media route as both shells serve it (the host's HTTP server behind its token, Electron's
// app:// protocol): a GET of /media?project=<open folder>&file=<relative path> answers that file of
// that open project, whole or the byte range asked for (a <video> seeks with Range requests). Which
// files qualify is engine/projects' rule (resolveProjectMedia); this module speaks HTTP.

export type ByteRange = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * The part of a `size`-byte file a Range header asks for. One range of bytes (`a-b`, `a-`, `-n`) is
 * served; a header this route does not read (another unit, several ranges, garbage) gets the
 * whole file, as RFC 9110 allows; a range that starts past the end is unsatisfiable.
 */
export function planByteRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: 'whole' };
  return { kind: 'part', start, end };
}

export type MediaAnswer =
  | { kind: 'not-media' }
  | { kind: 'refused'; status: 400 | 403 | 404 | 416; text: string; headers: Record<string, string> }
  | { kind: 'file'; status: 200 | 206; headers: Record<string, string>; file: string; start: number; end: number; length: number };

/** Folders the shell has open, as real paths (the project session's openFolders()). */
export type OpenFolders = () => readonly string[];

/**
 * What to answer for a request of the raw target `rawTarget` (path and query, undecoded) with the
 * Range header `range`. `not-media` when the target is not the media route: the shell serves its
 * renderer files then. The caller has already checked the token (host) or the origin (Electron).
 */
export async function answerMedia(openFolders: OpenFolders, rawTarget: string, range: string | undefined): Promise<MediaAnswer> {
  const target = parseMediaTarget(rawTarget);
  if (target.kind === 'not-media') return { kind: 'not-media' };
  if (target.kind === 'bad') return { kind: 'refused', status: 400, text: target.reason, headers: {} };
  let media;
  try {
    media = await resolveProjectMedia(openFolders(), target.project, target.file);
  } catch (error) {
    if (!isAiprodError(error)) throw error;
    const status = error.code === MEDIA_CODES.MISSING ? 404 : 403;
    return { kind: 'refused', status, text: error.message, headers: {} };
  }
  const base = { 'Content-Type': media.contentType, 'Accept-Ranges': 'bytes' };
  const plan = planByteRange(range, media.size);
  if (plan.kind === 'unsatisfiable') return { kind: 'refused', status: 416, text: 'Range not satisfiable', headers: { 'Content-Range': `bytes */${media.size}`, 'Accept-Ranges': 'bytes' } };
  if (plan.kind === 'whole') {
    return { kind: 'file', status: 200, headers: { ...base, 'Content-Length': String(media.size) }, file: media.file, start: 0, end: media.size - 1, length: media.size };
  }
  const length = plan.end - plan.start + 1;
  return {
    kind: 'file',
    status: 206,
    headers: { ...base, 'Content-Length': String(length), 'Content-Range': `bytes ${plan.start}-${plan.end}/${media.size}` },
    file: media.file,
    start: plan.start,
    end: plan.end,
    length,
  };
}

/** The answer's bytes as a stream (nothing for an empty file, whose end is -1). */
export function mediaStream(answer: Extract<MediaAnswer, { kind: 'file' }>): Readable | null {
  return answer.length === 0 ? null : createReadStream(answer.file, { start: answer.start, end: answer.end });
}
