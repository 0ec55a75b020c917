import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../../../electron/common/channel-names';
import { APP_ENTRY_URL } from '../../../../electron/main/security';
import { startMain, type MainHandle } from '../../../../electron/main/start';
import { createFakeElectron, type FakeElectron } from '../fake-electron';
import { stubServices } from '../stub-services';

let dir: string;
let rendererDir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-main-'));
  rendererDir = path.join(dir, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
  await writeFile(path.join(rendererDir, 'assets/app.js'), 'console.log("studio")');
  // A file next to the bundle that app:// must never serve.
  await writeFile(path.join(dir, 'secret.txt'), 'SECRET');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fake: FakeElectron;
let main: MainHandle;

beforeEach(async () => {
  fake = createFakeElectron();
  main = await startMain(fake.electron, {
    rendererDir,
    preloadPath: '/app/dist/node/preload.cjs',
    workerPath: '/app/dist/node/worker.js',
    services: stubServices(),
    electronVersion: '45.4.1',
    devTools: false,
  });
});

describe('the window', () => {
  it('is isolated, sandboxed, without Node, with web security, and loads the app:// entry', () => {
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0]!;
    expect(window.options.webPreferences).toEqual({
      preload: '/app/dist/node/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: false,
    });
    expect(window.options.show).toBe(false);
    expect(window.loaded).toEqual([APP_ENTRY_URL]);
    expect(window.shown).toBe(true);
    expect(main.window).toBe(window);
  });

  it('denies navigation, foreign redirects, new windows and <webview>', () => {
    const contents = fake.windows[0]!.webContents;
    expect(fake.contents).toContain(contents);
    expect(contents.fire('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.fire('will-navigate', 'app://studio/index.html')).toBe(true);
    expect(contents.fire('will-redirect', 'https://example.com/')).toBe(true);
    expect(contents.fire('will-attach-webview')).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });
});

describe('before ready', () => {
  it('enables the sandbox, registers app:// as a privileged standard secure scheme, and switches off name resolution and proxies', () => {
    expect(fake.app.sandboxEnabled).toBe(true);
    expect(fake.protocol.registeredBeforeReady).toBe(true);
    expect(fake.protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) as unknown },
    ]);
    expect(fake.app.switches).toContainEqual(['host-resolver-rules', 'MAP * ~NOTFOUND']);
    expect(fake.app.switches).toContainEqual(['no-proxy-server', undefined]);
  });
});

describe('the session', () => {
  it('has one request filter that cancels everything but the app, DevTools and in-memory URLs', () => {
    expect(fake.session.beforeRequestCalls).toBe(1);
    for (const url of ['http://example.com/', 'https://example.com/x.js', 'ws://127.0.0.1:9/', 'wss://example.com/', 'ftp://example.com/', 'file:///etc/passwd', 'app://elsewhere/index.html', 'chrome-extension://abc/x.js']) {
      expect(fake.session.request(url), url).toBe(true);
    }
    for (const url of ['app://studio/index.html', 'app://studio/assets/app.js', 'devtools://devtools/bundled/inspector.html', 'data:image/png;base64,AAAA', 'blob:app://studio/1234']) {
      expect(fake.session.request(url), url).toBe(false);
    }
  });

  it('denies every permission request and check, and turns the spellchecker off', () => {
    let granted: boolean | undefined;
    fake.session.permissionRequest?.(null, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(fake.session.permissionCheck?.(null, permission)).toBe(false);
    }
    expect(fake.session.spellChecker).toBe(false);
  });
});

describe('IPC', () => {
  it('registers one handler for every invoke channel of the contract, and no other', () => {
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('answers app.info to the studio page', async () => {
    const result = await fake.ipcMain.invoke('app.info', 'app://studio/index.html');
    expect(result).toMatchObject({ ok: true, value: { shell: 'electron', shellVersion: '45.4.1', appVersion: '9.8.7', executionProviders: { cuda: { available: false } } } });
  });

  it('refuses a foreign sender without running the handler', async () => {
    let probed = 0;
    fake = createFakeElectron();
    await startMain(fake.electron, {
      rendererDir,
      preloadPath: '/p.cjs',
      workerPath: '/w.js',
      services: stubServices({ packs: async () => (probed++, []) }),
      electronVersion: '45.4.1',
      devTools: false,
    });
    for (const sender of ['https://evil.example/', 'file:///tmp/page.html', 'app://other/index.html', 'devtools://devtools/x', null]) {
      const result = await fake.ipcMain.invoke('app.info', sender);
      expect(result, String(sender)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(probed).toBe(0);
  });

  it('refuses a bad payload with BAD_PAYLOAD naming the channel', async () => {
    const result = await fake.ipcMain.invoke('app.info', 'app://studio/index.html', { verbose: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD', detail: { channel: 'app.info' } } });
    expect((result as { error: { message: string } }).error.message).toContain('app.info');
  });

  it('sends events to the windows, checked against the contract', () => {
    const entry = { time: '2025-01-01T00:00:00.000Z', level: 'info' as const, source: 'test', message: 'hello' };
    main.context.emit('app.log', entry);
    expect(fake.windows[0]!.webContents.sent).toEqual([{ channel: 'app.log', args: [entry] }]);
    expect(() => main.context.emit('app.log', { ...entry, level: 'loud' as 'info' })).toThrow(/app\.log/);
  });
});

describe('the app:// protocol', () => {
  it('serves the bundle with the CSP header', async () => {
    const response = await fake.protocol.fetch('app://studio/index.html');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>studio</title>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const js = await fake.protocol.fetch('app://studio/assets/app.js?v=1');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('serves index.html for the root', async () => {
    const response = await fake.protocol.fetch('app://studio/');
    expect(await response.text()).toContain('<title>studio</title>');
  });

  it('refuses .., %2e%2e, encoded separators and other hosts, and never returns the file outside', async () => {
    const attempts = [
      'app://studio/../secret.txt',
      'app://studio/assets/../../secret.txt',
      'app://studio/%2e%2e/secret.txt',
      'app://studio/%2E%2E/secret.txt',
      'app://studio/.%2e/secret.txt',
      'app://studio/assets%2f..%2f..%2fsecret.txt',
      'app://studio/..%5csecret.txt',
      'app://studio/%252e%252e/secret.txt',
      'app://studio//etc/passwd',
      'app://other/index.html',
    ];
    for (const url of attempts) {
      const response = await fake.protocol.fetch(url);
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(await response.text(), url).not.toContain('SECRET');
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await fake.protocol.fetch('app://studio/index.html', 'POST')).status).toBe(405);
  });
});

describe('the engine worker hook', () => {
  it('forks the worker as a utility process', () => {
    main.forkEngineWorker(['--queue']);
    expect(fake.utilityProcess.forks).toEqual([{ modulePath: '/app/dist/node/worker.js', args: ['--queue'], options: { serviceName: 'AIPROD Studio engine', stdio: 'pipe' } }]);
  });
});
