import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import afterPack, { electronBinaryPath, FUSES } from '../../../build/afterPack.mjs';

// Packaging itself needs the Electron binaries (a download this machine cannot make), so these
// tests check what can be checked here: the configuration as electron-builder itself loads and
// validates it, and the afterPack step run on a binary that carries a real fuse wire.

const root = path.resolve(import.meta.dirname, '../../..');
let config: Configuration;

beforeAll(async () => {
  config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
});

function list(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : (v as { target: string }).target));
}

/** File patterns as plain strings (validation normalises `files` into [{filter: [...]}]). */
function patterns(value: unknown): string[] {
  const items = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
  return items.flatMap((item: unknown) => (typeof item === 'string' ? [item] : patterns((item as { filter?: unknown }).filter)));
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds AppImage and deb for Linux, NSIS for Windows, and publishes nowhere', () => {
    expect(list(config.linux?.target).sort()).toEqual(['AppImage', 'deb']);
    expect(list(config.win?.target)).toEqual(['nsis']);
    expect(config.publish).toBeNull();
  });

  it('ships the bundles, the renderer and the model packs, with native code and packs outside the asar', () => {
    expect(config.asar).toBe(true);
    expect(patterns(config.files)).toEqual(expect.arrayContaining(['package.json', 'dist/node/**', 'dist/renderer/**', 'models/**']));
    expect(patterns(config.asarUnpack)).toEqual(
      expect.arrayContaining(['node_modules/onnxruntime-node/**', 'node_modules/sharp/**', 'node_modules/@img/**', 'node_modules/ffmpeg-static/**', 'models/**']),
    );
  });

  it('runs the fuses script after packing, and points at icons that exist', async () => {
    expect(config.afterPack).toBe('./build/afterPack.mjs');
    expect(existsSync(path.join(root, 'build/afterPack.mjs'))).toBe(true);
    for (const icon of [config.linux?.icon, config.win?.icon]) {
      expect(typeof icon).toBe('string');
      const png = await readFile(path.join(root, icon as string));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      // IHDR width and height: electron-builder wants at least 256 px for Windows.
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(256);
      expect(png.readUInt32BE(20)).toBe(png.readUInt32BE(16));
    }
  });

  it("the renderer's favicon is the app icon", async () => {
    expect(await readFile(path.join(root, 'renderer/public/favicon.svg'), 'utf8')).toBe(await readFile(path.join(root, 'resources/icon.svg'), 'utf8'));
  });
});

describe('afterPack (Electron fuses)', () => {
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-fuses-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A stand-in binary: filler, the fuse sentinel, wire version 1, nine fuses as Electron ships them. */
  async function fakeElectron(file: string): Promise<void> {
    const shipped = [FuseState.ENABLE, FuseState.DISABLE, FuseState.ENABLE, FuseState.ENABLE, FuseState.DISABLE, FuseState.DISABLE, FuseState.DISABLE, FuseState.ENABLE, FuseState.ENABLE];
    await writeFile(file, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL), Buffer.from([1, shipped.length, ...shipped]), Buffer.alloc(4096, 0x90)]));
  }

  it('finds the binary where electron-builder puts it', () => {
    const packager = { executableName: 'aiprod-studio', appInfo: { productFilename: 'AIPROD Studio' } };
    expect(electronBinaryPath({ appOutDir: '/out/linux-unpacked', electronPlatformName: 'linux', arch: 1, packager })).toBe('/out/linux-unpacked/aiprod-studio');
    expect(electronBinaryPath({ appOutDir: '/out/win-unpacked', electronPlatformName: 'win32', arch: 1, packager })).toBe('/out/win-unpacked/AIPROD Studio.exe');
  });

  it('turns RunAsNode, NODE_OPTIONS and --inspect off, asar integrity and asar-only loading on', async () => {
    const binary = path.join(dir, 'aiprod-studio');
    await fakeElectron(binary);
    await afterPack({ appOutDir: dir, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'aiprod-studio', appInfo: { productFilename: 'AIPROD Studio' } } });
    const wire = await getCurrentFuseWire(binary);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
    // A fuse the script does not name keeps what Electron shipped.
    expect(wire[FuseV1Options.WasmTrapHandlers]).toBe(FuseState.ENABLE);
    expect(FUSES[FuseV1Options.WasmTrapHandlers]).toBeUndefined();
  });

  it('fails loudly on a binary without a fuse wire', async () => {
    const binary = path.join(dir, 'not-electron');
    await writeFile(binary, Buffer.alloc(1024, 1));
    await expect(afterPack({ appOutDir: dir, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'not-electron', appInfo: { productFilename: 'x' } } })).rejects.toThrow(/sentinel/);
  });
});
