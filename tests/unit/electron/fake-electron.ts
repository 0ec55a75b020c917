// A typed, recording stand-in for the part of Electron that electron/main uses (ElectronApi). It
// runs no Chromium: it records what main asked for and lets a test play the browser's side
// (send an IPC message from some frame, issue a request, try to navigate).
import type {
  AppLike,
  BrowserWindowLike,
  ElectronApi,
  IpcInvokeEventLike,
  IpcMainLike,
  PreventableEvent,
  PrivilegedScheme,
  ProtocolLike,
  RequestDetails,
  SessionLike,
  UtilityProcessChildLike,
  UtilityProcessLike,
  WebContentsLike,
  WindowOpenDetails,
  WindowOptions,
} from '../../../electron/main/electron-api';

type ContentsEvent = 'will-navigate' | 'will-redirect' | 'will-attach-webview';
type ContentsListener = (event: PreventableEvent, url: string) => void;

export class FakeEvent implements PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents implements WebContentsLike {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: WindowOpenDetails) => { action: 'deny' }) | null = null;
  private readonly listeners = new Map<ContentsEvent, ContentsListener[]>();

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  on(event: ContentsEvent, listener: ContentsListener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  /** Plays Chromium: fires the event, answers whether some listener prevented it. */
  fire(event: ContentsEvent, url = ''): boolean {
    const e = new FakeEvent();
    for (const listener of this.listeners.get(event) ?? []) listener(e, url);
    return e.defaultPrevented;
  }
}

export class FakeSession implements SessionLike {
  beforeRequest: ((details: RequestDetails, callback: (response: { cancel: boolean }) => void) => void) | null = null;
  beforeRequestCalls = 0;
  permissionRequest: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheck: ((webContents: unknown, permission: string) => boolean) | null = null;
  spellChecker: boolean | null = null;

  readonly webRequest = {
    onBeforeRequest: (listener: (details: RequestDetails, callback: (response: { cancel: boolean }) => void) => void): void => {
      this.beforeRequestCalls += 1;
      this.beforeRequest = listener;
    },
  };
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void {
    this.permissionCheck = handler;
  }
  setSpellCheckerEnabled(enable: boolean): void {
    this.spellChecker = enable;
  }

  /** Plays a request through the session filter; answers whether it was cancelled. */
  request(url: string): boolean {
    if (this.beforeRequest === null) throw new Error('no onBeforeRequest filter installed');
    let cancelled: boolean | undefined;
    this.beforeRequest({ url }, (response) => (cancelled = response.cancel));
    if (cancelled === undefined) throw new Error('the filter did not call back');
    return cancelled;
  }
}

export class FakeProtocol implements ProtocolLike {
  readonly privileged: PrivilegedScheme[] = [];
  readonly handlers = new Map<string, (request: Request) => Promise<Response>>();
  /** Whether the app was ready when registerSchemesAsPrivileged ran (Electron requires: not yet). */
  registeredBeforeReady: boolean | null = null;

  constructor(private readonly isReady: () => boolean) {}

  registerSchemesAsPrivileged(schemes: PrivilegedScheme[]): void {
    this.registeredBeforeReady = !this.isReady();
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
  /** Plays the browser fetching a URL of a handled scheme. The URL goes in raw, not normalised. */
  fetch(url: string, method = 'GET'): Promise<Response> {
    const scheme = url.slice(0, url.indexOf(':'));
    const handler = this.handlers.get(scheme);
    if (handler === undefined) throw new Error(`no handler for ${scheme}:`);
    return handler({ url, method } as Request);
  }
}

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>>();

  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  /** Plays ipcRenderer.invoke from a frame at `senderUrl` (null: a destroyed frame). */
  invoke(channel: string, senderUrl: string | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: senderUrl === null ? null : { url: senderUrl } }, ...args);
  }
}

export class FakeUtilityChild implements UtilityProcessChildLike {
  readonly posted: unknown[] = [];
  killed = false;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
  on(_event: 'exit' | 'message', _listener: (arg: never) => void): this {
    return this;
  }
}

export class FakeUtilityProcess implements UtilityProcessLike {
  readonly forks: { modulePath: string; args: string[] | undefined; options: { serviceName?: string; stdio?: 'pipe' | 'ignore' | 'inherit' } | undefined }[] = [];
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'pipe' | 'ignore' | 'inherit' }): UtilityProcessChildLike {
    this.forks.push({ modulePath, args, options });
    return new FakeUtilityChild();
  }
}

export interface FakeWindow extends BrowserWindowLike {
  readonly options: WindowOptions;
  readonly webContents: FakeWebContents;
  readonly loaded: string[];
  shown: boolean;
}

export interface FakeElectron {
  electron: ElectronApi;
  app: AppLike & { switches: [string, string | undefined][]; sandboxEnabled: boolean; ready: boolean; quitCalls: number };
  protocol: FakeProtocol;
  session: FakeSession;
  ipcMain: FakeIpcMain;
  utilityProcess: FakeUtilityProcess;
  windows: FakeWindow[];
  /** Every web contents created, as Electron's app 'web-contents-created' would announce them. */
  contents: FakeWebContents[];
}

export function createFakeElectron(): FakeElectron {
  const windows: FakeWindow[] = [];
  const contents: FakeWebContents[] = [];
  const created: ((event: unknown, contents: WebContentsLike) => void)[] = [];
  const allClosed: (() => void)[] = [];
  const session = new FakeSession();

  const app: FakeElectron['app'] = {
    switches: [],
    sandboxEnabled: false,
    ready: false,
    quitCalls: 0,
    commandLine: {
      appendSwitch: (name: string, value?: string) => {
        app.switches.push([name, value]);
      },
    },
    enableSandbox() {
      app.sandboxEnabled = true;
    },
    async whenReady() {
      app.ready = true;
    },
    quit() {
      app.quitCalls += 1;
    },
    on(event: 'window-all-closed' | 'web-contents-created', listener: ((event: unknown, contents: WebContentsLike) => void) | (() => void)) {
      if (event === 'web-contents-created') created.push(listener as (event: unknown, contents: WebContentsLike) => void);
      else allClosed.push(listener as () => void);
      return app;
    },
  };

  class FakeBrowserWindow implements FakeWindow {
    readonly webContents = new FakeWebContents();
    readonly loaded: string[] = [];
    shown = false;
    private readyToShow: (() => void)[] = [];

    constructor(readonly options: WindowOptions) {
      if (!app.ready) throw new Error('Cannot create BrowserWindow before app is ready');
      windows.push(this);
      contents.push(this.webContents);
      for (const listener of created) listener({}, this.webContents);
    }
    static getAllWindows(): BrowserWindowLike[] {
      return [...windows];
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      for (const listener of this.readyToShow.splice(0)) listener();
    }
    show(): void {
      this.shown = true;
    }
    once(_event: 'ready-to-show', listener: () => void): this {
      this.readyToShow.push(listener);
      return this;
    }
  }

  const protocol = new FakeProtocol(() => app.ready);
  const ipcMain = new FakeIpcMain();
  const utilityProcess = new FakeUtilityProcess();
  const electron: ElectronApi = {
    app,
    BrowserWindow: FakeBrowserWindow,
    protocol,
    session: {
      get defaultSession(): SessionLike {
        if (!app.ready) throw new Error('session.defaultSession read before the app is ready');
        return session;
      },
    },
    ipcMain,
    utilityProcess,
  };
  return { electron, app, protocol, session, ipcMain, utilityProcess, windows, contents };
}
