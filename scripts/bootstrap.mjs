#!/usr/bin/env node
// The one idempotent bootstrap that `npm start` and `npm test` run first. Each step checks before it
// acts, so a second run on a ready machine takes well under a second (then only the build runs).
//   1. npm dependencies installed and matching package.json / package-lock.json
//   2. onnxruntime-node's CUDA provider libraries copied in from the optional package, when present
//   3. ffmpeg found (ffmpeg-static, else FFMPEG_BIN, else PATH); Chromium too with --for-tests
//   4. the node bundles and the renderer built (scripts/build.mjs)
// On Debian/Ubuntu as root a missing system package is installed with apt-get; elsewhere the
// bootstrap prints exactly what to install and stops.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const forTests = args.has('--for-tests');
const log = (msg) => console.error(`bootstrap: ${msg}`);

function fail(msg) {
  console.error(`bootstrap: ${msg}`);
  process.exit(1);
}

function run(cmd, cmdArgs, env = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = process.platform === 'linux' && onPath('apt-get') !== null;
let aptUpdated = false;

/** Installs a Debian package when we may; otherwise says what to install and stops. */
function ensureSystemPackage(what, debPackage, elsewhere) {
  if (isRoot && hasApt) {
    log(`${what} not found: installing Debian package '${debPackage}' with apt-get`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['install', '-y', '--no-install-recommends', debPackage], env)) return;
    if (!aptUpdated && run('apt-get', ['update'], env)) {
      aptUpdated = true;
      if (run('apt-get', ['install', '-y', '--no-install-recommends', debPackage], env)) return;
    }
    fail(`apt-get could not install '${debPackage}'; install it by hand and run again`);
  }
  fail(`${what} not found. Install it: ${hasApt ? `sudo apt-get install ${debPackage}` : elsewhere}`);
}

// 1. npm dependencies ---------------------------------------------------------------------------
function dependencyStamp() {
  // Only what decides the installed tree: editing scripts must not trigger a reinstall.
  const h = createHash('sha256');
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  h.update(JSON.stringify([pkg.dependencies, pkg.optionalDependencies, pkg.devDependencies, pkg.allowScripts]));
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  h.update(process.version);
  return h.digest('hex');
}

const stampFile = path.join(root, 'node_modules', '.aiprod-bootstrap');
const stamp = dependencyStamp();
const installed = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
if (!installed) {
  const useCi = existsSync(path.join(root, 'package-lock.json'));
  log(`installing npm dependencies (npm ${useCi ? 'ci' : 'install'}; better-sqlite3 builds from source, a few minutes)`);
  // onnxruntime-node's own installer downloads the CUDA provider from a feed an offline machine
  // cannot reach; the provider comes from the optional npm package instead (step 2).
  const ok = run('npm', [useCi ? 'ci' : 'install', '--no-audit', '--no-fund'], { ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_onnxruntime_node_install: 'skip' });
  if (!ok) fail('npm could not install the dependencies (see above)');
  writeFileSync(stampFile, stamp);
}

// 2. CUDA provider for onnxruntime-node ----------------------------------------------------------
if (process.platform === 'linux' && process.arch === 'x64') {
  const from = path.join(root, 'node_modules/com.github.asus4.onnxruntime.linux-x64-gpu/Plugins/Linux/x64');
  const to = path.join(root, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64');
  if (existsSync(from) && existsSync(to)) {
    for (const lib of ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so']) {
      const src = path.join(from, lib);
      const dst = path.join(to, lib);
      if (existsSync(src) && (!existsSync(dst) || statSync(dst).size !== statSync(src).size)) {
        copyFileSync(src, dst);
        log(`copied ${lib} into onnxruntime-node (CUDA execution provider)`);
      }
    }
  }
}

// 3. ffmpeg, and Chromium for the tests ------------------------------------------------------------
function findFfmpeg() {
  const staticBin = path.join(root, 'node_modules/ffmpeg-static', process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
  if (existsSync(staticBin)) return staticBin;
  if (process.env.FFMPEG_BIN) {
    if (existsSync(process.env.FFMPEG_BIN)) return process.env.FFMPEG_BIN;
    fail(`FFMPEG_BIN is set to ${process.env.FFMPEG_BIN}, which does not exist`);
  }
  return onPath(process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
}
if (!findFfmpeg()) {
  ensureSystemPackage('ffmpeg', 'ffmpeg', 'ffmpeg from https://ffmpeg.org/download.html, then put it on PATH or set FFMPEG_BIN');
}
if (forTests && !existsSync('/usr/bin/chromium')) {
  ensureSystemPackage('Chromium (/usr/bin/chromium, for the end-to-end tests)', 'chromium', 'Debian/Ubuntu chromium so that /usr/bin/chromium exists');
}

// 4. build -----------------------------------------------------------------------------------------
if (!run(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'])) fail('the build failed (see above)');
