import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type { EventChannel } from '../common/channel-names';
import type { EventOf } from '../common/contract';
import { HOST_SOCKET_PATH } from '../common/wire';
import type { EngineServices, HandlerContext } from '../handlers/context';
import { checkedEvent } from '../handlers/events';
import { closeJobsService } from '../handlers/jobs';
import { answerMedia } from '../handlers/media-route';
import { projectSessionFor } from '../handlers/projects';
import { closeModelsService } from '../handlers/models';
import { closeEstimateService } from '../handlers/estimate';
import { contentSecurityPolicy, contentTypeOf, resolveRendererFile, securityHeaders } from '../handlers/renderer-files';
import { createEngineServices } from '../handlers/services';
import { inputError, workError } from '../../engine/errors';
import { installNetworkGuard } from '../../engine/net';
import { projectRoot } from '../../engine/system/paths';
import { engineVersion } from '../../engine/system/versions';
import { checkToken, cookieName, hasToken, hostHeaderOk, newToken, tokenCookie, type Gate } from './auth';
import { sendMedia } from './media';
import { isModelUploadPath, serveModelUpload } from './model-upload';
import { ContractSocket } from './socket';

export interface HostOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built renderer; default <project>/dist/renderer. */
  rendererDir?: string;
  /** The per-run token; default 32 fresh random bytes. */
  token?: string;
  /** The engine behind the handlers; default the real one (createEngineServices). */
  services?: EngineServices;
  /**
   * Install the engine's network guard in this process (default true): nothing but loopback may be
   * reached from the process serving the studio. Only tests that probe the binding from inside the
   * same process turn it off.
   */
  networkGuard?: boolean;
}

export interface HostHandle {
  /** The URL to open, token included: http://127.0.0.1:<port>/?token=... */
  url: string;
  /** The address the server is bound to (always 127.0.0.1). */
  address: string;
  port: number;
  token: string;
  /** Sends an event to every socket subscribed to its channel. */
  emit<C extends EventChannel>(channel: C, data: EventOf<C>): void;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const FORBIDDEN_TEXT = 'Forbidden: this studio host needs its per-run token. Open the URL the host printed when it started.\n';

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw inputError('HOST_BAD_PORT', `The host port must be an integer from 0 to 65535, not ${String(port)}`);
  return port;
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<{ address: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE'
          ? workError('HOST_PORT_IN_USE', `Port ${port} on ${LOOPBACK} is already in use; choose another with --port or use 0 for any free port`, { cause: error })
          : workError('HOST_LISTEN_FAILED', `The host could not listen on ${LOOPBACK}:${port}: ${error.message}`, { cause: error }),
      );
    };
    server.once('error', onError);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(workError('HOST_LISTEN_FAILED', 'The host has no TCP address after listening'));
      resolve({ address: address.address, port: address.port });
    });
  });
}

function refuseUpgrade(socket: Duplex, status: 403 | 404, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  socket.destroy();
}

/**
 * The headless studio: the built renderer over HTTP and the IPC contract over a WebSocket, both on
 * 127.0.0.1 only. Every request needs the per-run token: `/?token=...` once (answered with an
 * HttpOnly SameSite=Strict cookie and a redirect that drops the token from the address bar), then
 * the cookie. The socket also needs the host's own Origin.
 */
