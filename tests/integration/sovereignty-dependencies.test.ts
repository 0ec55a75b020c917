// Proof that the report's dependency inventory is the real production tree (issue 10): every
// package npm itself lists as installed for production (`npm ls --omit=dev --all --long`) is in the
// report, at the same folder, with the same version and with the licence its own package.json
// declares; a package that declares none is named from its licence file, and says so.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inventoryDependencies, type DependencyEntry } from '../../engine/sovereignty/dependency-tree';
import { ROOT } from './cli-helpers';

interface NpmNode {
  version?: string;
  path?: string;
  license?: unknown;
  dependencies?: Record<string, NpmNode>;
}

interface Installed {
  name: string;
  version: string;
  /** Folder relative to the root, POSIX separators. */
  folder: string;
  /** The licence npm read from the package's package.json, when it states one. */
  npmLicense: string | null;
}

function npmProductionTree(): Installed[] {
  const result = spawnSync('npm', ['ls', '--omit=dev', '--all', '--long', '--json', '--offline'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  const found = new Map<string, Installed>();
  const walk = (node: NpmNode): void => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (child.version === undefined || child.path === undefined) continue;
      const folder = path.relative(ROOT, child.path).split(path.sep).join('/');
      found.set(folder, { name, version: child.version, folder, npmLicense: typeof child.license === 'string' && child.license !== '' ? child.license : null });
      walk(child);
    }
  };
  walk(JSON.parse(result.stdout) as NpmNode);
  return [...found.values()];
}

/** The licence a package.json declares, in any of npm's three forms; null when it states none. */
function declaredLicense(folder: string): string | null {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, folder, 'package.json'), 'utf8')) as { license?: unknown; licenses?: unknown };
  if (typeof pkg.license === 'string' && pkg.license.trim() !== '') return pkg.license.trim();
  if (pkg.license !== null && typeof pkg.license === 'object' && typeof (pkg.license as { type?: unknown }).type === 'string') return (pkg.license as { type: string }).type;
  if (Array.isArray(pkg.licenses)) {
    const types = pkg.licenses.map((l: { type?: unknown }) => l.type).filter((t): t is string => typeof t === 'string');
    if (types.length > 0) return types.length === 1 ? (types[0] as string) : `(${types.join(' OR ')})`;
  }
  return null;
}

/** How each licence a licence file may be read as opens, for the packages that declare none. */
const LICENSE_FILE_OPENINGS: Record<string, RegExp> = {
  MIT: /^\s*(The )?MIT License|Permission is hereby granted, free of charge/i,
  ISC: /^\s*(The )?ISC License/i,
  'Apache-2.0': /Apache License\s+Version 2\.0/i,
};

let npm: Installed[];
let entries: DependencyEntry[];

beforeAll(async () => {
  npm = npmProductionTree();
  entries = (await inventoryDependencies(ROOT)).entries.filter((e) => e.status === 'installed');
});

describe('the report’s dependency inventory', () => {
  it('holds every production package npm lists, at the same folder and version, and nothing else', () => {
    expect(npm.length).toBeGreaterThan(20);
    const key = (name: string, version: string | null, folder: string | null) => `${name}@${version ?? '?'} ${folder ?? '?'}`;
    expect(entries.map((e) => key(e.name, e.version, e.path)).sort()).toEqual(npm.map((p) => key(p.name, p.version, p.folder)).sort());
  });

  it('gives each package the licence its package.json declares (the licence npm reads too)', () => {
    const byFolder = new Map(entries.map((e) => [e.path, e]));
    let declaring = 0;
    for (const pkg of npm) {
      const entry = byFolder.get(pkg.folder);
      const declared = declaredLicense(pkg.folder);
      if (declared === null || /^SEE LICEN[CS]E IN /i.test(declared)) continue;
      declaring += 1;
      expect({ package: pkg.folder, license: entry?.license, source: entry?.licenseSource }).toEqual({ package: pkg.folder, license: declared, source: 'license' });
      if (pkg.npmLicense !== null) expect(entry?.license, pkg.folder).toBe(pkg.npmLicense);
    }
    expect(declaring).toBeGreaterThan(npm.length / 2);
  });

  it('names the licence of a package that declares none from its licence file, and says where it came from', () => {
    const silent = npm.filter((p) => declaredLicense(p.folder) === null);
    for (const pkg of silent) {
      const entry = entries.find((e) => e.path === pkg.folder);
      expect(entry?.licenseSource, pkg.folder).toBe('license-file');
      const opening = LICENSE_FILE_OPENINGS[entry?.license ?? ''];
      expect(opening, `${pkg.folder}: ${entry?.license ?? 'no licence'}`).toBeDefined();
      const file = readdirSync(path.join(ROOT, pkg.folder)).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
      expect(file, `${pkg.folder} has no licence file`).toBeDefined();
      expect(readFileSync(path.join(ROOT, pkg.folder, file as string), 'utf8')).toMatch(opening as RegExp);
    }
  });
});
