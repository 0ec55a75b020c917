import { isEventChannel, isInvokeChannel, type EventChannel, type InvokeChannel } from '../common/channel-names';
import type { AiprodBridge, EventOf, PayloadArgs, ResultOf } from '../common/contract';
import { ipcFailure, TRANSPORT_ERROR_CODES, type IpcResult } from '../common/errors';

/** The part of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The part of Electron's webUtils the bridge uses. */
export interface WebUtilsLike {
  getPathForFile(file: never): string;
}

/**
 * window.aiprod: typed invoke and subscribe over the contract's channels, and pathForFile (the
 * path of a file the user dropped, for models.import), nothing else. Channel
 * names are allow-listed here as well as in main; listeners get the event's data only, never
 * Electron's event object (which would hand the page a way back to ipcRenderer).
 */
export function createBridge(ipcRenderer: IpcRendererLike, webUtils?: WebUtilsLike): AiprodBridge {
  return {
    // A function over one File, not webUtils itself: the page learns paths of what it was given only.
    ...(webUtils === undefined ? {} : { pathForFile: (file: Blob): string => webUtils.getPathForFile(file as never) }),
    invoke<C extends InvokeChannel>(channel: C, ...args: PayloadArgs<C>): Promise<IpcResult<ResultOf<C>>> {
      if (!isInvokeChannel(channel)) {
        return Promise.resolve(ipcFailure(TRANSPORT_ERROR_CODES.UNKNOWN_CHANNEL, `Unknown channel ${JSON.stringify(channel) ?? String(channel)}`));
      }
      return ipcRenderer.invoke(channel, args[0]) as Promise<IpcResult<ResultOf<C>>>;
    },
    subscribe<C extends EventChannel>(channel: C, listener: (data: EventOf<C>) => void): () => void {
      if (!isEventChannel(channel)) throw new TypeError(`Unknown event channel ${JSON.stringify(channel) ?? String(channel)}`);
      const forward = (_event: unknown, data: unknown): void => listener(data as EventOf<C>);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    },
  };
}
