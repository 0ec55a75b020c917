import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

// The built renderer (dist/renderer) as both shells serve it: Electron's app:// protocol and the
// headless host's HTTP server. One resolver, so both refuse the same paths the same way.

export type RendererFileResult = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

const ENCODED_SEPARATOR = /%(2f|5c|00)/i;

function refuse(status: 400 | 403 | 404, reason: string): RendererFileResult {
  return { ok: false, status, reason };
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Maps a raw URL path ("/assets/app.js", undecoded, without query) to a file inside rendererDir.
 * Refuses, before touching the disk: paths not starting with "/", "." and ".." segments (also
 * percent-encoded), encoded "/", "\" or NUL, backslashes, drive letters and empty segments. Then
 * refuses anything whose real path (symlinks resolved) leaves rendererDir.
 */
export async function resolveRendererFile(rendererDir: string, rawPath: string): Promise<RendererFileResult> {
  if (!rawPath.startsWith('/')) return refuse(403, 'the path is not absolute within the app');
  if (rawPath.includes('\\') || rawPath.includes('\0')) return refuse(403, 'the path holds a backslash or NUL');
  if (ENCODED_SEPARATOR.test(rawPath)) return refuse(403, 'the path holds an encoded separator');

  const rawSegments = rawPath.slice(1).split('/');
  const segments: string[] = [];
  for (const [i, raw] of rawSegments.entries()) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return refuse(400, 'the path is not valid percent-encoding');
    }
    const last = i === rawSegments.length - 1;
    if (segment === '') {
      if (last) break; // "/" or "/dir/": the folder's index.html
      return refuse(403, 'the path holds an empty segment');
    }
    if (segment === '.' || segment === '..') return refuse(403, 'the path leaves its folder ("." or "..")');
    if (/[/\\:\0]/.test(segment)) return refuse(403, 'a path segment holds a separator or drive letter');
    segments.push(segment);
  }
  if (segments.length === 0 || rawPath.endsWith('/')) segments.push('index.html');

  const root = path.resolve(rendererDir);
  const candidate = path.join(root, ...segments);
  if (!isInside(root, candidate)) return refuse(403, 'the path resolves outside the renderer bundle');

  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(candidate), realpath(root)]);
  } catch {
    return refuse(404, 'no such file in the renderer bundle');
  }
  if (!isInside(realRoot, real)) return refuse(403, 'the file links outside the renderer bundle');
  const info = await stat(real);
  if (!info.isFile()) return refuse(404, 'no such file in the renderer bundle');
  return { ok: true, file: real };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.mp4': 'video/mp4',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The studio's Content-Security-Policy: only the app's own scripts and styles, nothing framed,
 * no plugins, no forms, no base rewrites. `connect` adds origins the page may connect to (the
 * host's own WebSocket); Electron adds none, the page talks through the preload.
 */
export function contentSecurityPolicy(options: { connect?: readonly string[] } = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers both shells send with every renderer file. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}
