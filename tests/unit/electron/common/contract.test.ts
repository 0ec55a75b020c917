import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { EVENT_CHANNELS, INVOKE_CHANNELS, isEventChannel, isInvokeChannel, type EventChannel, type InvokeChannel } from '../../../../electron/common/channel-names';
import { defineDomain, type InvokeSpec } from '../../../../electron/common/channels/define';
import type { AppInfo } from '../../../../electron/common/channels/app';
import { eventChannels, invokeChannels, type AiprodBridge, type EventOf, type PayloadArgs, type ResultOf } from '../../../../electron/common/contract';
import type { IpcError, IpcResult } from '../../../../electron/common/errors';
import { IpcErrorSchema } from '../../../../electron/common/wire';
import type { SerializedError } from '../../../../engine/errors';
import { handlers } from '../../../../electron/handlers/registry';

// Type-level checks: `tsc -p tsconfig.node.json` fails if these stop holding; the runtime checks
// below catch the same drift when only vitest runs.

describe('channel names and the map', () => {
  it('agree at the type level', () => {
    expectTypeOf<keyof typeof invokeChannels>().toEqualTypeOf<InvokeChannel>();
    expectTypeOf<keyof typeof eventChannels>().toEqualTypeOf<EventChannel>();
    expectTypeOf<keyof typeof handlers>().toEqualTypeOf<InvokeChannel>();
  });

  it('agree at run time, with every name used once', () => {
    expect(Object.keys(invokeChannels).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(Object.keys(eventChannels).sort()).toEqual([...EVENT_CHANNELS].sort());
    expect(Object.keys(handlers).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(new Set([...INVOKE_CHANNELS, ...EVENT_CHANNELS]).size).toBe(INVOKE_CHANNELS.length + EVENT_CHANNELS.length);
  });

  it('name every channel <domain>.<name>', () => {
    for (const name of [...INVOKE_CHANNELS, ...EVENT_CHANNELS]) expect(name).toMatch(/^[a-z]+\.[a-zA-Z.]+$/);
  });

  it('recognise exactly their own names', () => {
    expect(isInvokeChannel('app.info')).toBe(true);
    expect(isInvokeChannel('app.log')).toBe(false);
    expect(isInvokeChannel('app.infoo')).toBe(false);
    expect(isInvokeChannel(42)).toBe(false);
    expect(isEventChannel('app.log')).toBe(true);
    expect(isEventChannel('app.info')).toBe(false);
  });
});

describe('defineDomain', () => {
  it('refuses, at compile time, a channel outside its domain', () => {
    const spec = {} as InvokeSpec;
    // @ts-expect-error: 'jobs.add' does not start with 'app.'
    defineDomain('app', { invoke: { 'jobs.add': spec }, events: {} });
    expect(defineDomain('app', { invoke: { 'app.x': spec }, events: {} }).invoke['app.x']).toBe(spec);
  });
});

describe('typed surface', () => {
  it('derives payloads, results and events from the schemas', () => {
    expectTypeOf<ResultOf<'app.info'>>().toEqualTypeOf<z.output<typeof AppInfo>>();
    expectTypeOf<ResultOf<'app.info'>['shell']>().toEqualTypeOf<'electron' | 'host'>();
    expectTypeOf<EventOf<'app.log'>['level']>().toEqualTypeOf<'info' | 'warn' | 'error'>();
    // app.info takes no payload, so it may be left out.
    expectTypeOf<PayloadArgs<'app.info'>>().toEqualTypeOf<[payload?: undefined]>();
    const _bridge = null as unknown as AiprodBridge;
    expectTypeOf<ReturnType<typeof _bridge.invoke<'app.info'>>>().toEqualTypeOf<Promise<IpcResult<z.output<typeof AppInfo>>>>();
  });

  it('keeps the IPC error shape identical to the engine SerializedError', () => {
    expectTypeOf<IpcError>().toEqualTypeOf<SerializedError>();
    expectTypeOf<z.output<typeof IpcErrorSchema>>().toEqualTypeOf<IpcError>();
    expect(IpcErrorSchema.safeParse({ code: 'X', message: 'm', detail: { a: 1 } }).success).toBe(true);
    expect(IpcErrorSchema.safeParse({ code: '', message: 'm' }).success).toBe(false);
  });
});

describe('schemas', () => {
  it('accept a complete app.info result and refuse one missing the CUDA state', () => {
    const info = {
      appVersion: '0.1.0',
      shell: 'host',
      shellVersion: '0.1.0',
      node: '20.20.2',
      onnxruntime: '1.29.0',
      platform: 'linux-x64',
      executionProviders: { cpu: { available: true }, cuda: { available: false, reason: 'no driver' } },
      ffmpeg: { path: '/usr/bin/ffmpeg' },
      packs: [],
    };
    expect(invokeChannels['app.info'].result.safeParse(info).success).toBe(true);
    expect(invokeChannels['app.info'].result.safeParse({ ...info, executionProviders: { cpu: { available: true } } }).success).toBe(false);
    expect(invokeChannels['app.info'].result.safeParse({ ...info, shell: 'browser' }).success).toBe(false);
  });
});
