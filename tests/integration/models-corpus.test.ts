import Database from 'better-sqlite3';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryState, refusalOf, testLibrary, type TestLibrary } from '../unit/engine/models/fixtures/library';
import { flipByte, sha256, tinyPack, withChecksums, writePack, type PackFiles } from '../unit/engine/models/fixtures/packs';
import { writeTar } from '../unit/engine/models/fixtures/tar-writer';
import { writeZip } from '../unit/engine/models/fixtures/zip-writer';

// The bad-input corpus beyond models-hostile.test.ts: each input is refused with one error that
// names the file and the rule it breaks, and afterwards the library is exactly as it was: the same
// registry rows (read straight from the database), the same files, nothing left in staging.

let t: TestLibrary;
let counter = 0;
beforeAll(async () => {
  t = await testLibrary();
  await t.library.import([await writePack(path.join(t.inputs, 'resident'), tinyPack('resident'))]);
});
afterAll(async () => t.dispose());

const scratch = (name: string): string => path.join(t.inputs, `${(counter += 1)}-${name}`);

/** Every row of the registry's tables, as stored. */
function registryRows(): unknown[] {
  const db = new Database(path.join(t.home, 'library.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return [db.prepare('SELECT * FROM model_packs ORDER BY id').all(), db.prepare('SELECT * FROM model_pack_files ORDER BY pack_id, path').all()];
  } finally {
    db.close();
  }
}

async function expectRefused(inputs: string[], code: string, message: RegExp): Promise<void> {
  const rows = registryRows();
  const before = await libraryState(t);
  const error = await refusalOf(t.library.import(inputs));
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  expect(error.message).not.toMatch(/\n/);
  expect(error.kind).toBe('input');
  expect(registryRows()).toEqual(rows);
  expect(await libraryState(t)).toEqual(before);
  expect(await fs.readdir(path.join(t.home, 'models', '.staging'))).toEqual([]);
}

const entries = (files: PackFiles) => [...files].map(([name, data]) => ({ name, data }));

async function zipOf(files: PackFiles, name = 'pack.zip'): Promise<string> {
  const file = scratch(name);
  await fs.writeFile(file, writeZip(entries(files)));
  return file;
}

async function tarOf(files: PackFiles, gzip: boolean): Promise<string> {
  const file = scratch(gzip ? 'pack.tar.gz' : 'pack.tar');
  await fs.writeFile(file, await writeTar(entries(files), gzip));
  return file;
}

/** Rewrites the manifest's own hash and size of `file` too, so only the rule under test fails. */
function withFile(files: PackFiles, file: string, bytes: Uint8Array): PackFiles {
  const out = new Map(files);
  out.set(file, bytes);
  const manifest = JSON.parse(Buffer.from(out.get('aiprod-model.json')!).toString('utf8')) as { components: Record<string, { file: string; sha256?: string; bytes?: number }> };
  for (const component of Object.values(manifest.components)) {
    if (component.file !== file) continue;
    if (component.sha256 !== undefined) component.sha256 = sha256(bytes);
    if (component.bytes !== undefined) component.bytes = bytes.length;
  }
  out.set('aiprod-model.json', Buffer.from(JSON.stringify(manifest, null, 2)));
  return withChecksums(out);
}

describe('hash mismatch', () => {
  it('in a zip: names the file and the checksum it fails', async () => {
    const files = tinyPack('c-hash-zip');
    files.set('text_encoder.onnx', flipByte(Buffer.from(files.get('text_encoder.onnx')!), 100));
    await expectRefused([await zipOf(files)], 'PACK_CHECKSUM_MISMATCH', /^"text_encoder\.onnx": SHA-256 [0-9a-f]{64} does not match CHECKSUMS\.sha256 \([0-9a-f]{64}\)$/);
  });

  it('in a .tar.gz whose CHECKSUMS.sha256 was edited, against the manifest\'s own hash', async () => {
    const files = tinyPack('c-hash-tgz');
    files.set('denoiser.onnx', flipByte(Buffer.from(files.get('denoiser.onnx')!), -10));
    await expectRefused([await tarOf(withChecksums(files), true)], 'PACK_CHECKSUM_MISMATCH', /^"denoiser\.onnx": SHA-256 [0-9a-f]{64} does not match aiprod-model\.json \([0-9a-f]{64}\)$/);
  });
});

describe('a file missing from the pack', () => {
  it('listed in CHECKSUMS.sha256 but absent from a zip', async () => {
    const files = tinyPack('c-missing-zip');
    files.delete('vae_encoder.onnx');
    await expectRefused([await zipOf(files)], 'PACK_FILE_MISSING', /^CHECKSUMS\.sha256 lists "vae_encoder\.onnx", which the pack lacks$/);
  });

  it('named by the manifest but in neither the checksums nor the loose files given', async () => {
    const files = tinyPack('c-missing-loose');
    files.delete('tokenizer.json');
    const dir = await writePack(scratch('loose'), withChecksums(files));
    await expectRefused(
      [...withChecksums(files).keys()].map((n) => path.join(dir, n)),
      'PACK_FILE_MISSING',
      /^aiprod-model\.json names "tokenizer\.json" \(tokenizer\), which the pack lacks$/,
    );
  });
});

describe('an extra file not in the manifest', () => {
  it('in a zip, not listed in CHECKSUMS.sha256', async () => {
    const files = tinyPack('c-extra-zip');
    files.set('notes/readme.txt', Buffer.from('an extra file'));
    await expectRefused([await zipOf(files)], 'PACK_CHECKSUM_UNLISTED', /^"notes\/readme\.txt" is not listed in CHECKSUMS\.sha256; every file of a pack must be$/);
  });
});

describe('a truncated ONNX', () => {
  it('cut inside its graph, with every hash agreeing with the cut file', async () => {
    const files = tinyPack('c-trunc-half');
    const onnx = Buffer.from(files.get('denoiser.onnx')!);
    const dir = await writePack(scratch('trunc-half'), withFile(files, 'denoiser.onnx', onnx.subarray(0, Math.floor(onnx.length / 2))));
    await expectRefused([dir], 'ONNX_INVALID', /^"denoiser\.onnx" is not a valid ONNX model: .*(runs past|truncated)/);
  });

  it('cut before its graph (what remains still decodes), in a .tar', async () => {
    const files = tinyPack('c-trunc-head');
    const onnx = Buffer.from(files.get('vae_decoder.onnx')!);
    // The first field (ir_version) alone: a well-formed protobuf with nothing else in it.
    const head = onnx.subarray(0, 2);
    expect(head[0]).toBe(0x08);
    await expectRefused([await tarOf(withFile(files, 'vae_decoder.onnx', head), false)], 'ONNX_INVALID', /^"vae_decoder\.onnx" is not a valid ONNX model: it has no graph \(truncated\?\)$/);
  });
});

describe('a manifest that is not JSON or fails the schema', () => {
  it('aiprod-model.json that is not JSON', async () => {
    const files = tinyPack('c-json');
    files.set('aiprod-model.json', Buffer.from('{"format": "aiprod-model/1", "id": '));
    await expectRefused([await writePack(scratch('json'), withChecksums(files))], 'PACK_INVALID', /^aiprod-model\.json is not valid JSON: /);
  });

  it('aiprod-model.json whose denoiser lists no inputs', async () => {
    const files = tinyPack('c-schema');
    const manifest = JSON.parse(Buffer.from(files.get('aiprod-model.json')!).toString('utf8')) as { components: { denoiser: { inputs: unknown[] } } };
    manifest.components.denoiser.inputs = [];
    files.set('aiprod-model.json', Buffer.from(JSON.stringify(manifest)));
    await expectRefused([await zipOf(withChecksums(files))], 'PACK_INVALID', /^aiprod-model\.json: components\.denoiser\.inputs: /);
  });

  it('aiprod-model.json with an id that is not an id', async () => {
    const files = tinyPack('c-id');
    const manifest = JSON.parse(Buffer.from(files.get('aiprod-model.json')!).toString('utf8')) as { id: string };
    manifest.id = '../escape';
    files.set('aiprod-model.json', Buffer.from(JSON.stringify(manifest)));
    await expectRefused([await writePack(scratch('id'), withChecksums(files))], 'PACK_INVALID', /^aiprod-model\.json: id: lowercase letters, digits/);
  });

  it('a seed MANIFEST.json whose trained model has no hash', async () => {
    const weights = Buffer.from('weights');
    const manifest = { id: 'c-seed', name: 'Seed', license: 'MIT', models: [{ name: 'w', file: 'w.safetensors', status: 'trained' }] };
    const files = withChecksums(new Map<string, Uint8Array>([['MANIFEST.json', Buffer.from(JSON.stringify(manifest))], ['w.safetensors', weights]]));
    await expectRefused([await writePack(scratch('seed'), files)], 'PACK_INVALID', /^MANIFEST\.json: models\.0\.sha256: trained model "w" needs its sha256$/);
  });
});

describe('an archive that ends early', () => {
  it.each([
    ['zip', 'pack.zip', 'ARCHIVE_INVALID', /pack\.zip is not a readable zip archive: .*truncated/],
    ['tar', 'pack.tar', 'ARCHIVE_INVALID', /pack\.tar is a damaged tar archive: Unexpected end of data$/],
    ['tar.gz', 'pack.tar.gz', 'ARCHIVE_INVALID', /pack\.tar\.gz is not a valid gzip stream: unexpected end of file$/],
  ])('a %s cut at 60 %%', async (kind, name, code, message) => {
    const files = tinyPack(`c-early-${kind.replace('.', '')}`);
    const whole = kind === 'zip' ? writeZip(entries(files)) : await writeTar(entries(files), kind === 'tar.gz');
    const file = scratch(name);
    await fs.writeFile(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
    await expectRefused([file], code, message);
  });
});

describe('names with a leading "-" or shell metacharacters', () => {
  it('a file named "-rf" in a pack folder', async () => {
    const files = tinyPack('c-dash');
    files.set('-rf', Buffer.from('x'));
    await expectRefused([await writePack(scratch('dash'), files)], 'PACK_UNSAFE_FILE', /^"-rf" refused: name refused: leading "-" \(reads as an option to a command\)$/);
  });

  it('a zip entry named "$(reboot).txt"', async () => {
    const files = tinyPack('c-dollar');
    files.set('$(reboot).txt', Buffer.from('x'));
    await expectRefused([await zipOf(files)], 'ARCHIVE_UNSAFE_ENTRY', /pack\.zip: entry "\$\(reboot\)\.txt" refused: shell metacharacter "\$"$/);
  });

  it('a tar.gz entry under a folder named "a;b"', async () => {
    const files = tinyPack('c-semicolon');
    files.set('a;b/x.json', Buffer.from('{}'));
    await expectRefused([await tarOf(files, true)], 'ARCHIVE_UNSAFE_ENTRY', /pack\.tar\.gz: entry "a;b\/x\.json" refused: shell metacharacter ";"$/);
  });

  it('a loose file named "notes|tee.md"', async () => {
    const files = tinyPack('c-pipe');
    const dir = await writePack(scratch('pipe'), files);
    const odd = path.join(dir, 'notes|tee.md');
    await fs.writeFile(odd, 'x');
    await expectRefused([...[...files.keys()].map((n) => path.join(dir, n)), odd], 'PACK_UNSAFE_FILE', /"[^"]*notes\|tee\.md" refused: name refused: shell metacharacter "\|"$/);
  });

  it('a CHECKSUMS.sha256 line naming "--help"', async () => {
    const files = tinyPack('c-option');
    const text = Buffer.from(files.get('CHECKSUMS.sha256')!).toString('utf8') + `${sha256('x')}  --help\n`;
    files.set('CHECKSUMS.sha256', Buffer.from(text));
    await expectRefused([await writePack(scratch('option'), files)], 'PACK_CHECKSUMS_INVALID', /^CHECKSUMS\.sha256 line \d+ names "--help", refused: leading "-"/);
  });
});

describe('the library afterwards', () => {
  it('still holds only the pack imported first, which still verifies', async () => {
    expect((await t.library.list()).map((p) => p.id)).toEqual(['resident']);
    expect(await t.library.verify('resident')).toMatchObject({ ok: true, problems: [] });
  });
});
