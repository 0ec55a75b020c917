import { INVOKE_CHANNELS } from '../common/channel-names';
import { ipcFailure, TRANSPORT_ERROR_CODES, type IpcResult } from '../common/errors';
import type { HandlerContext } from '../handlers/context';
import { dispatch } from '../handlers/dispatch';
import type { IpcInvokeEventLike, IpcMainLike } from './electron-api';
import { isAppUrl } from './security';

/** Answers for a request whose sender is not the studio's own page, without running anything. */
export function checkSender(event: IpcInvokeEventLike): IpcResult<never> | null {
  const url = event.senderFrame?.url;
  if (url !== undefined && isAppUrl(url)) return null;
  return ipcFailure(TRANSPORT_ERROR_CODES.FORBIDDEN_SENDER, 'Refused: the request did not come from the studio page', { sender: url ?? null });
}

/** One ipcMain.handle per invoke channel: sender checked, then the shared dispatch (payload
 * validated by the contract's schema, errors folded into {ok:false, error}). */
export function bindIpc(ipcMain: IpcMainLike, ctx: HandlerContext): void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, payload) => checkSender(event) ?? dispatch(channel, payload, ctx));
  }
}
