export { installNetworkGuard, networkGuardStats } from './guard';
export type { NetworkGuardOptions } from './guard';
export type { BlockedAttempt, NetworkGuardStats, OriginCount } from './ledger';
export { NetworkBlockedError } from './blocked-error';
export type { NetworkApi } from './blocked-error';
export { isLoopbackAddress, isLoopbackHost } from './loopback';
