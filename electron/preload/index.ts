// The sandboxed preload (built to dist/node/preload.cjs). It may only require 'electron'; everything
// else it uses is bundled, which is why it imports the zod-free parts of electron/common only.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld('aiprod', createBridge(ipcRenderer, webUtils));