export async function startHost(options: HostOptions = {}): Promise<HostHandle> {
  const requestedPort = checkPort(options.port ?? 0);
  const token = options.token === undefined ? newToken() : checkToken(options.token);
  const rendererDir = path.resolve(options.rendererDir ?? path.join(projectRoot(), 'dist/renderer'));
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw inputError('HOST_NO_RENDERER', `The studio is not built: ${path.join(rendererDir, 'index.html')} is missing (run \`npm run build\`)`, { rendererDir });
  }
  if (options.networkGuard ?? true) installNetworkGuard({ label: 'host' });
  const services = options.services ?? createEngineServices();

  const sockets = new Set<ContractSocket>();
  const emit = <C extends EventChannel>(channel: C, data: EventOf<C>): void => {
    const checked = checkedEvent(channel, data);
    for (const socket of sockets) socket.deliver(channel, checked);
  };
  const ctx: HandlerContext = { services, shell: { shell: 'host', shellVersion: engineVersion() }, emit };

  const server = createServer();
  const { address, port } = await listen(server, requestedPort);
  // The gate needs the port, known only once listening. Handlers are attached in this same turn of
  // the event loop, before any connection can be read.
  const gate: Gate = { port, origin: `http://${LOOPBACK}:${port}`, host: `${LOOPBACK}:${port}`, cookie: cookieName(port), token };
  const csp = contentSecurityPolicy({ connect: [`ws://${LOOPBACK}:${port}`] });

  function plain(response: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
    response.writeHead(status, { ...securityHeaders(csp), 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    response.end(text);
  }

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hostHeaderOk(gate, request)) return plain(response, 403, 'Forbidden: wrong Host header\n');
    // Dropped model files arrive here (PUT, same gate as the socket: see model-upload.ts).
    if (isModelUploadPath((request.url ?? '').split('?', 1)[0] ?? '')) return serveModelUpload(request, response, { gate, ctx, headers: securityHeaders(csp) });
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
    const rawUrl = request.url ?? '';
    const rawPath = rawUrl.split('?', 1)[0] ?? '';
    if (!hasToken(gate, request, { allowQuery: false })) {
      if (!hasToken(gate, request, { allowQuery: true })) return plain(response, 403, FORBIDDEN_TEXT);
      // The token came in the query: keep it in an HttpOnly cookie and out of the history.
      const location = rawPath.startsWith('/') && !rawPath.startsWith('//') ? rawPath : '/';
      return plain(response, 303, 'See Other\n', { 'Set-Cookie': tokenCookie(gate.port, token), Location: location });
    }
    // Renders, thumbnails and audio of the projects this host has open (behind the token, like all else).
    const media = await answerMedia(() => projectSessionFor(ctx).openFolders(), rawUrl, request.headers.range);
    if (media.kind !== 'not-media') return sendMedia(request, response, media, csp);
    const resolved = await resolveRendererFile(rendererDir, rawPath);
    if (!resolved.ok) return plain(response, resolved.status, `${resolved.reason}\n`);
    const body = await readFile(resolved.file);
    response.writeHead(200, { ...securityHeaders(csp), 'Content-Type': contentTypeOf(resolved.file), 'Content-Length': String(body.length) });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    serveHttp(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { ...securityHeaders(csp), 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`Internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const rawPath = (request.url ?? '').split('?', 1)[0];
    if (!hostHeaderOk(gate, request)) return refuseUpgrade(socket, 403, 'Forbidden: wrong Host header\n');
    if (request.headers.origin !== gate.origin) return refuseUpgrade(socket, 403, 'Forbidden: the socket only accepts the studio page of this host (Origin)\n');
    if (!hasToken(gate, request, { allowQuery: true })) return refuseUpgrade(socket, 403, FORBIDDEN_TEXT);
    if (rawPath !== HOST_SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not found\n');
    wss.handleUpgrade(request, socket, head, (ws) => {
      const contractSocket = new ContractSocket(ws, ctx);
      sockets.add(contractSocket);
      ws.on('close', () => sockets.delete(contractSocket));
    });
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    address,
    port,
    token,
    emit,
    close() {
      // The render queue first: its running job goes back in the queue and its runner marker is cleared.
      closing ??= closeJobsService(ctx)
        .catch((error: unknown) => console.error(`aiprod host: closing the render queue failed: ${error instanceof Error ? error.message : String(error)}`))
        .then(() => closeModelsService(ctx))
        .catch((error: unknown) => console.error(`aiprod host: closing the model library failed: ${error instanceof Error ? error.message : String(error)}`))
        // Running calibrations are cancelled (their workers go) and the estimates' database closes.
        .then(() => closeEstimateService(ctx))
        .catch((error: unknown) => console.error(`aiprod host: closing the estimates failed: ${error instanceof Error ? error.message : String(error)}`))
        .then(
          () =>
            new Promise<void>((resolve) => {
              for (const client of wss.clients) client.terminate();
              wss.close();
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        );
      return closing;
    },
  };
}

