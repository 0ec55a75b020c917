import type { EventChannel, InvokeChannel } from '../../../electron/common/channel-names';
import type { AiprodBridge, EventOf, PayloadArgs, ResultOf } from '../../../electron/common/contract';
import type { IpcError } from '../../../electron/common/errors';

/** A failed call, with the contract's stable code. */
export class ApiError extends Error {
  readonly code: string;
  readonly detail: Record<string, unknown> | undefined;

  constructor(error: IpcError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.detail = error.detail;
  }
}

/** What the studio's stores use: typed calls that resolve with the result or reject with ApiError. */
export interface Api {
  invoke<C extends InvokeChannel>(channel: C, ...args: PayloadArgs<C>): Promise<ResultOf<C>>;
  subscribe<C extends EventChannel>(channel: C, listener: (data: EventOf<C>) => void): () => void;
}

export function createApi(bridge: AiprodBridge): Api {
  return {
    async invoke(channel, ...args) {
      const result = await bridge.invoke(channel, ...args);
      if (!result.ok) throw new ApiError(result.error);
      return result.value;
    },
    subscribe: (channel, listener) => bridge.subscribe(channel, listener),
  };
}
