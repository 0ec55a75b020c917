import type { ImportTransport } from './import-dropped';

/** How this page reaches the files: Electron's preload gives paths; a browser uploads the bytes. */
export function browserTransport(): ImportTransport {
  const bridge = typeof window === 'undefined' ? undefined : window.aiprod;
  const pathForFile = bridge?.pathForFile?.bind(bridge);
  return {
    ...(pathForFile === undefined ? {} : { pathForFile }),
    put: async (url, body) => {
      const response = await fetch(url, { method: 'PUT', body, headers: { 'Content-Type': 'application/octet-stream' }, credentials: 'same-origin' });
      const text = await response.text();
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return { ok: false, error: { code: 'UPLOAD_FAILED', message: `the host answered the upload with HTTP ${response.status}: ${text.trim().slice(0, 200)}` } };
      }
    },
  };
}
