import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveLimits } from '../../engine/models/archive/limits';
import { libraryState, refusalOf, testLibrary, type TestLibrary } from '../unit/engine/models/fixtures/library';
import { tinyModel, weightBytes } from '../unit/engine/models/fixtures/onnx-writer';
import { flipByte, tinyPack, withChecksums, writePack, type PackFiles } from '../unit/engine/models/fixtures/packs';
import { writeTar, type TarEntrySpec } from '../unit/engine/models/fixtures/tar-writer';
import { writeZip, type ZipEntrySpec } from '../unit/engine/models/fixtures/zip-writer';

// Every hostile input is refused with one error naming the file or entry and the rule, and the
// library (files under models/ and the registry) is exactly as it was before.

let t: TestLibrary;
let counter = 0;
beforeAll(async () => {
  t = await testLibrary();
  await t.library.import([await writePack(path.join(t.inputs, 'good'), tinyPack('already-here'))]);
});
afterAll(async () => t.dispose());

const scratch = (name: string): string => path.join(t.inputs, `${(counter += 1)}-${name}`);

async function expectRefused(inputs: string[], code: string, message: RegExp, limits?: Partial<ArchiveLimits>): Promise<void> {
  const before = await libraryState(t);
  const error = await refusalOf(t.library.import(inputs, limits ? { limits } : {}));
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  expect(error.message).not.toMatch(/\n/);
  expect(await libraryState(t)).toEqual(before);
  expect(await fs.readdir(path.join(t.home, 'models', '.staging'))).toEqual([]);
}

const packEntries = (files: PackFiles): ZipEntrySpec[] => [...files].map(([name, data]) => ({ name, data }));

async function zipOf(entries: ZipEntrySpec[]): Promise<string> {
  const file = scratch('pack.zip');
  await fs.writeFile(file, writeZip(entries));
  return file;
}

async function tarOf(entries: TarEntrySpec[], gzip: boolean): Promise<string> {
  const file = scratch(gzip ? 'pack.tar.gz' : 'pack.tar');
  await fs.writeFile(file, await writeTar(entries, gzip));
  return file;
}

