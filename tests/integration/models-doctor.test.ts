import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/aiprod';
import type { CliIO } from '../../cli/output';
import { flipByte, tinyPack, writePack } from '../unit/engine/models/fixtures/packs';

// `aiprod doctor` lists the model registry's packs with their status, as `models list` sees them.

let root: string;
let home: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'aiprod-doctor-models-'));
  home = path.join(root, 'home');
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

async function aiprod(...argv: string[]): Promise<{ status: number; stdout: string }> {
  let stdout = '';
  const env: NodeJS.ProcessEnv = { ...process.env, AIPROD_HOME: home };
  delete env.AIPROD_PACKS_DIRS;
  const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, env, cwd: root, signal: new AbortController().signal };
  // doctor reads AIPROD_HOME from the process (like the packs search), the models commands from io.env.
  const saved = process.env.AIPROD_HOME;
  process.env.AIPROD_HOME = home;
  try {
    return { status: await main(argv, io), stdout };
  } finally {
    if (saved === undefined) delete process.env.AIPROD_HOME;
    else process.env.AIPROD_HOME = saved;
  }
}

interface RegistryReport {
  database: string;
  error: string | null;
  packs: { id: string; status: string; verified: boolean; source: string; problem: string | null }[];
}

describe('aiprod doctor and the model registry', () => {
  it('lists each registered pack with its status, a modified one with the file at fault', async () => {
    expect((await aiprod('models', 'import', await writePack(path.join(root, 'p'), tinyPack('doc-pack')))).status).toBe(0);
    const file = path.join(home, 'models', 'doc-pack', 'denoiser.onnx');
    await fs.writeFile(file, flipByte(await fs.readFile(file), 9));
    expect((await aiprod('models', 'verify', 'doc-pack')).status).toBe(1);

    const report = JSON.parse((await aiprod('doctor', '--json')).stdout) as { registry: RegistryReport };
    expect(report.registry.error).toBeNull();
    expect(report.registry.database).toBe(path.join(home, 'library.sqlite'));
    expect(report.registry.packs).toContainEqual(
      expect.objectContaining({ id: 'doc-pack', status: 'modified', verified: false, source: 'imported', problem: 'model pack "doc-pack": file "denoiser.onnx" was modified (SHA-256 differs from the registered one)' }),
    );

    const human = (await aiprod('doctor')).stdout;
    expect(human).toContain(`model registry (${path.join(home, 'library.sqlite')}):`);
    expect(human).toMatch(/^ {7}no {2}doc-pack 1\.0\.0 \[modified\] imported: model pack "doc-pack": file "denoiser\.onnx" was modified/m);
  });
});
