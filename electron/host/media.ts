import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { mediaStream, type MediaAnswer } from '../handlers/media-route';
import { securityHeaders } from '../handlers/renderer-files';

/**
 * Writes a media route answer (electron/handlers/media-route.ts) to the host's response: the file
 * or its range streamed from disk, or the refusal as one line of text.
 */
export async function sendMedia(request: IncomingMessage, response: ServerResponse, answer: Exclude<MediaAnswer, { kind: 'not-media' }>, csp: string): Promise<void> {
  if (answer.kind === 'refused') {
    response.writeHead(answer.status, { ...securityHeaders(csp), 'Content-Type': 'text/plain; charset=utf-8', ...answer.headers });
    response.end(`${answer.text}\n`);
    return;
  }
  response.writeHead(answer.status, { ...securityHeaders(csp), ...answer.headers });
  const body = request.method === 'HEAD' ? null : mediaStream(answer);
  if (body === null) {
    response.end();
    return;
  }
  // A <video> drops its connection when it seeks; that ends the stream early and is not an error.
  await pipeline(body, response).catch(() => response.destroy());
}
