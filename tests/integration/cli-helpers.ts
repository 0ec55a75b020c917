// Runs the real `aiprod` command (bin/aiprod.mjs: the bundle, rebuilt when the sources are newer) in
// a child process, with a private AIPROD_HOME and the tiny fixture pack on the pack search list.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const TINY_PACK_DIR = path.join(ROOT, 'tests/fixtures/tiny-pack');
export const TINY_PACK_ID = 'tiny-test';
const BIN = path.join(ROOT, 'bin/aiprod.mjs');

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A fresh temporary folder for one test file. */
export function scratchDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `aiprod-${label}-`));
}

export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AIPROD_HOME: home, AIPROD_PACKS_DIRS: TINY_PACK_DIR, ...extra };
  for (const [key, value] of Object.entries(extra)) if (value === undefined) delete env[key];
  return env;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string = ROOT): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** The non-empty lines of stderr, for "one clear line" checks. */
export function stderrLines(run: CliRun): string[] {
  return run.stderr.split('\n').filter((l) => l.trim() !== '');
}

/** Brings dist/node up to date once (what bin/aiprod.mjs does before every run). */
export function buildBundles(): void {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--node-only', '--quiet'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed: ${result.stderr}`);
}
