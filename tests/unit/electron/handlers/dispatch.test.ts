import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../../electron/common/channels/app';
import type { HandlerContext } from '../../../../electron/handlers/context';
import { dispatch } from '../../../../electron/handlers/dispatch';
import { inputError } from '../../../../engine/errors';
import { stubServices } from '../stub-services';

function context(services = stubServices()): { ctx: HandlerContext; events: { channel: string; data: LogEntry }[] } {
  const events: { channel: string; data: LogEntry }[] = [];
  const ctx: HandlerContext = { services, shell: { shell: 'host', shellVersion: '0.1.0' }, emit: (channel, data) => events.push({ channel, data: data as LogEntry }) };
  return { ctx, events };
}

describe('dispatch', () => {
  it('answers app.info from the services, with the shell, and logs it', async () => {
    const { ctx, events } = context();
    const result = await dispatch('app.info', undefined, ctx);
    expect(result).toEqual({
      ok: true,
      value: {
        appVersion: '9.8.7',
        shell: 'host',
        shellVersion: '0.1.0',
        node: '20.0.0-test',
        onnxruntime: '1.29.0',
        platform: 'linux-x64',
        executionProviders: { cpu: { available: true }, cuda: { available: false, reason: 'no NVIDIA driver in this test' } },
        ffmpeg: { path: '/opt/test/ffmpeg', version: '6.1-test' },
        packs: [{ id: 'nano', name: 'AIPROD-Nano', status: 'trained' }],
      },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.channel).toBe('app.log');
    expect(events[0]?.data.message).toMatch(/CUDA unavailable.*ffmpeg found.*1 model pack/);
  });

  it('refuses an unknown channel', async () => {
    const { ctx } = context();
    expect(await dispatch('app.shutdown', undefined, ctx)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await dispatch({ toString: () => 'app.info' }, undefined, ctx)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('refuses a payload the schema refuses, naming the channel and the issue', async () => {
    const { ctx, events } = context();
    const result = await dispatch('app.info', { all: true }, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('BAD_PAYLOAD');
    expect(result.error.message).toMatch(/^Bad payload for app\.info: /);
    expect(result.error.detail).toMatchObject({ channel: 'app.info', issues: [expect.objectContaining({ message: expect.any(String) as unknown })] });
    expect(events).toHaveLength(0);
  });

  it('passes an engine error through with its code', async () => {
    const { ctx } = context(stubServices({ packs: async () => Promise.reject(inputError('PACK_DIR_UNREADABLE', 'models/ cannot be read', { dir: 'models' })) }));
    expect(await dispatch('app.info', undefined, ctx)).toEqual({ ok: false, error: { code: 'PACK_DIR_UNREADABLE', message: 'models/ cannot be read', detail: { dir: 'models' } } });
  });

  it('turns an uncoded throw into INTERNAL', async () => {
    const { ctx } = context(stubServices({ packs: async () => Promise.reject(new Error('disk on fire')) }));
    expect(await dispatch('app.info', undefined, ctx)).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'disk on fire' } });
  });

  it('folds failing CUDA and ffmpeg probes into the answer instead of failing it', async () => {
    const { ctx } = context(
      stubServices({
        executionProviders: async () => Promise.reject(new Error('libcudart.so.12: cannot open shared object file')),
        ffmpeg: async () => Promise.reject(new Error('ffmpeg was not found')),
      }),
    );
    const result = await dispatch('app.info', undefined, ctx);
    expect(result).toMatchObject({
      ok: true,
      value: {
        executionProviders: { cpu: { available: true }, cuda: { available: false, reason: expect.stringContaining('libcudart.so.12') as unknown } },
        ffmpeg: { path: null, error: 'ffmpeg was not found' },
      },
    });
  });

  it('refuses a handler answer outside the contract with BAD_RESULT', async () => {
    const { ctx } = context(stubServices({ packs: async () => [{ id: '', name: 'nameless', status: 'trained' }] }));
    expect(await dispatch('app.info', undefined, ctx)).toMatchObject({ ok: false, error: { code: 'BAD_RESULT', detail: { channel: 'app.info' } } });
  });
});
