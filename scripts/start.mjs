#!/usr/bin/env node
// `npm start`: the studio in Electron when its binary is present; otherwise the headless host on
// 127.0.0.1, whose URL (with the per-run token) opens the same studio in any local browser.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary, read without `require('electron')`, which would try to download it. */
function electronBinary() {
  const dir = path.join(root, 'node_modules/electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const electron = electronBinary();
const child = electron
  ? spawn(electron, [path.join(root, 'dist/node/electron-main.js')], { stdio: 'inherit' })
  : spawn(process.execPath, [path.join(root, 'bin/aiprod.mjs'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
if (!electron) console.error('start: no Electron binary here; starting the headless studio host instead');
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
