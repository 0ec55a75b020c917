import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryDependencies, type DependencyEntry } from '../../../../engine/sovereignty/dependency-tree';
import { scoreLicences } from '../../../../engine/sovereignty/scoring';

// A small node_modules built on disk: a nested version conflict, a package without a licence field
// (but a LICENSE file), one with no licence at all, the legacy `licenses` array, a GPL package with
// peers, an absent optional package, a missing required one, a dependency cycle, a symlinked scoped
// package and a dev-only package.

let root = '';

function pkg(dir: string, json: Record<string, unknown>, files: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(json));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
}

const MIT_TEXT = 'Permission is hereby granted, free of charge, to any person\nobtaining a copy ... WITHOUT WARRANTY OF ANY KIND.';

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'aiprod-deps-'));
  const nm = path.join(root, 'node_modules');
  pkg(root, {
    name: 'app',
    version: '1.0.0',
    dependencies: { alpha: '1.0.0', beta: '^1.0.0', 'gpl-lib': '1.0.0', 'file-licensed': '1.0.0', mystery: '1.0.0', legacy: '1.0.0', '@scope/tool': '1.0.0', gone: '1.0.0' },
    optionalDependencies: { 'not-for-this-platform': '1.0.0' },
    devDependencies: { 'dev-only': '1.0.0' },
  });
  // alpha needs beta 2, installed nested; the root's beta is 1.
  pkg(path.join(nm, 'alpha'), { name: 'alpha', version: '1.0.0', license: 'MIT', dependencies: { beta: '2.0.0' } });
  pkg(path.join(nm, 'alpha/node_modules/beta'), { name: 'beta', version: '2.0.0', license: 'ISC', dependencies: { alpha: '1.0.0' } });
  pkg(path.join(nm, 'beta'), { name: 'beta', version: '1.0.0', license: 'Apache-2.0' });
  pkg(path.join(nm, 'gpl-lib'), {
    name: 'gpl-lib',
    version: '1.0.0',
    license: 'GPL-3.0-only',
    // An installed peer is part of the tree; an optional peer nobody installed is absent, not an error.
    peerDependencies: { 'peer-lib': '1.0.0', 'optional-peer': '1.0.0' },
    peerDependenciesMeta: { 'optional-peer': { optional: true } },
  });
  pkg(path.join(nm, 'peer-lib'), { name: 'peer-lib', version: '1.0.0', license: 'MIT' });
  pkg(path.join(nm, 'file-licensed'), { name: 'file-licensed', version: '1.0.0' }, { LICENSE: MIT_TEXT });
  pkg(path.join(nm, 'mystery'), { name: 'mystery', version: '1.0.0' });
  pkg(path.join(nm, 'legacy'), { name: 'legacy', version: '1.0.0', licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] });
  // A scoped package reached through a symlink, as workspaces and `npm link` install them.
  pkg(path.join(root, 'packages/tool'), { name: '@scope/tool', version: '1.0.0', license: { type: 'BSD-3-Clause' } });
  mkdirSync(path.join(nm, '@scope'), { recursive: true });
  symlinkSync(path.join(root, 'packages/tool'), path.join(nm, '@scope/tool'), 'dir');
  pkg(path.join(nm, 'dev-only'), { name: 'dev-only', version: '1.0.0', license: 'AGPL-3.0-only' });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function find(entries: readonly DependencyEntry[], name: string, version?: string | null): DependencyEntry {
  const entry = entries.find((e) => e.name === name && (version === undefined || e.version === version));
  if (entry === undefined) throw new Error(`${name}@${String(version)} not listed`);
  return entry;
}

