// The part of Electron's API that main uses, as plain interfaces. index.ts passes the real
// `electron` module (tsc proves it fits); unit tests pass a recording fake of the same shape.

export interface PreventableEvent {
  preventDefault(): void;
}

export interface WindowOpenDetails {
  url: string;
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
}

export interface WindowWebPreferences {
  preload: string;
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
  nodeIntegrationInWorker: boolean;
  nodeIntegrationInSubFrames: boolean;
  webSecurity: boolean;
  allowRunningInsecureContent: boolean;
  webviewTag: boolean;
  spellcheck: boolean;
  navigateOnDragDrop: boolean;
  safeDialogs: boolean;
  devTools: boolean;
}

export interface WindowOptions {
  title: string;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  backgroundColor: string;
  show: boolean;
  autoHideMenuBar: boolean;
  webPreferences: WindowWebPreferences;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  show(): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
}

export interface BrowserWindowStatic {
  new (options: WindowOptions): BrowserWindowLike;
  getAllWindows(): BrowserWindowLike[];
}

export interface AppLike {
  readonly commandLine: { appendSwitch(name: string, value?: string): void };
  enableSandbox(): void;
  whenReady(): Promise<void>;
  quit(): void;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
}

export interface PrivilegedScheme {
  scheme: string;
  privileges: { standard: boolean; secure: boolean; supportFetchAPI: boolean; corsEnabled: boolean; stream: boolean };
}

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: PrivilegedScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

export interface RequestDetails {
  url: string;
}

export interface SessionLike {
  readonly webRequest: {
    onBeforeRequest(listener: (details: RequestDetails, callback: (response: { cancel: boolean }) => void) => void): void;
  };
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setSpellCheckerEnabled(enable: boolean): void;
}

export interface IpcInvokeEventLike {
  /** The frame that sent the message; null once it has navigated away or been destroyed. */
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
}

export interface UtilityProcessChildLike {
  /** The OS pid once the process runs (the render queue records it for crash recovery). */
  readonly pid?: number | undefined;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

export interface UtilityProcessLike {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'pipe' | 'ignore' | 'inherit' }): UtilityProcessChildLike;
}

export interface OpenDialogOptionsLike {
  title?: string;
  buttonLabel?: string;
  properties: ('openDirectory' | 'createDirectory' | 'dontAddToRecent')[];
}

export interface SaveDialogOptionsLike {
  title?: string;
  defaultPath?: string;
  buttonLabel?: string;
  filters?: { name: string; extensions: string[] }[];
  properties?: ('showOverwriteConfirmation' | 'dontAddToRecent' | 'createDirectory')[];
}

export interface DialogLike {
  showOpenDialog(options: OpenDialogOptionsLike): Promise<{ canceled: boolean; filePaths: string[] }>;
  /** The save dialog (the sovereignty report's export); optional so that tests may leave it out. */
  showSaveDialog?(options: SaveDialogOptionsLike): Promise<{ canceled: boolean; filePath?: string | undefined }>;
}

export interface ElectronApi {
  app: AppLike;
  BrowserWindow: BrowserWindowStatic;
  protocol: ProtocolLike;
  /** The module, not the session: `defaultSession` may only be read once the app is ready. */
  session: { readonly defaultSession: SessionLike };
  ipcMain: IpcMainLike;
  utilityProcess: UtilityProcessLike;
  /** Native dialogs (the project folder picker); optional so that tests may leave them out. */
  dialog?: DialogLike;
}
