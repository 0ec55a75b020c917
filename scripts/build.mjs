#!/usr/bin/env node
// Builds the node-side entry points into dist/node with esbuild (one bundle each, packages external)
// and the renderer into dist/renderer with vite. Entries that do not exist yet are skipped, so the
// build works at every stage of the tree. Usage: node scripts/build.mjs [--node-only] [--quiet]
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');

/** [source, output name, format]: the processes the product starts. */
const ENTRIES = [
  ['cli/aiprod.ts', 'aiprod.js', 'esm'],
  ['engine/jobs/worker-main.ts', 'worker.js', 'esm'],
  ['engine/qa/qa-process-main.ts', 'qa-worker.js', 'esm'],
  ['electron/main/index.ts', 'electron-main.js', 'esm'],
  ['electron/preload/index.ts', 'preload.cjs', 'cjs'],
];

const started = Date.now();
const present = ENTRIES.filter(([src]) => existsSync(path.join(root, src)));
await Promise.all(
  present.map(([src, out, format]) =>
    build({
      entryPoints: [path.join(root, src)],
      outfile: path.join(root, 'dist/node', out),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format,
      packages: 'external',
      sourcemap: true,
      logLevel: 'warning',
      // Bundled ESM has no __dirname; engine code uses import.meta.url, which esbuild keeps.
    }),
  ),
);

if (!args.has('--node-only') && existsSync(path.join(root, 'renderer/index.html'))) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
}
if (!quiet) console.error(`build: ${present.length} node entries${args.has('--node-only') ? '' : ' + renderer'} in ${Date.now() - started} ms`);
