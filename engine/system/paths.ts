// Where things live on disk: the repository (shipped packs, configs, dist), the user-data folder
// (AIPROD_HOME) and the list of folders searched for model packs. The CLI, the headless host and
// Electron's main all need the same answers, so they come from here.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'aiprod-studio';

/** The product's display name, used for the user-data folder on Windows and macOS. */
const PRODUCT_NAME = 'AIPROD Studio';

let cachedRoot: string | undefined;

function isProjectRoot(dir: string): boolean {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * The repository (or installed app) root: the nearest folder above this module whose package.json
 * is ours. Walking up works both from the sources (engine/system/) and from a bundle (dist/node/).
 */
export function projectRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isProjectRoot(dir)) return (cachedRoot = dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Bundled somewhere unexpected: the working directory is the last sensible guess.
  return (cachedRoot = process.cwd());
}

export interface PlatformFacts {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  homedir: string;
}

function currentPlatform(): PlatformFacts {
  return { env: process.env, platform: process.platform, homedir: os.homedir() };
}

/** The platform's user-data folder for the app (what Electron's app.getPath('userData') gives). */
export function defaultUserDataDir(facts: PlatformFacts = currentPlatform()): string {
  const { env, platform, homedir } = facts;
  if (platform === 'win32') {
    const appData = env.APPDATA ?? path.win32.join(homedir, 'AppData', 'Roaming');
    return path.win32.join(appData, PRODUCT_NAME);
  }
  if (platform === 'darwin') return path.posix.join(homedir, 'Library', 'Application Support', PRODUCT_NAME);
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.posix.join(homedir, '.config');
  return path.posix.join(configHome, PACKAGE_NAME);
}

/** AIPROD_HOME when set (resolved to an absolute path), else the platform's user-data folder. */
export function aiprodHome(facts: PlatformFacts = currentPlatform()): string {
  const fromEnv = facts.env.AIPROD_HOME;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return path.resolve(fromEnv);
  return defaultUserDataDir(facts);
}

/** Folders named in AIPROD_PACKS_DIRS, separated like PATH (":" on POSIX, ";" on Windows). */
export function extraPackDirs(env: NodeJS.ProcessEnv = process.env, delimiter: string = path.delimiter): string[] {
  const raw = env.AIPROD_PACKS_DIRS;
  if (raw === undefined) return [];
  return raw
    .split(delimiter)
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map((d) => path.resolve(d));
}

/**
 * Where model packs are looked for, in order: the shipped packs (<root>/models), the library's
 * imported packs ($AIPROD_HOME/models), then AIPROD_PACKS_DIRS and any extra folders given.
 * Duplicates are dropped, the first occurrence wins.
 */
export function packSearchDirs(extra: readonly string[] = [], facts: PlatformFacts = currentPlatform()): string[] {
  const dirs = [path.join(projectRoot(), 'models'), path.join(aiprodHome(facts), 'models'), ...extraPackDirs(facts.env), ...extra.map((d) => path.resolve(d))];
  return [...new Set(dirs)];
}

/** configs/<name> in the project root. */
export function configPath(name: string): string {
  return path.join(projectRoot(), 'configs', name);
}
