import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configuredFuses, EXPECTED_FUSES, packagingFacts, topLevelYamlScalars } from '../../../../engine/sovereignty/packaging';
import { scorePackaging } from '../../../../engine/sovereignty/scoring';
import { ROOT } from './fixtures';

let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function hook(fuses: Record<string, boolean>): string {
  return `import { FuseV1Options, FuseVersion } from '@electron/fuses';\nexport const FUSES = {\n  version: FuseVersion.V1,\n${Object.entries(fuses)
    .map(([k, v]) => `  [FuseV1Options.${k}]: ${String(v)},`)
    .join('\n')}\n};\n`;
}

function tree(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-packaging-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const ALL_GOOD = Object.fromEntries(EXPECTED_FUSES.map(([fuse, expected]) => [fuse, expected]));
const SECURITY = "session.webRequest.onBeforeRequest((d, cb) => cb({ cancel: true }));\nconst rules = ['host-resolver-rules', 'MAP * ~NOTFOUND'];\n";

describe('packaging facts', () => {
  it('reads top-level YAML scalars, quoted or not, with comments', () => {
    const values = topLevelYamlScalars('# c\nappId: a.b\nasar: false # packed?\npublish: null\nname: "x y"\nlinux:\n  target: deb\n');
    expect([...values]).toEqual([
      ['appId', 'a.b'],
      ['asar', 'false'],
      ['publish', null],
      ['name', 'x y'],
    ]);
  });

  it('reads the fuses the afterPack hook sets', () => {
    expect([...configuredFuses(hook({ RunAsNode: false, OnlyLoadAppFromAsar: true }))]).toEqual([
      ['RunAsNode', false],
      ['OnlyLoadAppFromAsar', true],
    ]);
  });

  it('scores a hardened configuration 10 and each fuse left at its default one point lower', async () => {
    const files = { 'electron-builder.yml': 'asar: true\npublish: null\nafterPack: ./build/afterPack.mjs\n', '.npmrc': 'onnxruntime-node-install=skip\n', 'electron/main/security.ts': SECURITY };
    const good = await packagingFacts(tree({ ...files, 'build/afterPack.mjs': hook(ALL_GOOD) }), new Set());
    expect(good.fuses.entries.every((f) => f.ok)).toBe(true);
    expect(good.offline.every((f) => f.ok === true)).toBe(true);
    expect(scorePackaging(good).score).toBe(10);
    rmSync(dir, { recursive: true, force: true });

    const { RunAsNode: _dropped, ...rest } = ALL_GOOD;
    const weaker = await packagingFacts(tree({ ...files, 'build/afterPack.mjs': hook({ ...rest, EnableNodeCliInspectArguments: true }) }), new Set());
    expect(weaker.fuses.entries.filter((f) => !f.ok).map((f) => [f.fuse, f.configured])).toEqual([
      ['RunAsNode', null],
      ['EnableNodeCliInspectArguments', true],
    ]);
    expect(scorePackaging(weaker).score).toBe(8);
  });

  it('sees an update channel in the config or in the installed packages', async () => {
    const root = tree({ 'electron-builder.yml': 'publish: github\nafterPack: ./hook.mjs\n', 'hook.mjs': hook(ALL_GOOD), '.npmrc': 'onnxruntime-node-install=skip\n', 'electron/main/security.ts': SECURITY });
    const facts = await packagingFacts(root, new Set(['electron-updater']));
    const flag = facts.offline.find((f) => f.id === 'no-auto-update');
    expect(flag).toMatchObject({ ok: false, detail: 'updater package installed: electron-updater' });
    expect(scorePackaging(facts).score).toBe(8);
  });

  it('does not follow an afterPack path outside the app root', async () => {
    const root = tree({ 'electron-builder.yml': 'afterPack: ../../etc/hook.mjs\n' });
    const facts = await packagingFacts(root, new Set());
    expect(facts.fuses).toMatchObject({ present: false, file: null });
  });

  it('reads this repository\'s real configuration', async () => {
    const facts = await packagingFacts(ROOT, new Set());
    expect(facts.electronBuilder).toMatchObject({ present: true, publish: null, afterPack: './build/afterPack.mjs' });
    expect(facts.fuses.present).toBe(true);
    expect(facts.fuses.entries.length).toBe(EXPECTED_FUSES.length);
  });
});
