import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasValidContentHash } from '../../engine/sovereignty/build-report';
import { SovereigntyReportSchema, type SovereigntyReport } from '../../engine/sovereignty/report-schema';
import { buildBundles, cliEnv, ROOT, runCli, scratchDir, stderrLines, TINY_PACK_DIR } from './cli-helpers';

// `aiprod report` through the real command (bin/aiprod.mjs), with a private AIPROD_HOME, the tiny
// pack and a pack whose name is an HTML injection on the pack search path.

const EVIL_NAME = '<script>alert("report")</script>';
let dir = '';
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  buildBundles();
  dir = scratchDir('report');
  const evil = path.join(dir, 'packs', 'evil');
  cpSync(TINY_PACK_DIR, evil, { recursive: true });
  const manifestFile = path.join(evil, 'aiprod-model.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { id: string; name: string };
  manifest.id = 'evil-pack';
  manifest.name = EVIL_NAME;
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  // The pack's own CHECKSUMS line for the manifest is now stale: the report must say so, not fail.
  env = cliEnv(path.join(dir, 'home'), { AIPROD_PACKS_DIRS: [TINY_PACK_DIR, path.join(dir, 'packs')].join(path.delimiter) });
  mkdirSync(path.join(dir, 'renders', 'shot-1'), { recursive: true });
  writeFileSync(
    path.join(dir, 'renders', 'shot-1', 'job-1.json'),
    JSON.stringify({ format: 'aiprod-render-record/1', createdAt: '2026-11-23T10:00:00.000Z', model: { id: 'tiny-test' }, networkGuard: { installed: true, attempts: 0, blocked: 0 } }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

describe('aiprod report', () => {
  it('--format json --out FILE writes the report with the keys DESIGN.md names, valid and sealed', async () => {
    const out = path.join(dir, 'report.json');
    const run = await runCli(['report', '--format', 'json', '--out', out, '--verify', '--renders', path.join(dir, 'renders')], env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*report\.json \(json, \d+ bytes\): [\d.]+\/10, /);
    const report = SovereigntyReportSchema.parse(JSON.parse(readFileSync(out, 'utf8'))) as SovereigntyReport;
    expect(hasValidContentHash(report)).toBe(true);
    expect(run.stdout).toContain(report.contentHash);

    expect(report.models.map((m) => m.id)).toEqual(expect.arrayContaining(['tiny-test', 'evil-pack']));
    expect(report.models.find((m) => m.id === 'tiny-test')?.checksums.state).toBe('verified');
    expect(report.models.find((m) => m.id === 'evil-pack')?.checksums).toMatchObject({ state: 'modified', problem: expect.stringContaining('aiprod-model.json') });

    expect(report.dependencies.length).toBeGreaterThan(20);
    expect(report.dependencies.every((d) => typeof d.name === 'string' && 'version' in d && 'license' in d)).toBe(true);
    for (const name of ['zod', 'onnxruntime-node', 'better-sqlite3']) {
      expect(report.dependencies.find((d) => d.name === name && d.status === 'installed')?.version).toBe(installedVersion(name));
    }
    expect(report.dependencies.some((d) => d.name === 'typescript' || d.name === 'vitest')).toBe(false);

    // The CLI process installs the guard: nothing in making the report tried the network.
    expect(report.network).toMatchObject({ attempts: 0, blocked: 0, guard: { installed: true, label: 'cli' } });
    expect(report.network.renders).toMatchObject({ records: 1, attempts: 0, withoutGuard: 0 });
    expect(report.reproducibility.versions).toMatchObject({ node: process.versions.node, onnxruntime: installedVersion('onnxruntime-node'), host: 'node' });
    expect(report.reproducibility.gpu.driver).toMatch(/\S/);
    expect(report.score.criteria).toHaveLength(5);
    expect(report.score.criteria.find((c) => c.id === 'models')?.justification).toContain('evil-pack');
  });

  it('writes the HTML page (format from the extension) with the injected pack name escaped and nothing external', async () => {
    const out = path.join(dir, 'report.html');
    const run = await runCli(['report', '--out', out], env);
    expect(run.status, run.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toContain(EVIL_NAME);
    expect(html).toContain('&lt;script&gt;alert(&quot;report&quot;)&lt;/script&gt;');
    const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
    expect(tags.filter((t) => /^<script/i.test(t) || /\ssrc\s*=/i.test(t) || /https?:/i.test(t))).toEqual([]);
  });

  it('replaces an existing report and leaves no temporary file behind', async () => {
    const out = path.join(dir, 'again.json');
    writeFileSync(out, 'old content');
    const run = await runCli(['report', '--out', out], env);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveProperty('contentHash');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('--out - prints the JSON report on stdout and nothing else', async () => {
    const run = await runCli(['report', '--format', 'json', '--out', '-'], env);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('score.overall');
  });

  it('refuses bad usage and bad destinations with one line and exit status 2, writing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['report'], /missing --out/],
      [['report', '--out', path.join(dir, 'x.json'), '--format', 'pdf'], /--format expects one of html\|json/],
      [['report', '--out', path.join(dir, 'no-such-folder', 'x.json')], /no-such-folder does not exist \[REPORT_OUT_DIR_MISSING\]/],
      [['report', '--out', path.join(dir, 'y.json'), '--renders', path.join(dir, 'no-renders')], /no-renders does not exist \[REPORT_RENDERS_NOT_FOUND\]/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, env);
      expect(run.status, args.join(' ')).toBe(2);
      expect(stderrLines(run)).toHaveLength(1);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    }
    expect(existsSync(path.join(dir, 'x.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'y.json'))).toBe(false);
  });
});
