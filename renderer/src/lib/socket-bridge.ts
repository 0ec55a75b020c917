import type { EventChannel, InvokeChannel } from '../../../electron/common/channel-names';
import type { AiprodBridge, EventOf, PayloadArgs, ResultOf } from '../../../electron/common/contract';
import { ipcFailure, TRANSPORT_ERROR_CODES, type IpcResult } from '../../../electron/common/errors';
import type { ClientMessage, ServerMessage } from '../../../electron/common/wire';

/** The part of the browser's WebSocket the bridge uses (Node's `ws` fits it too, for tests). */
export interface SocketLike {
  readonly readyState: number;
  readonly OPEN: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface SocketBridge extends AiprodBridge {
  close(): void;
}

function disconnected(message: string): IpcResult<never> {
  return ipcFailure(TRANSPORT_ERROR_CODES.DISCONNECTED, message);
}

/**
 * window.aiprod's surface over the headless host's WebSocket. One connection, opened on first use
 * and again after a drop; answers are matched to calls by id; subscriptions are re-sent when a new
 * connection opens. A call in flight when the connection drops answers DISCONNECTED.
 */
export function createSocketBridge(url: string, openSocket: SocketFactory): SocketBridge {
  let socket: SocketLike | null = null;
  let nextId = 1;
  const pending = new Map<number, (result: IpcResult<unknown>) => void>();
  const listeners = new Map<EventChannel, Set<(data: unknown) => void>>();
  const outbox: ClientMessage[] = [];

  function open(): SocketLike {
    if (socket !== null) return socket;
    const ws = openSocket(url);
    socket = ws;
    ws.addEventListener('open', () => {
      for (const channel of listeners.keys()) ws.send(JSON.stringify({ kind: 'subscribe', channel } satisfies ClientMessage));
      for (const message of outbox.splice(0)) ws.send(JSON.stringify(message));
    });
    ws.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      const message = JSON.parse(event.data) as ServerMessage;
      if (message.kind === 'result') {
        if (message.id === null) return;
        const resolve = pending.get(message.id);
        pending.delete(message.id);
        resolve?.(message.result);
      } else {
        const set = listeners.get(message.channel as EventChannel);
        if (set !== undefined) for (const listener of [...set]) listener(message.data);
      }
    });
    // A refused or broken connection reports 'error' and then 'close'; 'close' does the cleanup.
    ws.addEventListener('error', () => undefined);
    ws.addEventListener('close', () => {
      if (socket === ws) socket = null;
      outbox.length = 0;
      for (const resolve of pending.values()) resolve(disconnected('The connection to the studio host closed (was the host stopped, or the page opened without its token?)'));
      pending.clear();
    });
    return ws;
  }

  function send(message: ClientMessage): void {
    const ws = open();
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    else outbox.push(message);
  }

  return {
    invoke<C extends InvokeChannel>(channel: C, ...args: PayloadArgs<C>): Promise<IpcResult<ResultOf<C>>> {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (result: IpcResult<unknown>) => void);
        send({ kind: 'invoke', id, channel, payload: args[0] });
      });
    },
    subscribe<C extends EventChannel>(channel: C, listener: (data: EventOf<C>) => void): () => void {
      let set = listeners.get(channel);
      if (set === undefined) {
        set = new Set();
        listeners.set(channel, set);
        send({ kind: 'subscribe', channel });
      }
      const wrapped = (data: unknown): void => listener(data as EventOf<C>);
      set.add(wrapped);
      return () => {
        const current = listeners.get(channel);
        if (current === undefined || !current.delete(wrapped) || current.size > 0) return;
        listeners.delete(channel);
        if (socket !== null && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ kind: 'unsubscribe', channel } satisfies ClientMessage));
      };
    },
    close() {
      socket?.close();
    },
  };
}
