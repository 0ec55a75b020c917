import dns from 'node:dns';
import { isIP } from 'node:net';
import { recordBlocked } from './ledger';
import { isLoopbackAddress, isLoopbackHost } from './loopback';
import { captureCallSite, markGuardFrame } from './origin';

// DNS: getaddrinfo (dns.lookup) may ask a name server, and the dns.resolve* family always does (a
// c-ares query to the configured servers), so: lookup is allowed for loopback names and for IP
// literals (Node answers those itself without a query, and binds to 0.0.0.0 or :: go through it;
// connecting to the address is what the socket guard then decides), lookupService for loopback
// addresses only, resolve*/reverse never. Arguments Node would reject
// anyway (not a string) go to Node, which throws its usual validation error before any query.
// Callback forms get the error on the next tick, promise forms a rejected promise.

type Fn = (...args: unknown[]) => unknown;
type Holder = Record<string, unknown>;

const QUERY_METHOD = /^(resolve|reverse)/;

function allowedFor(name: string): (args: readonly unknown[]) => boolean {
  if (name === 'lookup') return (args) => typeof args[0] !== 'string' || isIP(args[0]) !== 0 || isLoopbackHost(args[0]);
  if (name === 'lookupService') return (args) => typeof args[0] !== 'string' || isLoopbackAddress(args[0]);
  return (args) => typeof args[0] !== 'string';
}

function wrapCallbackStyle(holder: Holder, name: string, label: string): void {
  const original = holder[name];
  if (typeof original !== 'function') return;
  const allowed = allowedFor(name);
  const guarded = function (this: unknown, ...args: unknown[]): unknown {
    if (allowed(args)) return (original as Fn).apply(this, args);
    const site = captureCallSite(guarded);
    const error = recordBlocked(`dns.${label}`, String(args[0]), site.origin ?? `dns.${label} (no caller frame)`);
    const callback = args.findLast((a) => typeof a === 'function') as Fn | undefined;
    if (callback === undefined) throw error;
    process.nextTick(callback, error);
    return undefined;
  };
  markGuardFrame(guarded, name);
  holder[name] = guarded;
}

function wrapPromiseStyle(holder: Holder, name: string, label: string): void {
  const original = holder[name];
  if (typeof original !== 'function') return;
  const allowed = allowedFor(name);
  const guarded = function (this: unknown, ...args: unknown[]): unknown {
    if (allowed(args)) return (original as Fn).apply(this, args);
    const site = captureCallSite(guarded);
    return Promise.reject(recordBlocked(`dns.${label}`, String(args[0]), site.origin ?? `dns.${label} (no caller frame)`));
  };
  markGuardFrame(guarded, name);
  holder[name] = guarded;
}

function methodNames(holder: object): string[] {
  return Object.getOwnPropertyNames(holder).filter((n) => n === 'lookup' || n === 'lookupService' || QUERY_METHOD.test(n));
}

export function patchDns(): void {
  const callbackModule = dns as unknown as Holder;
  const promiseModule = dns.promises as unknown as Holder;
  const callbackResolver = dns.Resolver.prototype as unknown as Holder;
  const promiseResolver = dns.promises.Resolver.prototype as unknown as Holder;
  // The module-level functions are bound copies of the default resolver's methods, so both the
  // module and the Resolver classes (for `new dns.Resolver()`) are wrapped.
  for (const name of methodNames(callbackModule)) wrapCallbackStyle(callbackModule, name, name);
  for (const name of methodNames(callbackResolver)) wrapCallbackStyle(callbackResolver, name, name);
  for (const name of methodNames(promiseModule)) wrapPromiseStyle(promiseModule, name, `promises.${name}`);
  for (const name of methodNames(promiseResolver)) wrapPromiseStyle(promiseResolver, name, `promises.${name}`);
}
