import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLdSoCache, resolveSharedLibrary, type LibrarySearch } from '../../../../engine/runtime/shared-libraries';

const root = mkdtempSync(path.join(tmpdir(), 'aiprod-libs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dirWith(name: string, ...libs: string[]): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const lib of libs) writeFileSync(path.join(dir, lib), '');
  return dir;
}

const emptySearch: LibrarySearch = { ldLibraryPath: [], cache: new Map(), defaultDirs: [] };

describe('parseLdSoCache', () => {
  it('lists the same x86-64 libraries as ldconfig -p', () => {
    const parsed = parseLdSoCache(readFileSync('/etc/ld.so.cache'));
    const fromLdconfig = new Map<string, string>();
    const listing = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/sbin:/usr/sbin` } });
    for (const line of listing.split('\n')) {
      const m = /^\s*(\S+) \(([^)]*)\) => (\S+)$/.exec(line);
      if (m !== null && m[2]!.includes('x86-64') && !fromLdconfig.has(m[1]!)) fromLdconfig.set(m[1]!, m[3]!);
    }
    expect(fromLdconfig.size).toBeGreaterThan(0);
    expect(parsed).toEqual(fromLdconfig);
  });

  it('returns nothing for a buffer that is not a cache', () => {
    expect(parseLdSoCache(Buffer.from('hello world, not a cache at all.............................'))).toEqual(new Map());
  });
});

describe('resolveSharedLibrary', () => {
  const origin = dirWith('origin', 'libshared.so.1', 'libonlyorigin.so.1');
  const ldPath = dirWith('ld-library-path', 'libshared.so.1');
  const cached = dirWith('cached', 'libcached.so.2');
  const defaults = dirWith('defaults', 'libdefault.so.3');
  const search: LibrarySearch = { ldLibraryPath: [ldPath], cache: new Map([['libcached.so.2', path.join(cached, 'libcached.so.2')]]), defaultDirs: [defaults] };

  it('puts LD_LIBRARY_PATH before DT_RUNPATH', () => {
    expect(resolveSharedLibrary('libshared.so.1', { dir: origin, rpath: [], runpath: ['$ORIGIN'] }, search)).toBe(path.join(ldPath, 'libshared.so.1'));
  });

  it('puts DT_RPATH before LD_LIBRARY_PATH when there is no DT_RUNPATH', () => {
    expect(resolveSharedLibrary('libshared.so.1', { dir: origin, rpath: ['${ORIGIN}'], runpath: [] }, search)).toBe(path.join(origin, 'libshared.so.1'));
  });

  it('expands $ORIGIN and falls back to the cache, then the default folders', () => {
    const owner = { dir: origin, rpath: [], runpath: ['$ORIGIN'] };
    expect(resolveSharedLibrary('libonlyorigin.so.1', owner, search)).toBe(path.join(origin, 'libonlyorigin.so.1'));
    expect(resolveSharedLibrary('libcached.so.2', owner, search)).toBe(path.join(cached, 'libcached.so.2'));
    expect(resolveSharedLibrary('libdefault.so.3', owner, search)).toBe(path.join(defaults, 'libdefault.so.3'));
  });

  it('returns null for a library found nowhere', () => {
    expect(resolveSharedLibrary('libnothere.so.9', { dir: origin, rpath: [], runpath: ['$ORIGIN'] }, search)).toBeNull();
    expect(resolveSharedLibrary('libshared.so.1', { dir: root, rpath: [], runpath: [] }, emptySearch)).toBeNull();
  });
});
