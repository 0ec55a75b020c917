#!/usr/bin/env node
// The Electron security check (`npm run lint:electron`): Doyensec's Electronegativity over the
// Electron sources (electron/ by default, or the folders given), failing on any HIGH-severity finding.
//
//   node scripts/electronegativity.mjs [DIR ...] [--json]
//
// Why a wrapper: the tool exits 0 whatever it finds, so its CSV output is read here and HIGH findings
// turn into exit status 1. Two of its parts reach for the internet, and this machine is offline:
//   - the AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK (class AvailableSecurityFixesGlobalCheck) downloads
//     Electron's release list from raw.githubusercontent.com to compare versions. It is the only check
//     left out (-x); keeping Electron up to date is a dependency decision, not a source finding.
//   - on start it asks an S3 bucket for fresh translations of its messages (no option turns that off).
// So the tool runs in a child process with the engine's network guard installed first (engine/net,
// bundled to a temp file with esbuild): both attempts are refused before any socket or DNS query,
// and the count of refusals is printed, so "nothing connected" is shown, not assumed.
//
// Exit status: 0 no HIGH finding, 1 HIGH findings (listed) or the tool failed, 2 bad usage.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The one check that needs the network, by the class name the tool's -x option takes. */
export const NETWORK_CHECK = 'AvailableSecurityFixesGlobalCheck';
const TOOL_TIMEOUT_MS = 300_000;

/** Splits CSV text into rows of fields: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** Findings from the tool's CSV: issue, severity, confidence, filename, location, sample, description, url. */
export function findingsFromCsv(text) {
  const [header, ...rows] = parseCsv(text);
  const names = (header ?? []).map((h) => h.trim());
  if (names[0] !== 'issue' || !names.includes('severity')) throw new Error(`unexpected Electronegativity CSV header: ${JSON.stringify(names)}`);
  return rows.map((cells) => Object.fromEntries(names.map((name, i) => [name, (cells[i] ?? '').trim()])));
}

/** A path as the user reads it: relative inside the repository, absolute outside. */
function display(file) {
  const relative = path.relative(root, file);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function usage(problem) {
  process.stderr.write(`electronegativity: ${problem} (usage: node scripts/electronegativity.mjs [DIR ...] [--json])\n`);
  process.exit(2);
}

function parseArgv(argv) {
  const dirs = [];
  let json = false;
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else dirs.push(arg);
  }
  if (dirs.length === 0) dirs.push(path.join(root, 'electron'));
  return { dirs: dirs.map((d) => path.resolve(d)), json };
}

