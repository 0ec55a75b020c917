// Run by net-guard.test.ts through child_process.fork (with tsx): installs the guard in a fresh
// process, tries the network, talks to the parent's loopback server, and reports back over IPC.
import dns from 'node:dns';
import net from 'node:net';
import { installNetworkGuard, networkGuardStats } from '../../engine/net';

interface Outcome {
  api: string;
  code: string | undefined;
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

async function main(): Promise<void> {
  const loopbackUrl = process.argv[2];
  if (loopbackUrl === undefined) throw new Error('usage: net-guard-child.ts <loopback url>');
  installNetworkGuard({ label: 'child' });
  const outcomes: Outcome[] = [];

  const socket = net.connect(80, '10.255.255.1');
  outcomes.push({ api: 'net.connect', code: await new Promise<string | undefined>((resolve) => socket.once('error', (e) => resolve(codeOf(e)))) });

  outcomes.push({
    api: 'dns.lookup',
    code: await new Promise<string | undefined>((resolve) => dns.lookup('example.com', (e) => resolve(codeOf(e)))),
  });

  outcomes.push({ api: 'fetch', code: await fetch('http://93.184.216.34/').then(() => undefined, (e: unknown) => codeOf(e)) });

  const response = await fetch(loopbackUrl);
  const loopback = { status: response.status, body: await response.text() };

  process.send?.({ outcomes, loopback, stats: networkGuardStats(), pid: process.pid });
}

main().catch((error: unknown) => {
  process.send?.({ failed: String(error) });
  process.exitCode = 1;
});