describe('dependency inventory of a synthetic tree', () => {
  it('resolves like Node: the nested copy for its requirer, the hoisted one for the root', async () => {
    const { entries, rootPackage } = await inventoryDependencies(root);
    expect(rootPackage).toBe('app@1.0.0');
    expect(find(entries, 'beta', '1.0.0')).toMatchObject({ path: 'node_modules/beta', requiredBy: 'app@1.0.0', direct: true, license: 'Apache-2.0' });
    expect(find(entries, 'beta', '2.0.0')).toMatchObject({ path: 'node_modules/alpha/node_modules/beta', requiredBy: 'alpha@1.0.0', direct: false, license: 'ISC' });
    // The cycle beta@2 -> alpha ends at the alpha already listed.
    expect(entries.filter((e) => e.name === 'alpha')).toHaveLength(1);
  });

  it('lists the production tree only: no dev dependencies', async () => {
    const { entries } = await inventoryDependencies(root);
    expect(entries.map((e) => e.name)).not.toContain('dev-only');
    expect(entries.filter((e) => e.status === 'installed').map((e) => `${e.name}@${e.version}`).sort()).toEqual(
      ['@scope/tool@1.0.0', 'alpha@1.0.0', 'beta@1.0.0', 'beta@2.0.0', 'file-licensed@1.0.0', 'gpl-lib@1.0.0', 'legacy@1.0.0', 'mystery@1.0.0', 'peer-lib@1.0.0'].sort(),
    );
  });

  it('reads the licence from the field, the legacy forms, or the LICENSE file, and flags what is not permissive', async () => {
    const { entries } = await inventoryDependencies(root);
    expect(find(entries, 'gpl-lib')).toMatchObject({ license: 'GPL-3.0-only', category: 'strong-copyleft', copyleft: true, flagged: true });
    expect(find(entries, 'file-licensed')).toMatchObject({ license: 'MIT', licenseSource: 'license-file', flagged: false });
    expect(find(entries, 'mystery')).toMatchObject({ license: null, licenseSource: 'none', category: 'unknown', flagged: true });
    expect(find(entries, 'legacy')).toMatchObject({ license: '(MIT OR Apache-2.0)', licenseSource: 'licenses', category: 'permissive' });
    expect(find(entries, '@scope/tool')).toMatchObject({ license: 'BSD-3-Clause', path: 'packages/tool', flagged: false });
  });

  it('reports an absent optional package as absent and a missing required one as missing', async () => {
    const { entries } = await inventoryDependencies(root);
    expect(find(entries, 'not-for-this-platform')).toMatchObject({ status: 'absent', kind: 'optional', version: null, flagged: false });
    expect(find(entries, 'gone')).toMatchObject({ status: 'missing', kind: 'dependency', version: null, flagged: true });
    expect(find(entries, 'optional-peer')).toMatchObject({ status: 'absent', kind: 'peer', requiredBy: 'gpl-lib@1.0.0', flagged: false });
    expect(find(entries, 'peer-lib')).toMatchObject({ status: 'installed', kind: 'peer', requiredBy: 'gpl-lib@1.0.0' });
  });

  it('takes points off the licence score for the GPL package, the unknown licence and the missing package', async () => {
    const { entries } = await inventoryDependencies(root);
    const withoutGpl = entries.filter((e) => e.name !== 'gpl-lib');
    const clean = withoutGpl.filter((e) => e.name !== 'mystery' && e.name !== 'gone');
    const full = scoreLicences(entries);
    expect(scoreLicences(clean).score).toBe(10);
    expect(scoreLicences(withoutGpl).score).toBeLessThan(10);
    expect(full.score).toBeLessThan(scoreLicences(withoutGpl).score as number);
    expect(full.justification).toMatch(/^\d and not 10 because /);
    expect(full.justification).toContain('gpl-lib 1.0.0 (GPL-3.0-only)');
    expect(full.justification).toContain('mystery');
    expect(full.justification).toContain('gone');
  });

  it('refuses a root without package.json', async () => {
    await expect(inventoryDependencies(path.join(root, 'node_modules', '@scope'))).rejects.toThrow(/no readable package\.json/);
  });
});
