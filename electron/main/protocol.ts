import { readFile } from 'node:fs/promises';
import { contentSecurityPolicy, contentTypeOf, resolveRendererFile, securityHeaders } from '../handlers/renderer-files';
import type { OpenFolders } from '../handlers/media-route';
import type { PrivilegedScheme, ProtocolLike } from './electron-api';
import { mediaProtocolResponse } from './media-protocol';
import { APP_ORIGIN, APP_SCHEME } from './security';

export const APP_SCHEME_PRIVILEGES: PrivilegedScheme = {
  scheme: APP_SCHEME,
  // standard: real origins and relative URLs; secure: a secure context like https. corsEnabled
  // stays off: the page and its module scripts share the one app://studio origin, and with it off no
  // other origin can read app:// responses.
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true },
};

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(protocol: ProtocolLike): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

function textResponse(status: number, body: string, csp: string): Response {
  return new Response(body, { status, headers: { ...securityHeaders(csp), 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * app://studio/<path> -> the file under rendererDir, with the CSP header. The URL is read as the
 * raw string (Chromium has normalised it already; we do not rely on that), so "..", "%2e%2e",
 * encoded slashes and anything resolving outside the bundle are refused here too. With
 * `openFolders`, app://studio/media serves the open projects' media (media-protocol.ts).
 */
export function createAppProtocolHandler(rendererDir: string, openFolders?: OpenFolders): (request: Pick<Request, 'url' | 'method'> & Partial<Pick<Request, 'headers'>>) => Promise<Response> {
  const csp = contentSecurityPolicy();
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed', csp);
    if (!request.url.startsWith(`${APP_ORIGIN}/`)) return textResponse(404, 'Not found', csp);
    const rest = request.url.slice(APP_ORIGIN.length);
    const rawPath = rest.split(/[?#]/, 1)[0] ?? '/';
    // app://studio/media?...: renders, thumbnails and audio of the open projects (media-protocol.ts).
    if (openFolders !== undefined) {
      const media = await mediaProtocolResponse(openFolders, rest.split('#', 1)[0] ?? '', request, csp);
      if (media !== null) return media;
    }
    const resolved = await resolveRendererFile(rendererDir, rawPath);
    if (!resolved.ok) return textResponse(resolved.status, resolved.reason, csp);
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(resolved.file));
    return new Response(body, { status: 200, headers: { ...securityHeaders(csp), 'Content-Type': contentTypeOf(resolved.file) } });
  };
}
