import type { BrowserWindowLike, BrowserWindowStatic, WindowOptions } from './electron-api';
import { APP_ENTRY_URL } from './security';

/** The studio window: isolated, sandboxed, no Node in any frame or worker, web security on. */
export function mainWindowOptions(preloadPath: string, options: { devTools: boolean }): WindowOptions {
  return {
    title: 'AIPROD Studio',
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    // The renderer's background, so the window does not flash white before the first paint.
    backgroundColor: '#0e0f12',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
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
      devTools: options.devTools,
    },
  };
}

export async function createMainWindow(BrowserWindow: BrowserWindowStatic, preloadPath: string, options: { devTools: boolean }): Promise<BrowserWindowLike> {
  // Electronegativity cannot follow the options into mainWindowOptions(); the unit tests assert
  // contextIsolation, sandbox and the rest there (tests/unit/electron).
  const window = new BrowserWindow(mainWindowOptions(preloadPath, options)); /* eng-disable CONTEXT_ISOLATION_JS_CHECK */
  window.once('ready-to-show', () => window.show());
  await window.loadURL(APP_ENTRY_URL);
  return window;
}
