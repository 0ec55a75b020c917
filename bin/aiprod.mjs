#!/usr/bin/env node
// The `aiprod` command: runs the bundled CLI, building it first when the sources are newer.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist/node/aiprod.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const sourcesDirs = ['cli', 'engine', 'electron/host', 'electron/handlers', 'electron/common'].map((d) => path.join(root, d)).filter(existsSync);
const stale = !existsSync(bundle) || sourcesDirs.some((d) => newestSource(d) > statSync(bundle).mtimeMs);
if (stale && existsSync(path.join(root, 'node_modules/esbuild'))) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--node-only', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(1);
}
await import(pathToFileURL(bundle).href);
