// Reading the destination out of the many argument shapes of the patched Node APIs, mirroring
// Node's own argument normalisation (lib/net.js normalizeArgs, lib/dgram.js send/connect).

export type SocketTarget = { kind: 'pipe'; path: string } | { kind: 'tcp'; host: string; port: unknown };

/** For net.Socket#connect(options | path | port[, host][, cb]) and its pre-normalised array form. */
export function socketConnectTarget(args: readonly unknown[]): SocketTarget {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: unknown; host?: unknown; port?: unknown };
    if (typeof options.path === 'string' && options.path !== '') return { kind: 'pipe', path: options.path };
    return { kind: 'tcp', host: typeof options.host === 'string' ? options.host : '', port: options.port };
  }
  // Node treats a string that is not a number as a pipe path.
  if (typeof first === 'string' && !/^\s*\d+\s*$/.test(first)) return { kind: 'pipe', path: first };
  return { kind: 'tcp', host: typeof args[1] === 'string' ? args[1] : '', port: first };
}

export function hostPort(host: string, port: unknown): string {
  const shown = host === '' ? 'localhost' : host;
  const bracketed = shown.includes(':') && !shown.startsWith('[') ? `[${shown}]` : shown;
  return port === undefined || port === null ? bracketed : `${bracketed}:${String(port)}`;
}

export interface DatagramTarget {
  port: unknown;
  /** undefined when the socket's own loopback default applies. */
  address: string | undefined;
  callback: ((error: Error | null, bytes?: number) => void) | undefined;
}

/** For dgram.Socket#send on an unconnected socket (a connected one was checked at connect). */
export function datagramSendTarget(args: readonly unknown[]): DatagramTarget {
  const [, offset, length, port, address, callback] = args;
  let target: { port: unknown; address: unknown; callback: unknown };
  if (address || (port && typeof port !== 'function')) target = { port, address, callback };
  else target = { port: offset, address: length, callback: port };
  if (typeof target.address === 'function') target = { port: target.port, address: undefined, callback: target.address };
  return {
    port: target.port,
    address: typeof target.address === 'string' && target.address !== '' ? target.address : undefined,
    callback: typeof target.callback === 'function' ? (target.callback as DatagramTarget['callback']) : undefined,
  };
}

/** The host a fetch() would contact, or null when it names no network host (data:, blob:, bad URL). */
export function fetchTarget(input: unknown): { host: string; shown: string } | null {
  let href: string;
  if (typeof input === 'string') href = input;
  else if (input instanceof URL) href = input.href;
  else if (typeof input === 'object' && input !== null && typeof (input as { url?: unknown }).url === 'string') href = (input as { url: string }).url;
  else return null;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
  return { host: url.hostname, shown: url.host };
}
