import type { EventChannel } from '../common/channel-names';
import type { EventOf } from '../common/contract';
import type { EngineServices, HandlerContext } from '../handlers/context';
import { checkedEvent } from '../handlers/events';
import type { BrowserWindowLike, ElectronApi, UtilityProcessChildLike } from './electron-api';
import { folderDialogs } from './dialogs';
import { createJobsService, setJobsService } from '../handlers/jobs';
import { createEstimateService, setEstimateService } from '../handlers/estimate';
import { projectSessionFor } from '../handlers/projects';
import { bindIpc } from './ipc';
import { utilityProcessLauncher } from './jobs-launcher';
import { createAppProtocolHandler, registerAppScheme } from './protocol';
import { APP_SCHEME, applyCommandLineSwitches, hardenSession, hardenWebContents } from './security';
import { createMainWindow } from './window';
import { forkEngineWorker } from './worker';

export interface MainOptions {
  /** dist/renderer: the only folder app:// serves. */
  rendererDir: string;
  /** dist/node/preload.cjs. */
  preloadPath: string;
  /** dist/node/worker.js, for forkEngineWorker. */
  workerPath: string;
  services: EngineServices;
  /** process.versions.electron. */
  electronVersion: string;
  devTools: boolean;
}

export interface MainHandle {
  window: BrowserWindowLike;
  context: HandlerContext;
  /** Starts the engine worker in a utilityProcess (for the jobs queue). */
  forkEngineWorker(args?: string[]): UtilityProcessChildLike;
}

/**
 * Electron's main process, in order: what must happen before `ready` (switches, sandbox for every
 * renderer, the privileged app:// scheme, hardening of every future web contents), then the
 * session rules, the protocol, the IPC handlers and the window.
 */
export async function startMain(electron: ElectronApi, options: MainOptions): Promise<MainHandle> {
  const { app, BrowserWindow, ipcMain, protocol } = electron;
  applyCommandLineSwitches(app);
  app.enableSandbox();
  registerAppScheme(protocol);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();
  hardenSession(electron.session.defaultSession);
  // The media route reads the open projects of `context` (made below), only once pages request media.
  protocol.handle(APP_SCHEME, createAppProtocolHandler(options.rendererDir, () => projectSessionFor(context).openFolders()));

  const emit = <C extends EventChannel>(channel: C, data: EventOf<C>): void => {
    const checked = checkedEvent(channel, data);
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(channel, checked);
  };
  const context: HandlerContext = {
    services: options.services,
    shell: { shell: 'electron', shellVersion: options.electronVersion },
    emit,
    ...(electron.dialog !== undefined ? { dialogs: folderDialogs(electron.dialog) } : {}),
  };
  // The render queue's workers run in utilityProcesses; the queue opens on the first jobs call.
  setJobsService(context, createJobsService({ emit, launcher: utilityProcessLauncher(electron.utilityProcess, options.workerPath) }));
  // A pack's first-use calibration runs in a utilityProcess of its own, like a render.
  setEstimateService(context, createEstimateService({ emit, launcher: utilityProcessLauncher(electron.utilityProcess, options.workerPath) }));
  bindIpc(ipcMain, context);

  const window = await createMainWindow(BrowserWindow, options.preloadPath, { devTools: options.devTools });
  return {
    window,
    context,
    forkEngineWorker: (args = []) => forkEngineWorker(electron.utilityProcess, options.workerPath, args),
  };
}
