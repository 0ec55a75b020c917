import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/aiprod';
import type { CliIO } from '../../cli/output';
import { flipByte, tinyPack, writePack } from '../unit/engine/models/fixtures/packs';
import { writeZip } from '../unit/engine/models/fixtures/zip-writer';

// `aiprod models ...` through the real dispatcher, with AIPROD_HOME in a temporary folder.

let root: string;
let home: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'aiprod-cli-models-'));
  home = path.join(root, 'home');
});
afterEach(async () => fs.rm(root, { recursive: true, force: true }));

async function aiprod(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { ...process.env, AIPROD_HOME: home },
    cwd: root,
    signal: new AbortController().signal,
  };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}

describe('aiprod models', () => {
  it('import --json, list --json and verify --json follow the contract of DESIGN.md §3', async () => {
    const pack = await writePack(path.join(root, 'pack'), tinyPack('cli-pack'));
    const imported = await aiprod('models', 'import', pack, '--json');
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ id: 'cli-pack', status: 'ok', verified: true, replaced: false });
    expect(imported.stderr).toMatch(/^copy {2}\d+\/9 files/m);

    const listed = await aiprod('models', 'list', '--json');
    expect(listed.status).toBe(0);
    const packs = JSON.parse(listed.stdout) as Record<string, unknown>[];
    const mine = packs.find((p) => p.id === 'cli-pack');
    expect(mine).toMatchObject({ name: 'AIPROD Tiny (test fixture)', status: 'ok', verified: true, license: 'Apache-2.0', version: '1.0.0', source: 'imported' });
    expect(typeof mine?.bytes).toBe('number');

    const verified = await aiprod('models', 'verify', 'cli-pack', '--json');
    expect(verified.status).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, problems: [] });

    const file = path.join(home, 'models', 'cli-pack', 'text_encoder.onnx');
    const bytes = await fs.readFile(file);
    flipByte(bytes, -3, 0x10);
    await fs.writeFile(file, bytes);
    const failed = await aiprod('models', 'verify', 'cli-pack', '--json');
    expect(failed.status).toBe(1);
    const report = JSON.parse(failed.stdout) as { ok: boolean; problems: { file: string; problem: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ file: 'text_encoder.onnx', problem: 'modified' })]);
    expect(failed.stderr).toMatch(/aiprod models verify: 1 problem: model pack "cli-pack": file "text_encoder\.onnx" was modified/);
  });

  it('prints a table without --json', async () => {
    await aiprod('models', 'import', await writePack(path.join(root, 'pack'), tinyPack('table-pack')));
    const listed = await aiprod('models', 'list');
    expect(listed.stdout).toMatch(/^ID\s+VERSION\s+STATUS\s+VERIFIED\s+LICENSE\s+SIZE\s+SOURCE\s+NAME$/m);
    expect(listed.stdout).toMatch(/^table-pack\s+1\.0\.0\s+ok\s+yes\s+Apache-2\.0\s+11\.\d KiB\s+imported\s+AIPROD Tiny/m);
  });

  it('exits 2 with one line naming the problem for a bad archive, an unknown id, bad usage', async () => {
    const zip = path.join(root, 'evil.zip');
    await fs.writeFile(zip, writeZip([{ name: '../../evil', data: 'x' }]));
    const bad = await aiprod('models', 'import', zip, '--json');
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^aiprod models: .*evil\.zip: entry "\.\.\/\.\.\/evil" refused: traversal \("\.\."\) \[ARCHIVE_UNSAFE_ENTRY\]$/)]);

    const unknown = await aiprod('models', 'verify', 'no-such-pack');
    expect([unknown.status, unknown.stderr.trim()]).toEqual([2, 'aiprod models: no model pack "no-such-pack" in the library (see "aiprod models list") [MODEL_NOT_FOUND]']);

    for (const argv of [['models'], ['models', 'frob'], ['models', 'import'], ['models', 'list', '--bogus'], ['models', 'verify', 'a', 'b']]) {
      const r = await aiprod(...argv);
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(/\[USAGE\]\n$/);
    }
  });

  it('runs as a real process: stdout holds only the JSON, the exit status is the contract', () => {
    const tsx = path.resolve('node_modules/.bin/tsx');
    const env = { ...process.env, AIPROD_HOME: home };
    const list = spawnSync(tsx, ['cli/aiprod.ts', 'models', 'list', '--json'], { env, encoding: 'utf8' });
    expect(list.status, list.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(list.stdout))).toBe(true);
    const missing = spawnSync(tsx, ['cli/aiprod.ts', 'models', 'import', path.join(root, 'absent')], { env, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/absent: no such file or folder \[IMPORT_SOURCE_NOT_FOUND\]/);
  });
});
