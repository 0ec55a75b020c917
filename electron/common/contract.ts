import type { z } from 'zod';
import type { EventChannel, InvokeChannel } from './channel-names';
import { appDomain } from './channels/app';
import { projectsDomain } from './channels/projects';
import { jobsDomain } from './channels/jobs';
import { reportDomain } from './channels/report';
import { modelsDomain } from './channels/models';
import { exportDomain } from './channels/export';
import { estimateDomain, pricingDomain } from './channels/estimate';
import { qaDomain } from './channels/qa';
import type { IpcResult } from './errors';

// The whole IPC contract: every invoke channel with its payload and result schemas, every event
// channel with its data schema. A new domain is one file under channels/ plus one spread per map
// below and its names in channel-names.ts; the compile-time checks at the bottom refuse the build
// until all three agree.

export const invokeChannels = {
  ...appDomain.invoke,
  ...projectsDomain.invoke,
  ...jobsDomain.invoke,
  ...reportDomain.invoke,
  ...modelsDomain.invoke,
  ...exportDomain.invoke,
  ...estimateDomain.invoke,
  ...pricingDomain.invoke,
  ...qaDomain.invoke,
};

export const eventChannels = {
  ...appDomain.events,
  ...projectsDomain.events,
  ...jobsDomain.events,
  ...reportDomain.events,
  ...modelsDomain.events,
  ...exportDomain.events,
  ...estimateDomain.events,
  ...pricingDomain.events,
  ...qaDomain.events,
};

export type InvokeChannelMap = typeof invokeChannels;
export type EventChannelMap = typeof eventChannels;

/** What the caller passes (before zod defaults are applied). */
export type PayloadInput<C extends InvokeChannel> = z.input<InvokeChannelMap[C]['payload']>;
/** What the handler receives (after validation). */
export type PayloadOf<C extends InvokeChannel> = z.output<InvokeChannelMap[C]['payload']>;
export type ResultOf<C extends InvokeChannel> = z.output<InvokeChannelMap[C]['result']>;
export type EventOf<C extends EventChannel> = z.output<EventChannelMap[C]>;

/** Channels whose payload may be left out entirely (`invoke('app.info')`). */
export type PayloadArgs<C extends InvokeChannel> = undefined extends PayloadInput<C> ? [payload?: PayloadInput<C>] : [payload: PayloadInput<C>];

/**
 * `window.aiprod` as the preload exposes it, and the same surface the host's WebSocket client
 * offers. invoke answers the IpcResult envelope rather than throwing: contextBridge would strip a
 * thrown error down to its message, losing the code.
 */
export interface AiprodBridge {
  invoke<C extends InvokeChannel>(channel: C, ...args: PayloadArgs<C>): Promise<IpcResult<ResultOf<C>>>;
  subscribe<C extends EventChannel>(channel: C, listener: (data: EventOf<C>) => void): () => void;
  /**
   * Electron only: the path on disk of a file the user dropped or picked (webUtils.getPathForFile),
   * "" for one that has none. The headless host has no such thing: its page uploads the bytes.
   */
  pathForFile?(file: Blob): string;
}

export type { EventChannel, InvokeChannel } from './channel-names';
export { EVENT_CHANNELS, INVOKE_CHANNELS, isEventChannel, isInvokeChannel } from './channel-names';

// Compile-time agreement between the zod-free name lists and the schema maps.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type InvokeNamesMatchMap = Assert<Equal<keyof InvokeChannelMap, InvokeChannel>>;
export type EventNamesMatchMap = Assert<Equal<keyof EventChannelMap, EventChannel>>;
