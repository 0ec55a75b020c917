// The media route: how the studio's page loads a project's renders, thumbnails and audio into
// <video>, <audio> and <img> without file:// URLs. Both shells serve it on the page's own origin
// (the host over HTTP behind its token cookie, Electron under app://studio/), so the CSP's
// media-src 'self' covers it. Not an invoke channel: a media element fetches it itself, with Range
// requests for seeking. The shells serve only files of projects they have open.

export const MEDIA_ROUTE = '/media';

/** The page-relative URL of `file` (relative to the project folder) of the open project `folder`. */
export function mediaUrl(folder: string, file: string): string {
  return `${MEDIA_ROUTE}?project=${encodeURIComponent(folder)}&file=${encodeURIComponent(file)}`;
}

export type MediaTarget = { kind: 'not-media' } | { kind: 'bad'; reason: string } | { kind: 'file'; project: string; file: string };

/** What a raw request target (path and query, undecoded) asks of the media route. */
export function parseMediaTarget(rawTarget: string): MediaTarget {
  const q = rawTarget.indexOf('?');
  const rawPath = q === -1 ? rawTarget : rawTarget.slice(0, q);
  if (rawPath !== MEDIA_ROUTE) return { kind: 'not-media' };
  const params = new URLSearchParams(q === -1 ? '' : rawTarget.slice(q + 1));
  const project = params.getAll('project');
  const file = params.getAll('file');
  if (project.length !== 1 || file.length !== 1) return { kind: 'bad', reason: 'a media URL names exactly one project and one file' };
  return { kind: 'file', project: project[0] ?? '', file: file[0] ?? '' };
}
