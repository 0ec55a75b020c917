// Electron's main process entry (built to dist/node/electron-main.js).
import { app, BrowserWindow, dialog, ipcMain, protocol, session, utilityProcess } from 'electron';
import path from 'node:path';
import { installNetworkGuard } from '../../engine/net';
import { projectRoot } from '../../engine/system/paths';
import { createEngineServices } from '../handlers/services';
import type { ElectronApi } from './electron-api';
import { startMain } from './start';

// First: main's own Node side may reach nothing but loopback (the window is boxed in by startMain).
installNetworkGuard({ label: 'main' });

const electron: ElectronApi = { app, BrowserWindow, ipcMain, protocol, session, utilityProcess, dialog };
const root = projectRoot();

startMain(electron, {
  rendererDir: path.join(root, 'dist/renderer'),
  preloadPath: path.join(root, 'dist/node/preload.cjs'),
  workerPath: path.join(root, 'dist/node/worker.js'),
  services: createEngineServices(),
  electronVersion: process.versions.electron ?? 'unknown',
  // DevTools only in development, or when asked for explicitly.
  devTools: !app.isPackaged || process.env.AIPROD_DEVTOOLS === '1',
}).catch((error: unknown) => {
  console.error(`AIPROD Studio could not start: ${error instanceof Error ? error.message : String(error)}`);
  app.quit();
});
