import type { z } from 'zod';
import { isInvokeChannel, type InvokeChannel } from '../common/channel-names';
import { invokeChannels, type PayloadOf, type ResultOf } from '../common/contract';
import { ipcFailure, TRANSPORT_ERROR_CODES, type IpcResult } from '../common/errors';
import { serializeError } from '../../engine/errors';
import type { HandlerContext } from './context';
import { handlers, type Handler } from './registry';

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function describe(issues: { path: string; message: string }[]): string {
  const first = issues[0];
  if (first === undefined) return 'invalid';
  return first.path === '' ? first.message : `${first.path}: ${first.message}`;
}

async function run<C extends InvokeChannel>(channel: C, payload: PayloadOf<C>, ctx: HandlerContext): Promise<ResultOf<C>> {
  const handler = handlers[channel] as Handler<C>;
  return handler(payload, ctx);
}

/**
 * The one entry both shells use: channel known, payload valid, handler run, result checked against
 * the contract, and every failure folded into the {code, message, detail?} shape. Never throws.
 */
export async function dispatch(channel: unknown, payload: unknown, ctx: HandlerContext): Promise<IpcResult<unknown>> {
  if (!isInvokeChannel(channel)) {
    return ipcFailure(TRANSPORT_ERROR_CODES.UNKNOWN_CHANNEL, `Unknown channel ${JSON.stringify(channel) ?? String(channel)}`, { channel: String(channel) });
  }
  const spec = invokeChannels[channel];
  const parsed = spec.payload.safeParse(payload);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    return ipcFailure(TRANSPORT_ERROR_CODES.BAD_PAYLOAD, `Bad payload for ${channel}: ${describe(issues)}`, { channel, issues });
  }
  let value: unknown;
  try {
    value = await run(channel, parsed.data, ctx);
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
  const checked = spec.result.safeParse(value);
  if (!checked.success) {
    const issues = issuesOf(checked.error);
    return ipcFailure(TRANSPORT_ERROR_CODES.BAD_RESULT, `The ${channel} handler answered outside the contract: ${describe(issues)}`, { channel, issues });
  }
  return { ok: true, value: checked.data };
}
