import type { IncomingMessage, ServerResponse } from 'node:http';
import { MODEL_UPLOAD_PATH } from '../common/channels/models';
import { ipcFailure, type IpcResult } from '../common/errors';
import { AiprodError, serializeError } from '../../engine/errors';
import type { HandlerContext } from '../handlers/context';
import { modelsServiceFor } from '../handlers/models';
import { hasToken, hostHeaderOk, type Gate } from './auth';

// The host's upload route for dropped model files: PUT /upload/models/<uploadId>/<index> with the
// file's bytes as the body, after models.uploadBegin announced them. The browser has no file paths,
// so this is how a drop reaches the importer when the studio runs in a browser. Same gate as the
// socket: the exact Host, the host's own Origin, and the token cookie (never the query: a URL with
// the token in it must not be able to write files). Answers the contract's IpcResult as JSON.

const ROUTE = new RegExp(`^${MODEL_UPLOAD_PATH}/([a-f0-9]{32})/(\\d{1,5})$`);

export function isModelUploadPath(rawPath: string): boolean {
  return rawPath === MODEL_UPLOAD_PATH || rawPath.startsWith(`${MODEL_UPLOAD_PATH}/`);
}

function answer(response: ServerResponse, status: number, headers: Record<string, string>, result: IpcResult<unknown>, extra: Record<string, string> = {}): void {
  const body = JSON.stringify(result);
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    // A refused upload is answered before its body is read: close rather than read it all.
    Connection: 'close',
    ...extra,
  });
  response.end(body);
}

function statusOf(error: unknown): number {
  if (!(error instanceof AiprodError)) return 500;
  if (error.code === 'DISK_SPACE') return 507;
  if (error.code === 'UPLOAD_NOT_FOUND') return 404;
  if (error.code === 'UPLOAD_SIZE_MISMATCH') return 413;
  return error.kind === 'input' ? 400 : 500;
}

export interface UploadRouteOptions {
  gate: Gate;
  ctx: HandlerContext;
  /** The security headers every answer of the host carries. */
  headers: Record<string, string>;
}

export async function serveModelUpload(request: IncomingMessage, response: ServerResponse, options: UploadRouteOptions): Promise<void> {
  const { gate, headers } = options;
  const refuse = (status: number, code: string, message: string, extra?: Record<string, string>): void => {
    answer(response, status, headers, ipcFailure(code, message), extra);
    request.resume();
  };
  if (!hostHeaderOk(gate, request)) return refuse(403, 'FORBIDDEN_SENDER', 'Forbidden: wrong Host header');
  if (request.headers.origin !== gate.origin) return refuse(403, 'FORBIDDEN_SENDER', 'Forbidden: uploads are only accepted from the studio page of this host (Origin)');
  if (!hasToken(gate, request, { allowQuery: false })) return refuse(403, 'FORBIDDEN_SENDER', 'Forbidden: this studio host needs its per-run token cookie');
  if (request.method !== 'PUT') return refuse(405, 'BAD_MESSAGE', 'Method not allowed: send each file with PUT', { Allow: 'PUT' });
  const match = ROUTE.exec((request.url ?? '').split('?', 1)[0] ?? '');
  if (match === null) return refuse(404, 'UPLOAD_NOT_FOUND', `Not found: uploads go to ${MODEL_UPLOAD_PATH}/<uploadId>/<file index>`);
  const [, uploadId, index] = match as unknown as [string, string, string];
  try {
    const received = await modelsServiceFor(options.ctx).receiveUpload(uploadId, Number(index), request);
    answer(response, 200, headers, { ok: true, value: received }, { Connection: 'keep-alive' });
  } catch (error) {
    const failure = serializeError(error);
    refuse(statusOf(error), failure.code, failure.message);
  }
}
