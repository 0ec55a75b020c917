import { describe, expect, it } from 'vitest';
import type { AppInfo, LogEntry } from '../../../../electron/common/channels/app';
import { ApiError, type Api } from '../../../../renderer/src/lib/api';
import { ACTIVITY_LIMIT, createActivityStore, followActivity } from '../../../../renderer/src/stores/activity';
import { createAppInfoStore } from '../../../../renderer/src/stores/app-info';

const INFO: AppInfo = {
  appVersion: '0.1.0',
  shell: 'host',
  shellVersion: '0.1.0',
  node: '20.20.2',
  onnxruntime: '1.29.0',
  platform: 'linux-x64',
  executionProviders: { cpu: { available: true }, cuda: { available: false, reason: 'no driver' } },
  ffmpeg: { path: '/usr/bin/ffmpeg', version: '5.1' },
  packs: [],
};

/** An api whose app.info answers are released by the test, one by one. */
function controlledApi() {
  const calls: { resolve: (info: AppInfo) => void; reject: (e: unknown) => void }[] = [];
  const api: Pick<Api, 'invoke'> = {
    invoke: (() => new Promise<AppInfo>((resolve, reject) => calls.push({ resolve, reject }))) as Api['invoke'],
  };
  return { api, calls };
}

describe('the app-info store', () => {
  it('goes idle -> loading -> ready', async () => {
    const { api, calls } = controlledApi();
    const store = createAppInfoStore(api);
    expect(store.getState().state.status).toBe('idle');
    const loading = store.getState().load();
    expect(store.getState().state.status).toBe('loading');
    calls[0]!.resolve(INFO);
    await loading;
    expect(store.getState().state).toEqual({ status: 'ready', info: INFO, error: null });
  });

  it('keeps the code of a failed call, and the last good info', async () => {
    const { api, calls } = controlledApi();
    const store = createAppInfoStore(api);
    const first = store.getState().load();
    calls[0]!.resolve(INFO);
    await first;
    const second = store.getState().load();
    calls[1]!.reject(new ApiError({ code: 'DISCONNECTED', message: 'host gone' }));
    await second;
    expect(store.getState().state).toEqual({ status: 'error', info: INFO, error: { code: 'DISCONNECTED', message: 'host gone' } });
  });

  it('shares one request between concurrent loads', async () => {
    const { api, calls } = controlledApi();
    const store = createAppInfoStore(api);
    const a = store.getState().load();
    const b = store.getState().load();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve(INFO);
    await Promise.all([a, b]);
    expect(store.getState().state.status).toBe('ready');
  });
});

describe('the activity store', () => {
  it('follows app.log and keeps the newest entries only', () => {
    let push: ((entry: LogEntry) => void) | undefined;
    let unsubscribed = false;
    const api: Pick<Api, 'subscribe'> = {
      subscribe: ((channel: string, listener: (entry: LogEntry) => void) => {
        expect(channel).toBe('app.log');
        push = listener;
        return () => (unsubscribed = true);
      }) as Api['subscribe'],
    };
    const store = createActivityStore();
    const off = followActivity(api, store);
    for (let i = 0; i < ACTIVITY_LIMIT + 5; i++) push?.({ time: new Date(i * 1000).toISOString(), level: 'info', source: 'host', message: `entry ${i}` });
    const entries = store.getState().entries;
    expect(entries).toHaveLength(ACTIVITY_LIMIT);
    expect(entries[0]?.message).toBe('entry 5');
    expect(entries.at(-1)?.message).toBe(`entry ${ACTIVITY_LIMIT + 4}`);
    off();
    expect(unsubscribed).toBe(true);
  });
});
