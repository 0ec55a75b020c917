// The studio's api served in this process by the real handlers and engine, as the headless host
// serves it over its socket (same dispatch, same contract checks, same events), minus the socket.
import type { EventChannel } from '../../../electron/common/channel-names';
import type { AiprodBridge } from '../../../electron/common/contract';
import { checkedEvent } from '../../../electron/handlers/events';
import type { HandlerContext } from '../../../electron/handlers/context';
import { dispatch } from '../../../electron/handlers/dispatch';
import { projectSessionFor } from '../../../electron/handlers/projects';
import { createApi, type Api } from '../../../renderer/src/lib/api';
import { stubServices } from '../electron/stub-services';

export interface InProcessShell {
  ctx: HandlerContext;
  /** A window's api: call once per window; all windows share the shell (and its open projects). */
  connect(): Api;
  close(): Promise<void>;
}

export function inProcessShell(): InProcessShell {
  const listeners = new Map<EventChannel, Set<(data: unknown) => void>>();
  const ctx: HandlerContext = {
    services: stubServices(),
    shell: { shell: 'host', shellVersion: '0.1.0' },
    emit: (channel, data) => {
      const checked = checkedEvent(channel, data);
      for (const listener of listeners.get(channel) ?? []) listener(checked);
    },
  };
  const bridge: AiprodBridge = {
    invoke: ((channel: string, payload?: unknown) => dispatch(channel, payload, ctx)) as AiprodBridge['invoke'],
    subscribe(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      const wrapped = (data: unknown): void => listener(data as never);
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
  return { ctx, connect: () => createApi(bridge), close: () => projectSessionFor(ctx).closeAll() };
}
