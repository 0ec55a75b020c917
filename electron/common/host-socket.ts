/** Path of the WebSocket endpoint on the headless host (zod-free: the renderer imports it). */
export const HOST_SOCKET_PATH = '/ws';
