import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aiprodHome, defaultUserDataDir, extraPackDirs, packSearchDirs, projectRoot } from '../../../../engine/system/paths';

describe('user-data folder', () => {
  it('follows each platform’s convention', () => {
    expect(defaultUserDataDir({ env: {}, platform: 'linux', homedir: '/home/ada' })).toBe('/home/ada/.config/aiprod-studio');
    expect(defaultUserDataDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', homedir: '/home/ada' })).toBe('/xdg/aiprod-studio');
    expect(defaultUserDataDir({ env: {}, platform: 'darwin', homedir: '/Users/ada' })).toBe('/Users/ada/Library/Application Support/AIPROD Studio');
    expect(defaultUserDataDir({ env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, platform: 'win32', homedir: 'C:\\Users\\ada' })).toBe('C:\\Users\\ada\\AppData\\Roaming\\AIPROD Studio');
  });

  it('uses AIPROD_HOME when set', () => {
    expect(aiprodHome({ env: { AIPROD_HOME: '/data/aiprod' }, platform: 'linux', homedir: '/home/ada' })).toBe('/data/aiprod');
    expect(aiprodHome({ env: { AIPROD_HOME: '  ' }, platform: 'linux', homedir: '/home/ada' })).toBe('/home/ada/.config/aiprod-studio');
  });
});

describe('pack search list', () => {
  it('is shipped packs, then the library, then AIPROD_PACKS_DIRS, then extra folders, without duplicates', () => {
    const facts = { env: { AIPROD_HOME: '/data/aiprod', AIPROD_PACKS_DIRS: `/packs/a${path.delimiter}${path.delimiter}/packs/b` }, platform: process.platform, homedir: '/home/ada' };
    expect(extraPackDirs(facts.env)).toEqual(['/packs/a', '/packs/b']);
    expect(packSearchDirs(['/packs/c', '/packs/a'], facts)).toEqual([path.join(projectRoot(), 'models'), '/data/aiprod/models', '/packs/a', '/packs/b', '/packs/c']);
  });

  it('finds the project root from the sources', () => {
    expect(existsSync(path.join(projectRoot(), 'configs', 'tiers.json'))).toBe(true);
  });
});