describe('hostile archives', () => {
  it('zip with a ../ entry', async () => {
    const zip = await zipOf([...packEntries(tinyPack('z1')), { name: '../evil.sh', data: 'echo owned' }]);
    await expectRefused([zip], 'ARCHIVE_UNSAFE_ENTRY', /pack\.zip: entry "\.\.\/evil\.sh" refused: traversal/);
  });

  it('zip with an absolute path', async () => {
    const zip = await zipOf([{ name: '/tmp/evil.sh', data: 'x' }, ...packEntries(tinyPack('z2'))]);
    await expectRefused([zip], 'ARCHIVE_UNSAFE_ENTRY', /entry "\/tmp\/evil\.sh" refused: absolute path/);
  });

  it('zip with a symlink entry', async () => {
    const zip = await zipOf([...packEntries(tinyPack('z3')), { name: 'weights.data', data: '/etc/passwd', mode: 0o120777 }]);
    await expectRefused([zip], 'ARCHIVE_UNSAFE_ENTRY', /entry "weights\.data" refused: symbolic link/);
  });

  it('zip with a duplicate name', async () => {
    const zip = await zipOf([...packEntries(tinyPack('z4')), { name: 'denoiser.onnx', data: 'second copy' }]);
    await expectRefused([zip], 'ARCHIVE_UNSAFE_ENTRY', /entry "denoiser\.onnx" refused: duplicate name/);
  });

  it('zip bomb: a highly compressed entry is stopped while it inflates', async () => {
    const zeros = Buffer.alloc(24 << 20);
    const zip = await zipOf([...packEntries(tinyPack('z5')), { name: 'zeros.data', data: zeros, method: 'deflate' }]);
    expect((await fs.stat(zip)).size).toBeLessThan(200_000);
    await expectRefused([zip], 'ARCHIVE_BOMB', /entry "zeros\.data" refused: compression ratio above 200:1/);
  });

  it('zip whose header understates an entry', async () => {
    const zip = await zipOf([...packEntries(tinyPack('z6')), { name: 'liar.data', data: Buffer.alloc(4096, 1), method: 'deflate', declaredSize: 16 }]);
    await expectRefused([zip], 'ARCHIVE_UNSAFE_ENTRY', /entry "liar\.data" refused: holds more than the 16 bytes its header declares/);
  });

  it('archive with more entries than allowed', async () => {
    await expectRefused([await zipOf(packEntries(tinyPack('z7')))], 'ARCHIVE_BOMB', /more than 4 entries/, { maxEntries: 4 });
  });

  it('tar with a hard link', async () => {
    const tar = await tarOf([...[...tinyPack('t1')].map(([name, data]) => ({ name, data })), { name: 'copy.onnx', type: 'link', linkname: 'denoiser.onnx' }], false);
    await expectRefused([tar], 'ARCHIVE_UNSAFE_ENTRY', /entry "copy\.onnx" refused: hard link/);
  });

  it('tar.gz with a symlink and one with a FIFO', async () => {
    const files = [...tinyPack('t2')].map(([name, data]) => ({ name, data }));
    await expectRefused([await tarOf([{ name: 'evil', type: 'symlink', linkname: '/etc/shadow' }, ...files], true)], 'ARCHIVE_UNSAFE_ENTRY', /entry "evil" refused: symbolic link/);
    await expectRefused([await tarOf([...files, { name: 'pipe', type: 'fifo' }], true)], 'ARCHIVE_UNSAFE_ENTRY', /entry "pipe" refused: FIFO/);
  });

  it('tar.gz bomb: the gzip stream is stopped on its ratio', async () => {
    const tar = await tarOf([...[...tinyPack('t3')].map(([name, data]) => ({ name, data })), { name: 'zeros.data', data: Buffer.alloc(24 << 20) }], true);
    await expectRefused([tar], 'ARCHIVE_BOMB', /pack\.tar\.gz refused: compression ratio above 200:1/);
  });

  it('a file named .zip that is not an archive', async () => {
    const file = scratch('fake.zip');
    await fs.writeFile(file, 'just text');
    await expectRefused([file], 'ARCHIVE_INVALID', /fake\.zip is named like an archive but is not/);
  });
});

