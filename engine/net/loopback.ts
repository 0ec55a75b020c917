import { BlockList, isIP } from 'node:net';

// What counts as "this machine": 127.0.0.0/8, ::1 (and their IPv4-mapped forms) and the name
// "localhost". Anything else, including 0.0.0.0, other names that may resolve locally and link-local
// addresses, is treated as network: refusing a local name costs little, letting a remote one through
// is the failure this guard exists to prevent.

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** True for a loopback IP literal (brackets and an IPv6 zone are tolerated). */
export function isLoopbackAddress(address: string): boolean {
  let bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const zone = bare.indexOf('%');
  if (zone >= 0) bare = bare.slice(0, zone);
  const version = isIP(bare);
  if (version === 0) return false;
  return loopback.check(bare, version === 6 ? 'ipv6' : 'ipv4');
}

/**
 * True for a host that can only mean this machine. An empty or missing host is loopback because
 * Node itself connects to localhost then.
 */
export function isLoopbackHost(host: string | null | undefined): boolean {
  if (host === undefined || host === null || host === '') return true;
  const name = host.toLowerCase();
  if (name === 'localhost' || name === 'localhost.') return true;
  return isLoopbackAddress(name);
}
