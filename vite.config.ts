import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

// The renderer: built into dist/renderer, which Electron serves over app:// and the headless host
// over HTTP. Relative asset URLs (base './') work under both.
export default defineConfig({
  root: path.join(root, 'renderer'),
  base: './',
  publicDir: path.join(root, 'renderer/public'),
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    // Chromium has modulepreload natively; the polyfill would only add code.
    modulePreload: { polyfill: false },
    // No inline assets: the CSP allows scripts and styles from 'self' only.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  // Offline: nothing to pre-bundle from a CDN, no dev-server network exposure.
  server: { host: '127.0.0.1', strictPort: true },
});
