// Finds a shared library by soname the way the Linux dynamic loader does (ld.so(8)): DT_RPATH (when the
// object has no DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache, then the default folders.
// Used to say *which* CUDA library is missing before onnxruntime tries (and fails) to load its provider.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface LibrarySearch {
  /** Folders from LD_LIBRARY_PATH, in order. */
  ldLibraryPath: string[];
  /** soname -> path, from the loader cache. */
  cache: ReadonlyMap<string, string>;
  defaultDirs: string[];
}

export interface LibraryOwner {
  /** Folder of the object that needs the library ($ORIGIN). */
  dir: string;
  rpath: string[];
  runpath: string[];
}

const CACHE_MAGIC_NEW = 'glibc-ld.so.cache1.1';
const CACHE_MAGIC_OLD = 'ld.so-1.7.0';
/** FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 in glibc's ldconfig.h: a 64-bit x86 library. */
const FLAG_TYPE_MASK = 0x00ff;
const FLAG_ELF_LIBC6 = 0x0003;
const FLAG_ARCH_MASK = 0xff00;
const FLAG_X8664_LIB64 = 0x0300;

function readCString(buf: Buffer, offset: number): string {
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end < 0 ? buf.length : end);
}

/**
 * Parses glibc's /etc/ld.so.cache (the "1.1" format, alone or after the old-format table) into
 * soname -> path for x86-64 libraries. Earlier entries win, as in the loader.
 */
export function parseLdSoCache(buf: Buffer): Map<string, string> {
  const map = new Map<string, string>();
  let base = 0;
  if (buf.toString('latin1', 0, CACHE_MAGIC_OLD.length) === CACHE_MAGIC_OLD) {
    const oldCount = buf.readUInt32LE(12);
    // Old header (magic + pad + count = 16 bytes) then 12-byte entries; the new table follows, 8-aligned.
    base = 16 + oldCount * 12;
    base = (base + 7) & ~7;
  }
  if (buf.toString('latin1', base, base + CACHE_MAGIC_NEW.length) !== CACHE_MAGIC_NEW) return map;
  const count = buf.readUInt32LE(base + 20);
  const entriesAt = base + 48;
  for (let i = 0; i < count; i++) {
    const at = entriesAt + i * 24;
    if (at + 24 > buf.length) break;
    const flags = buf.readInt32LE(at);
    if ((flags & FLAG_TYPE_MASK) !== FLAG_ELF_LIBC6 || (flags & FLAG_ARCH_MASK) !== FLAG_X8664_LIB64) continue;
    // String offsets count from the start of the new-format header.
    const name = readCString(buf, base + buf.readUInt32LE(at + 4));
    const file = readCString(buf, base + buf.readUInt32LE(at + 8));
    if (!map.has(name)) map.set(name, file);
  }
  return map;
}

let systemCache: Map<string, string> | undefined;

/** The search this process's loader would use (the cache is read once per process). */
export function systemLibrarySearch(env: NodeJS.ProcessEnv = process.env): LibrarySearch {
  if (systemCache === undefined) {
    try {
      systemCache = parseLdSoCache(readFileSync('/etc/ld.so.cache'));
    } catch {
      systemCache = new Map();
    }
  }
  return {
    ldLibraryPath: (env.LD_LIBRARY_PATH ?? '').split(':').filter((p) => p !== ''),
    cache: systemCache,
    // glibc's built-in folders for x86-64, plus Debian/Ubuntu's multiarch ones.
    defaultDirs: ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib'],
  };
}

function expandOrigin(dir: string, origin: string): string {
  return dir.replace(/\$(ORIGIN|\{ORIGIN\})/g, origin);
}

/** The path the loader would open for `soname`, or null when it would fail. */
export function resolveSharedLibrary(soname: string, owner: LibraryOwner, search: LibrarySearch): string | null {
  if (soname.includes('/')) return existsSync(soname) ? soname : null;
  const dirs = [
    ...(owner.runpath.length === 0 ? owner.rpath : []).map((d) => expandOrigin(d, owner.dir)),
    ...search.ldLibraryPath,
    ...owner.runpath.map((d) => expandOrigin(d, owner.dir)),
  ];
  for (const dir of dirs) {
    const candidate = path.join(dir, soname);
    if (existsSync(candidate)) return candidate;
  }
  const cached = search.cache.get(soname);
  if (cached !== undefined && existsSync(cached)) return cached;
  for (const dir of search.defaultDirs) {
    const candidate = path.join(dir, soname);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}