describe('hostile packs', () => {
  /** A tiny pack plus `extra` files, checksums recomputed so that only the rule under test fails. */
  async function packWith(extra: Record<string, Uint8Array | string>, id: string): Promise<string> {
    const files = tinyPack(id);
    for (const [name, data] of Object.entries(extra)) files.set(name, typeof data === 'string' ? Buffer.from(data) : data);
    return writePack(scratch(id), withChecksums(files));
  }

  it('ONNX whose external data points at ../secret', async () => {
    const dir = await packWith({ 'extra.onnx': tinyModel({ external: { location: '../secret' } }) }, 'p1');
    await fs.writeFile(path.join(path.dirname(dir), 'secret'), weightBytes());
    await expectRefused([dir], 'ONNX_EXTERNAL_DATA_UNSAFE', /"extra\.onnx": external data "\.\.\/secret" of initializer "w" refused: traversal/);
  });

  it('ONNX whose external data is an absolute path', async () => {
    const dir = await packWith({ 'extra.onnx': tinyModel({ external: { location: '/etc/passwd' } }) }, 'p2');
    await expectRefused([dir], 'ONNX_EXTERNAL_DATA_UNSAFE', /external data "\/etc\/passwd" of initializer "w" refused: absolute path/);
  });

  it('ONNX with external data inside a subgraph, in a zip', async () => {
    const files = tinyPack('p3');
    files.set('extra.onnx', tinyModel({ subgraphExternal: { location: '../../x' } }));
    const zip = await zipOf(packEntries(withChecksums(files)));
    await expectRefused([zip], 'ONNX_EXTERNAL_DATA_UNSAFE', /node "if_0" attribute "then_branch" > initializer "branch_w" refused: traversal/);
  });

  it('a symlinked file in a pack folder', async () => {
    const dir = await packWith({}, 'p4');
    const outside = scratch('outside.onnx');
    await fs.rename(path.join(dir, 'denoiser.onnx'), outside);
    await fs.symlink(outside, path.join(dir, 'denoiser.onnx'));
    await expectRefused([dir], 'PACK_UNSAFE_FILE', /"denoiser\.onnx" refused: symbolic link/);
  });

  it('a hard-linked file in a pack folder', async () => {
    const dir = await packWith({}, 'p5');
    await fs.link(path.join(dir, 'denoiser.onnx'), scratch('second-name.onnx'));
    await expectRefused([dir], 'PACK_UNSAFE_FILE', /"denoiser\.onnx" refused: hard link/);
  });

  it('a FIFO in a pack folder', async () => {
    const dir = await packWith({}, 'p6');
    expect(spawnSync('mkfifo', [path.join(dir, 'pipe.onnx')]).status).toBe(0);
    await expectRefused([dir], 'PACK_UNSAFE_FILE', /"pipe\.onnx" refused: FIFO/);
  });

  it('a pickle renamed .onnx', async () => {
    const pickle = Buffer.from('80049509000000000000007d948c0161944b01732e', 'hex');
    const dir = await packWith({ 'model.onnx': pickle }, 'p7');
    await expectRefused([dir], 'PACK_PICKLE', /"model\.onnx" refused: pickle format \(content starts with pickle protocol 4\)/);
  });

  it('a .pt file by its name alone', async () => {
    const dir = await packWith({ 'weights.pt': 'anything' }, 'p8');
    await expectRefused([dir], 'PACK_PICKLE', /"weights\.pt" refused: pickle format \(by name\)/);
  });

  it('a zero-byte file', async () => {
    const dir = await packWith({ 'empty.onnx': '' }, 'p9');
    await expectRefused([dir], 'PACK_UNSAFE_FILE', /"empty\.onnx" refused: zero-byte file/);
    const zip = await zipOf([...packEntries(tinyPack('p9z')), { name: 'empty.json', data: '' }]);
    await expectRefused([zip], 'PACK_UNSAFE_FILE', /"empty\.json" refused: zero-byte file/);
  });

  it('a wrong checksum', async () => {
    const dir = await packWith({}, 'p10');
    const bytes = await fs.readFile(path.join(dir, 'vae_decoder.onnx'));
    flipByte(bytes, -1, 1);
    await fs.writeFile(path.join(dir, 'vae_decoder.onnx'), bytes);
    await expectRefused([dir], 'PACK_CHECKSUM_MISMATCH', /"vae_decoder\.onnx": SHA-256 [0-9a-f]{64} does not match CHECKSUMS\.sha256/);
  });

  it('a file CHECKSUMS.sha256 does not list, and a listed file that is absent', async () => {
    const dir = await packWith({}, 'p11');
    await fs.writeFile(path.join(dir, 'stowaway.txt'), 'hello');
    await expectRefused([dir], 'PACK_CHECKSUM_UNLISTED', /"stowaway\.txt" is not listed in CHECKSUMS\.sha256/);
    await fs.rm(path.join(dir, 'stowaway.txt'));
    await fs.rm(path.join(dir, 'upsampler.onnx'));
    await expectRefused([dir], 'PACK_FILE_MISSING', /CHECKSUMS\.sha256 lists "upsampler\.onnx", which the pack lacks/);
  });

  it('a folder without a manifest, and a path that does not exist', async () => {
    const dir = scratch('empty-pack');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'readme.txt'), 'hi');
    await expectRefused([dir], 'PACK_INVALID', /neither aiprod-model\.json nor MANIFEST\.json/);
    await expectRefused([scratch('nowhere')], 'IMPORT_SOURCE_NOT_FOUND', /nowhere: no such file or folder/);
  });
});
