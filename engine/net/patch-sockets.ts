import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import type { NetworkApi } from './blocked-error';
import { recordBlocked } from './ledger';
import { isLoopbackAddress, isLoopbackHost } from './loopback';
import type { CallSite } from './origin';
import { captureCallSite, markGuardFrame } from './origin';
import { hostPort, socketConnectTarget } from './targets';

// The backstop: every TCP client in Node ends in net.Socket#connect (net.connect, net.createConnection,
// tls.connect, http/https agents, http2, undici behind fetch, ws). Refusing there, before Node looks
// a name up or opens a handle, means no packet leaves whichever API was used. The refusal is
// reported the way Node reports a failed connect: the socket is destroyed with the error on the
// next tick, so it arrives as the socket's (or the http request's, or fetch's) 'error'.

type ConnectFn = (this: net.Socket, ...args: unknown[]) => net.Socket;
type LookupCallback = (error: Error | null, address?: string | Array<{ address: string; family: number }>, family?: number) => void;
type LookupFn = (hostname: string, options: unknown, callback: LookupCallback) => void;

export function patchSocketConnect(): void {
  const proto = net.Socket.prototype as unknown as { connect: ConnectFn };
  const original = proto.connect;

  function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const target = socketConnectTarget(args);
    if (target.kind === 'pipe') return original.apply(this, args);
    const site = () => captureCallSite(guardedConnect);
    if (!isLoopbackHost(target.host)) {
      const where = site();
      const api = apiFromStack(where.internals, this instanceof tls.TLSSocket);
      const error = recordBlocked(api, hostPort(target.host, target.port), where.origin ?? `${api} (no caller frame)`);
      process.nextTick(() => this.destroy(error));
      return this;
    }
    if (target.host === '' || net.isIP(target.host) !== 0) return original.apply(this, args);
    // "localhost" is allowed by name, but a custom `lookup` option or an edited hosts file could
    // still turn it into a remote address, so the addresses it resolves to are checked as well.
    const { options, callback } = connectOptions(args);
    const checked = { ...options, lookup: loopbackOnlyLookup(options.lookup, target.host, target.port, site(), this instanceof tls.TLSSocket) };
    return callback === undefined ? original.call(this, checked) : original.call(this, checked, callback);
  }

  proto.connect = markGuardFrame(guardedConnect, 'connect');
}

/** The options object and callback of connect(), in any of its argument shapes. */
function connectOptions(args: readonly unknown[]): { options: Record<string, unknown> & { lookup?: unknown }; callback: unknown } {
  const first = args[0];
  if (Array.isArray(first)) return { options: first[0] as Record<string, unknown>, callback: typeof first[1] === 'function' ? first[1] : undefined };
  if (typeof first === 'object' && first !== null) return { options: first as Record<string, unknown>, callback: args.find((a) => typeof a === 'function') };
  return { options: { port: first, host: args[1] }, callback: args.find((a) => typeof a === 'function') };
}

function loopbackOnlyLookup(custom: unknown, host: string, port: unknown, site: CallSite, isTls: boolean): LookupFn {
  const inner = (typeof custom === 'function' ? custom : dns.lookup) as LookupFn;
  return (hostname, options, callback) =>
    inner(hostname, options, (error, address, family) => {
      if (error) return callback(error);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address ?? ''];
      const remote = addresses.find((a) => !isLoopbackAddress(a));
      if (remote === undefined) return callback(null, address, family);
      const api = apiFromStack(site.internals, isTls);
      callback(recordBlocked(api, `${hostPort(host, port)} (resolved to ${remote})`, site.origin ?? `${api} (no caller frame)`));
    });
}

/** Names the public API from the Node modules on the stack, for a report that says "http.request", not "net". */
function apiFromStack(internals: readonly string[], isTls: boolean): NetworkApi {
  const seen = (part: string) => internals.some((m) => m.includes(part));
  if (seen('deps/undici')) return 'fetch';
  if (seen('internal/http2')) return 'http2.connect';
  if (seen('_http_client') || seen('_http_agent')) return isTls ? 'https.request' : 'http.request';
  if (isTls || seen('_tls_wrap')) return 'tls.connect';
  return 'net.connect';
}
