import { recordBlocked } from './ledger';
import { isLoopbackHost } from './loopback';
import { captureCallSite, markGuardFrame } from './origin';
import { fetchTarget } from './targets';

// globalThis.fetch (undici) connects from its own connection pool, later and off the caller's stack,
// so it is checked here, up front: the caller's frame is still on the stack, and the promise
// rejects with NETWORK_BLOCKED itself rather than undici's generic "fetch failed". The socket
// backstop still covers undici if it is reached another way.

export function patchFetch(): void {
  const original = globalThis.fetch;
  if (typeof original !== 'function') return;

  const guardedFetch = function fetch(input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit): Promise<Response> {
    const target = fetchTarget(input);
    if (target === null || isLoopbackHost(target.host)) return original(input, init);
    const site = captureCallSite(guardedFetch);
    return Promise.reject(recordBlocked('fetch', target.shown, site.origin ?? 'fetch (no caller frame)'));
  };

  globalThis.fetch = markGuardFrame(guardedFetch, 'fetch');
}
