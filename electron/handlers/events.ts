import type { EventChannel } from '../common/channel-names';
import { eventChannels, type EventOf } from '../common/contract';
import { workError } from '../../engine/errors';

/**
 * An event's data checked against its channel's schema before a shell sends it, so subscribers
 * only ever see what the contract promises. Invalid data is our bug: it throws, loudly.
 */
export function checkedEvent<C extends EventChannel>(channel: C, data: EventOf<C>): EventOf<C> {
  const parsed = eventChannels[channel].safeParse(data);
  if (!parsed.success) {
    throw workError('BAD_EVENT', `Event ${channel} does not match the contract: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { detail: { channel } });
  }
  return parsed.data as EventOf<C>;
}
