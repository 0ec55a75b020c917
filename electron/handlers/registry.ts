import type { InvokeChannel } from '../common/channel-names';
import type { PayloadOf, ResultOf } from '../common/contract';
import { appInfo } from './app';
import type { HandlerContext } from './context';

export type Handler<C extends InvokeChannel> = (payload: PayloadOf<C>, ctx: HandlerContext) => Promise<ResultOf<C>> | ResultOf<C>;

/** One handler per invoke channel; the mapped type makes a missing or extra channel a compile error. */
export const handlers: { [C in InvokeChannel]: Handler<C> } = {
  'app.info': appInfo,
};
