import { Readable } from 'node:stream';
import { answerMedia, mediaStream, type OpenFolders } from '../handlers/media-route';
import { securityHeaders } from '../handlers/renderer-files';

// The media route under app://studio/media (see electron/common/channels/media.ts): the same
// answers as the headless host gives, as a fetch Response for protocol.handle. The app:// scheme
// is registered with `stream: true`, which is what lets a <video> read a Response body in ranges.

type MediaRequest = Pick<Request, 'url' | 'method'> & Partial<Pick<Request, 'headers'>>;

/** The response for `rawTarget` (path and query of an app://studio/ URL), or null when it is not the media route. */
export async function mediaProtocolResponse(openFolders: OpenFolders, rawTarget: string, request: MediaRequest, csp: string): Promise<Response | null> {
  const answer = await answerMedia(openFolders, rawTarget, request.headers?.get('range') ?? undefined);
  if (answer.kind === 'not-media') return null;
  if (answer.kind === 'refused') {
    return new Response(answer.text, { status: answer.status, headers: { ...securityHeaders(csp), 'Content-Type': 'text/plain; charset=utf-8', ...answer.headers } });
  }
  const stream = request.method === 'HEAD' ? null : mediaStream(answer);
  const body = stream === null ? null : (Readable.toWeb(stream) as ReadableStream<Uint8Array>);
  return new Response(body, { status: answer.status, headers: { ...securityHeaders(csp), ...answer.headers } });
}
