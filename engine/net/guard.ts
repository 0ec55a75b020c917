import { syncBuiltinESMExports } from 'node:module';
import type { BlockedAttempt, NetworkGuardStats } from './ledger';
import { guardState, snapshot } from './ledger';
import { patchDgram } from './patch-dgram';
import { patchDns } from './patch-dns';
import { patchFetch } from './patch-fetch';
import { patchSocketConnect } from './patch-sockets';

export interface NetworkGuardOptions {
  /** Names this process in stats and reports: "main", "worker", "host", "cli". */
  label?: string;
  /** Told about every refused attempt (after it is counted), e.g. to log it or forward it over IPC. */
  onBlocked?: (attempt: BlockedAttempt) => void;
}

const PATCHES: ReadonlyArray<readonly [string, () => void]> = [
  ['net.Socket#connect', patchSocketConnect],
  ['dns', patchDns],
  ['fetch', patchFetch],
  ['dgram', patchDgram],
];

/**
 * Refuses every connection from this process to anything but loopback (127.0.0.0/8, ::1,
 * "localhost") and unix sockets / pipes, with a NETWORK_BLOCKED error, and counts the attempts.
 *
 * Install it first thing in each process entry point: modules that copied a dns function before
 * (`const { lookup } = require('dns')`) keep the unguarded one, although TCP, TLS, HTTP and fetch
 * stay covered through net.Socket#connect whatever was copied. Worker threads have their own
 * modules and need their own call. Idempotent: a second call patches nothing again and keeps the
 * counts; it may set the label and add a listener.
 */
export function installNetworkGuard(options: NetworkGuardOptions = {}): NetworkGuardStats {
  const state = guardState();
  if (options.label !== undefined) state.label = options.label;
  if (options.onBlocked !== undefined && !state.listeners.includes(options.onBlocked)) state.listeners.push(options.onBlocked);
  for (const [name, patch] of PATCHES) {
    if (state.patched.has(name)) continue;
    patch();
    state.patched.add(name);
  }
  // ESM importers of node:dns see the wrapped functions only after this.
  syncBuiltinESMExports();
  if (!state.installed) {
    state.installed = true;
    state.since = new Date().toISOString();
  }
  return snapshot();
}

/** The counts so far (a copy): installed, attempts, blocked, byOrigin, since. */
export function networkGuardStats(): NetworkGuardStats {
  return snapshot();
}
