import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { classifyLicense, isCopyleft, normalizeLicense, type LicenseCategory } from './licenses/classify';
import { sniffPackageLicense } from './licenses/sniff';

// The dependency inventory of the report: the production tree as installed, walked the way Node
// resolves `require(name)` (the requiring package's own node_modules first, then each parent
// folder's), from package.json's dependencies and optionalDependencies, through every package's
// dependencies, optionalDependencies and peerDependencies (npm 7+ installs peers; optional peers
// that are not installed are listed as absent, like optional dependencies). Each package folder is
// listed once; two versions of one name in two folders are two entries.

export type DependencyKind = 'dependency' | 'optional' | 'peer';
/** installed: found; absent: an optional package that is not installed (normal: platform builds);
 * missing: a required package that is not installed (a broken install). */
export type DependencyStatus = 'installed' | 'absent' | 'missing';
export type LicenseSource = 'license' | 'licenses' | 'license-file' | 'none';

export interface DependencyEntry {
  name: string;
  version: string | null;
  /** SPDX expression (or the package's own words), null when none was found. */
  license: string | null;
  licenseSource: LicenseSource;
  category: LicenseCategory;
  copyleft: boolean;
  /** Copyleft, proprietary, unknown licence, or a required package that is missing. */
  flagged: boolean;
  status: DependencyStatus;
  kind: DependencyKind;
  /** Asked for by the root package.json itself. */
  direct: boolean;
  /** The version range asked for by the first package found requiring it. */
  requested: string;
  /** "name@version" of that package. */
  requiredBy: string;
  /** Folder relative to the root (POSIX separators); null when not installed. */
  path: string | null;
}

export interface DependencyInventory {
  root: string;
  rootPackage: string;
  entries: DependencyEntry[];
}

interface PackageJson {
  name?: unknown;
  version?: unknown;
  license?: unknown;
  licenses?: unknown;
  dependencies?: unknown;
  optionalDependencies?: unknown;
  peerDependencies?: unknown;
  peerDependenciesMeta?: unknown;
}

/** A tree larger than this is cut short rather than walked forever (a cycle of links, say). */
const MAX_PACKAGES = 20_000;

async function readPackageJson(dir: string): Promise<PackageJson | null> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as PackageJson) : null;
  } catch {
    return null;
  }
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

interface Wanted {
  name: string;
  requested: string;
  kind: DependencyKind;
  /** May be absent without breaking anything: an optional dependency or an optional peer. */
  optional: boolean;
}

function optionalPeers(pkg: PackageJson): Set<string> {
  const meta = pkg.peerDependenciesMeta;
  if (meta === null || typeof meta !== 'object') return new Set();
  return new Set(Object.entries(meta as Record<string, unknown>).filter(([, m]) => m !== null && typeof m === 'object' && (m as { optional?: unknown }).optional === true).map(([name]) => name));
}

