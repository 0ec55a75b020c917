import type { AiprodBridge } from '../../../electron/common/contract';
import { HOST_SOCKET_PATH } from '../../../electron/common/host-socket';
import { createApi, type Api } from './api';
import { createSocketBridge } from './socket-bridge';

declare global {
  interface Window {
    /** Set by Electron's preload; absent when the studio is served by the headless host. */
    aiprod?: AiprodBridge;
  }
}

/** Electron's preload bridge when present, else a WebSocket to the host that served this page
 * (the browser sends the host's HttpOnly token cookie with the upgrade). */
export function connectApi(): Api {
  if (window.aiprod !== undefined) return createApi(window.aiprod);
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createApi(createSocketBridge(`${scheme}//${window.location.host}${HOST_SOCKET_PATH}`, (url) => new WebSocket(url)));
}
