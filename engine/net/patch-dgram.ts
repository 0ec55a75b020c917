import dgram from 'node:dgram';
import { recordBlocked } from './ledger';
import { isLoopbackHost } from './loopback';
import { captureCallSite, markGuardFrame } from './origin';
import { datagramSendTarget, hostPort } from './targets';

// UDP has no connection to refuse, so the guard checks each destination: dgram.Socket#connect and
// #send on an unconnected socket. Errors reach the callback when there is one, else the socket's
// 'error' event, as Node does for a failed lookup.

type Fn = (...args: unknown[]) => unknown;

function deliver(socket: dgram.Socket, error: Error, callback: Fn | undefined): void {
  process.nextTick(() => {
    if (callback) callback(error);
    else socket.emit('error', error);
  });
}

function isConnected(socket: dgram.Socket): boolean {
  try {
    socket.remoteAddress();
    return true;
  } catch {
    return false;
  }
}

export function patchDgram(): void {
  const proto = dgram.Socket.prototype as unknown as { send: Fn; connect: Fn };
  const originalSend = proto.send;
  const originalConnect = proto.connect;

  function guardedSend(this: dgram.Socket, ...args: unknown[]): unknown {
    if (isConnected(this)) return originalSend.apply(this, args);
    const target = datagramSendTarget(args);
    if (target.address === undefined || isLoopbackHost(target.address)) return originalSend.apply(this, args);
    const site = captureCallSite(guardedSend);
    const error = recordBlocked('dgram.send', hostPort(target.address, target.port), site.origin ?? 'dgram.send (no caller frame)');
    deliver(this, error, target.callback as Fn | undefined);
    return undefined;
  }

  function guardedConnect(this: dgram.Socket, ...args: unknown[]): unknown {
    const address = typeof args[1] === 'string' && args[1] !== '' ? args[1] : undefined;
    if (address === undefined || isLoopbackHost(address)) return originalConnect.apply(this, args);
    const site = captureCallSite(guardedConnect);
    const error = recordBlocked('dgram.connect', hostPort(address, args[0]), site.origin ?? 'dgram.connect (no caller frame)');
    deliver(this, error, [args[1], args[2]].find((a) => typeof a === 'function') as Fn | undefined);
    return undefined;
  }

  proto.send = markGuardFrame(guardedSend, 'send');
  proto.connect = markGuardFrame(guardedConnect, 'connect');
}