/** The guard bundle and the two small programs the child runs, in a private temp folder. */
async function prepare(tmp) {
  await build({
    entryPoints: [path.join(root, 'engine/net/index.ts')],
    outfile: path.join(tmp, 'guard.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  writeFileSync(
    path.join(tmp, 'preload.mjs'),
    `import { writeFileSync } from 'node:fs';
import { installNetworkGuard, networkGuardStats } from './guard.mjs';
installNetworkGuard({ label: 'electronegativity' });
process.on('exit', () => writeFileSync(process.env.AIPROD_GUARD_STATS_FILE, JSON.stringify(networkGuardStats())));
`,
  );
  // The tool's own API (package "main": dist/runner.js) runs the scan and writes the CSV; its own
  // directory loader counts the files it reads. The CLI entry prints neither count.
  const toolDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  writeFileSync(
    path.join(tmp, 'scan.cjs'),
    `const fs = require('node:fs');
// The tool writes the CSV header ('w') and then the rows ('a') with two fs.writeFile calls it does not
// wait for; on two threadpool threads the header can land after the rows and overwrite them. Run
// writeFile calls one after the other, and wait for the last before reading the counts.
const writeFile = fs.writeFile;
let writes = Promise.resolve();
fs.writeFile = function serialWriteFile(file, data, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' ? {} : options;
  writes = writes.then(() => new Promise((resolve) => writeFile.call(fs, file, data, opts, (error) => { resolve(); if (done) done(error); })));
};
const run = require(${JSON.stringify(path.join(toolDir, 'dist/runner.js'))});
const { LoaderDirectory } = require(${JSON.stringify(path.join(toolDir, 'dist/loader'))});
const [input, output, electronVersion, summaryFile] = process.argv.slice(2);
(async () => {
  const loader = new LoaderDirectory();
  await loader.load(input);
  const result = await run({
    input, output, isSarif: false, customScan: [], excludeFromScan: [${JSON.stringify(NETWORK_CHECK.toLowerCase())}],
    isRelative: true, isVerbose: true, electronVersionOverride: electronVersion, parserPlugins: [],
  }, false);
  await writes;
  fs.writeFileSync(summaryFile, JSON.stringify({
    files: loader.list_files.size, globalChecks: result.globalChecks, atomicChecks: result.atomicChecks,
    issues: result.issues.length, errors: result.errors,
  }));
})().catch((error) => { console.error(error && error.stack || String(error)); process.exit(1); });
`,
  );
}

function electronVersion() {
  try {
    return JSON.parse(readFileSync(path.join(path.dirname(require.resolve('electron/package.json')), 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Runs the scan of one folder in a guarded child; returns findings, counts and the guard's counts. */
function scan(tmp, dir, index, version) {
  const csv = path.join(tmp, `findings-${index}.csv`);
  const summaryFile = path.join(tmp, `summary-${index}.json`);
  const statsFile = path.join(tmp, `guard-${index}.json`);
  const child = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(tmp, 'preload.mjs')).href, path.join(tmp, 'scan.cjs'), dir, csv, version ?? '', summaryFile], {
    cwd: root,
    env: { ...process.env, AIPROD_GUARD_STATS_FILE: statsFile, FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: TOOL_TIMEOUT_MS,
  });
  const output = `${child.stdout ?? ''}${child.stderr ?? ''}`.trim();
  if (child.status !== 0 || !existsSync(summaryFile) || !existsSync(csv)) {
    throw new Error(`Electronegativity failed on ${dir} (status ${child.status ?? child.signal}): ${output.split('\n').slice(-5).join(' | ')}`);
  }
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  const findings = findingsFromCsv(readFileSync(csv, 'utf8'));
  if (findings.length !== summary.issues) throw new Error(`Electronegativity reported ${summary.issues} issues but its CSV holds ${findings.length}`);
  const guard = existsSync(statsFile) ? JSON.parse(readFileSync(statsFile, 'utf8')) : null;
  return { dir, ...summary, findings, guard };
}

async function main() {
  const { dirs, json } = parseArgv(process.argv.slice(2));
  for (const dir of dirs) if (!existsSync(dir) || !statSync(dir).isDirectory()) usage(`${dir} is not a folder`);
  const version = electronVersion();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'aiprod-electronegativity-'));
  try {
    await prepare(tmp);
    const results = dirs.map((dir, i) => scan(tmp, dir, i, version));
    const high = results.flatMap((r) => r.findings.filter((f) => f.severity.toUpperCase() === 'HIGH').map((f) => ({ ...f, dir: r.dir })));
    const parseErrors = results.flatMap((r) => r.errors.filter((e) => !e.tolerable).map((e) => ({ ...e, dir: r.dir })));
    const summary = {
      ok: high.length === 0 && parseErrors.length === 0,
      excludedCheck: NETWORK_CHECK,
      electronVersion: version ?? null,
      scans: results.map((r) => ({
        dir: display(r.dir),
        files: r.files,
        checks: r.globalChecks + r.atomicChecks,
        globalChecks: r.globalChecks,
        atomicChecks: r.atomicChecks,
        findings: r.findings.length,
        high: r.findings.filter((f) => f.severity.toUpperCase() === 'HIGH').length,
        network: r.guard === null ? null : { attempts: r.guard.attempts, blocked: r.guard.blocked, targets: r.guard.byOrigin.map((o) => `${o.api} ${o.target}`) },
      })),
      high,
      parseErrors,
    };
    if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      for (const s of summary.scans) {
        const net = s.network === null ? 'guard counts unavailable' : `${s.network.attempts} network attempts, ${s.network.blocked} blocked${s.network.targets.length > 0 ? ` (${s.network.targets.join(', ')})` : ''}`;
        process.stdout.write(`electronegativity ${s.dir}: ${s.files} files, ${s.checks} checks (${NETWORK_CHECK} left out), ${s.findings} findings, ${s.high} HIGH; ${net}\n`);
      }
      for (const f of high) {
        // Global checks judge the whole folder: their file is "N/A".
        const where = f.filename === 'N/A' ? `${display(f.dir)} (whole folder)` : `${display(path.join(f.dir, f.filename))}:${f.location}`;
        process.stdout.write(`  HIGH ${f.issue} ${where} ${f.description}${f.sample === 'N/A' ? '' : `: ${f.sample}`}\n`);
      }
      for (const e of parseErrors) process.stdout.write(`  could not parse ${e.file}: ${e.message}\n`);
    }
    if (!summary.ok) {
      process.stderr.write(`electronegativity: ${high.length} HIGH-severity finding${high.length === 1 ? '' : 's'}${parseErrors.length > 0 ? `, ${parseErrors.length} unparsable file(s)` : ''}\n`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Run only as the program, so a test may import parseCsv / findingsFromCsv.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`electronegativity: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