/** The packages a package.json asks for, optional ones marked; a name in both lists is optional (npm's rule). */
function wantedDependencies(pkg: PackageJson, withPeers: boolean): Wanted[] {
  const wanted = new Map<string, Wanted>();
  if (withPeers) {
    const optional = optionalPeers(pkg);
    for (const [name, requested] of Object.entries(stringRecord(pkg.peerDependencies))) wanted.set(name, { name, requested, kind: 'peer', optional: optional.has(name) });
  }
  for (const [name, requested] of Object.entries(stringRecord(pkg.dependencies))) wanted.set(name, { name, requested, kind: 'dependency', optional: false });
  for (const [name, requested] of Object.entries(stringRecord(pkg.optionalDependencies))) wanted.set(name, { name, requested, kind: 'optional', optional: true });
  return [...wanted.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Node's lookup: <dir>/node_modules/<name>, then the same in each parent, skipping node_modules/node_modules. */
async function resolvePackage(fromDir: string, name: string): Promise<string | null> {
  let dir = fromDir;
  for (;;) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', ...name.split('/'));
      try {
        const real = await realpath(candidate);
        if ((await readPackageJson(real)) !== null) return real;
      } catch {
        // not here: look one folder up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

async function licenseOf(dir: string, pkg: PackageJson): Promise<{ license: string | null; source: LicenseSource }> {
  const field = pkg.license;
  if (typeof field === 'string' && field.trim() !== '') {
    const pointer = /^SEE LICEN[CS]E IN (.+)$/i.exec(field.trim());
    if (pointer?.[1] !== undefined) {
      const sniffed = await sniffPackageLicense(dir, pointer[1].trim());
      return sniffed === null ? { license: field.trim(), source: 'license' } : { license: sniffed.license, source: 'license-file' };
    }
    return { license: normalizeLicense(field), source: 'license' };
  }
  // Legacy forms: { "type": "MIT" } and "licenses": [{ "type": ... }, ...] (several meant a choice).
  if (field !== null && typeof field === 'object' && typeof (field as { type?: unknown }).type === 'string') {
    return { license: normalizeLicense((field as { type: string }).type), source: 'license' };
  }
  if (Array.isArray(pkg.licenses)) {
    const types = pkg.licenses
      .map((l: unknown) => (typeof l === 'string' ? l : l !== null && typeof l === 'object' ? (l as { type?: unknown }).type : undefined))
      .filter((t): t is string => typeof t === 'string' && t.trim() !== '')
      .map(normalizeLicense);
    if (types.length > 0) return { license: types.length === 1 ? (types[0] as string) : `(${types.join(' OR ')})`, source: 'licenses' };
  }
  const sniffed = await sniffPackageLicense(dir);
  return sniffed === null ? { license: null, source: 'none' } : { license: sniffed.license, source: 'license-file' };
}

function posixRelative(root: string, dir: string): string {
  return path.relative(root, dir).split(path.sep).join('/');
}

function compareEntries(a: DependencyEntry, b: DependencyEntry): number {
  const keys: [string, string][] = [
    [a.name, b.name],
    [a.version ?? '', b.version ?? ''],
    [a.path ?? '', b.path ?? ''],
  ];
  for (const [x, y] of keys) if (x !== y) return x < y ? -1 : 1;
  return 0;
}

export interface InventoryOptions {
  /** Also follow peerDependencies (npm 7+ installs them): default true. */
  peers?: boolean;
}

/** Walks the installed production tree of the package at `root`. Throws when root has no package.json. */
export async function inventoryDependencies(root: string, options: InventoryOptions = {}): Promise<DependencyInventory> {
  const withPeers = options.peers ?? true;
  const rootDir = await realpath(root);
  const rootPkg = await readPackageJson(rootDir);
  if (rootPkg === null) throw new Error(`no readable package.json in ${root}`);
  const rootLabel = `${typeof rootPkg.name === 'string' ? rootPkg.name : path.basename(rootDir)}@${typeof rootPkg.version === 'string' ? rootPkg.version : '0.0.0'}`;

  const entries: DependencyEntry[] = [];
  const seenDirs = new Set<string>();
  const seenAbsent = new Set<string>();
  type Pending = Wanted & { fromDir: string; requiredBy: string; direct: boolean };
  const queue: Pending[] = wantedDependencies(rootPkg, false).map((w) => ({ ...w, fromDir: rootDir, requiredBy: rootLabel, direct: true }));

  for (let i = 0; i < queue.length && seenDirs.size < MAX_PACKAGES; i++) {
    const item = queue[i] as Pending;
    const dir = await resolvePackage(item.fromDir, item.name);
    if (dir === null) {
      // An absent optional package (or optional peer) is normal: builds for other platforms, extras.
      if (seenAbsent.has(`${item.kind}:${item.name}`)) continue;
      seenAbsent.add(`${item.kind}:${item.name}`);
      const missing = !item.optional;
      entries.push({
        name: item.name,
        version: null,
        license: null,
        licenseSource: 'none',
        category: 'unknown',
        copyleft: false,
        flagged: missing,
        status: missing ? 'missing' : 'absent',
        kind: item.kind,
        direct: item.direct,
        requested: item.requested,
        requiredBy: item.requiredBy,
        path: null,
      });
      continue;
    }
    if (seenDirs.has(dir) || dir === rootDir) continue;
    seenDirs.add(dir);
    const pkg = (await readPackageJson(dir)) as PackageJson;
    const version = typeof pkg.version === 'string' ? pkg.version : null;
    const { license, source } = await licenseOf(dir, pkg);
    const category = classifyLicense(license);
    entries.push({
      name: typeof pkg.name === 'string' ? pkg.name : item.name,
      version,
      license,
      licenseSource: source,
      category,
      copyleft: isCopyleft(category),
      flagged: category !== 'permissive',
      status: 'installed',
      kind: item.kind,
      direct: item.direct,
      requested: item.requested,
      requiredBy: item.requiredBy,
      path: posixRelative(rootDir, dir),
    });
    const label = `${typeof pkg.name === 'string' ? pkg.name : item.name}@${version ?? '?'}`;
    for (const w of wantedDependencies(pkg, withPeers)) queue.push({ ...w, fromDir: dir, requiredBy: label, direct: false });
  }
  // An optional package absent for one requirer but installed for another ships all the same: list it
  // once, as installed. A missing required package stays listed: its requirer is broken.
  const installedNames = new Set(entries.filter((e) => e.status === 'installed').map((e) => e.name));
  const kept = entries.filter((e) => e.status !== 'absent' || !installedNames.has(e.name));
  return { root: rootDir, rootPackage: rootLabel, entries: kept.sort(compareEntries) };
}
