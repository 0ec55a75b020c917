import type { WebSocket } from 'ws';
import { isEventChannel, type EventChannel } from '../common/channel-names';
import { ipcFailure, TRANSPORT_ERROR_CODES } from '../common/errors';
import { ClientMessage, type ServerMessage } from '../common/wire';
import type { HandlerContext } from '../handlers/context';
import { dispatch } from '../handlers/dispatch';

/** The contract over one authenticated WebSocket: invoke -> dispatch -> result; subscribe and
 * unsubscribe manage which events this socket receives. */
export class ContractSocket {
  private readonly subscriptions = new Set<EventChannel>();

  constructor(
    private readonly socket: WebSocket,
    private readonly ctx: HandlerContext,
  ) {
    socket.on('message', (data, isBinary) => this.onMessage(data.toString(), isBinary));
  }

  private send(message: ServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private refuse(id: number | null, code: string, message: string): void {
    this.send({ kind: 'result', id, result: ipcFailure(code, message) });
  }

  private onMessage(text: string, isBinary: boolean): void {
    if (isBinary) return this.refuse(null, TRANSPORT_ERROR_CODES.BAD_MESSAGE, 'Binary messages are not part of the contract');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.refuse(null, TRANSPORT_ERROR_CODES.BAD_MESSAGE, 'The message is not JSON');
    }
    const parsed = ClientMessage.safeParse(json);
    if (!parsed.success) {
      const id = typeof json === 'object' && json !== null && 'id' in json && Number.isInteger(json.id) && (json.id as number) >= 0 ? (json.id as number) : null;
      return this.refuse(id, TRANSPORT_ERROR_CODES.BAD_MESSAGE, `The message is not a contract message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    const message = parsed.data;
    switch (message.kind) {
      case 'invoke':
        void dispatch(message.channel, message.payload, this.ctx).then((result) => this.send({ kind: 'result', id: message.id, result }));
        return;
      case 'subscribe':
      case 'unsubscribe':
        if (!isEventChannel(message.channel)) return this.refuse(null, TRANSPORT_ERROR_CODES.UNKNOWN_CHANNEL, `Unknown event channel ${JSON.stringify(message.channel)}`);
        if (message.kind === 'subscribe') this.subscriptions.add(message.channel);
        else this.subscriptions.delete(message.channel);
        return;
    }
  }

  /** Sends an already validated event when this socket subscribed to its channel. */
  deliver(channel: EventChannel, data: unknown): void {
    if (this.subscriptions.has(channel)) this.send({ kind: 'event', channel, data });
  }
}
