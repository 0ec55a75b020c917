import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// scripts/electronegativity.mjs (`npm run lint:electron`) runs the real Electronegativity under the
// network guard: over the studio's electron/ sources it must find no HIGH finding, and over a
// deliberately insecure window it must fail, so the check can fail.

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/electronegativity.mjs');

interface Summary {
  ok: boolean;
  excludedCheck: string;
  scans: { dir: string; files: number; checks: number; findings: number; high: number; network: { attempts: number; blocked: number; targets: string[] } | null }[];
  high: { issue: string; severity: string; filename: string; sample: string }[];
}

function runScript(args: readonly string[]): { status: number | null; summary: Summary; stderr: string } {
  const result = spawnSync(process.execPath, [SCRIPT, '--json', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
  return { status: result.status, summary: JSON.parse(result.stdout) as Summary, stderr: result.stderr };
}

let fixtures = '';

beforeAll(() => {
  fixtures = mkdtempSync(path.join(os.tmpdir(), 'aiprod-electronegativity-test-'));
  mkdirSync(path.join(fixtures, 'insecure'));
  writeFileSync(
    path.join(fixtures, 'insecure', 'main.js'),
    `const { app, BrowserWindow } = require('electron');
app.whenReady().then(() => {
  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });
  win.loadFile('index.html');
});
`,
  );
});

afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

describe('Electronegativity over the Electron sources', () => {
  it('analyses electron/ with every check but the network one, finds no HIGH finding, and connects nowhere', () => {
    const { status, summary, stderr } = runScript([]);
    expect(summary.excludedCheck).toBe('AvailableSecurityFixesGlobalCheck');
    const scan = summary.scans[0];
    expect(scan?.dir).toBe('electron');
    expect(scan?.files).toBeGreaterThan(0);
    expect(scan?.checks).toBeGreaterThan(30);
    // The tool always tries to fetch translations: the guard must have seen it and refused it.
    expect(scan?.network?.attempts).toBeGreaterThanOrEqual(1);
    expect(scan?.network?.blocked).toBe(scan?.network?.attempts);
    expect(summary.high, stderr).toEqual([]);
    expect(status).toBe(0);
  });

  it('fails on a window with nodeIntegration and without contextIsolation, naming the HIGH finding', () => {
    const { status, summary, stderr } = runScript([path.join(fixtures, 'insecure')]);
    expect(status).toBe(1);
    expect(summary.ok).toBe(false);
    expect(summary.scans[0]?.files).toBe(1);
    const finding = summary.high.find((f) => f.issue === 'CONTEXT_ISOLATION_JS_CHECK');
    expect(finding).toMatchObject({ severity: 'HIGH', filename: 'main.js' });
    expect(finding?.sample).toContain('contextIsolation: false');
    expect(stderr).toMatch(/\d+ HIGH-severity finding/);
  });

  it('refuses a folder that does not exist with exit status 2', () => {
    const result = spawnSync(process.execPath, [SCRIPT, path.join(fixtures, 'nope')], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is not a folder');
  });
});
