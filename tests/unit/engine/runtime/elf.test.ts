import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readElfDynamicInfo } from '../../../../engine/runtime/elf';
import { onnxRuntimeLibraryDir } from '../../../../engine/runtime/ort';
import { writeElf } from './elf-fixture';

const dir = mkdtempSync(path.join(tmpdir(), 'aiprod-elf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readElfDynamicInfo', () => {
  it('reads DT_NEEDED and DT_RUNPATH through the string table address mapping', async () => {
    const file = path.join(dir, 'libprobe.so');
    writeElf(file, ['libcudart.so.13', 'libc.so.6'], ['$ORIGIN', '/opt/cuda/lib']);
    expect(await readElfDynamicInfo(file)).toEqual({ needed: ['libcudart.so.13', 'libc.so.6'], rpath: [], runpath: ['$ORIGIN', '/opt/cuda/lib'] });
  });

  it("reads the real onnxruntime library's needs", async () => {
    const info = await readElfDynamicInfo(path.join(onnxRuntimeLibraryDir(), 'libonnxruntime.so.1'));
    expect(info.needed).toEqual(expect.arrayContaining(['libc.so.6', 'libstdc++.so.6', 'libm.so.6']));
    expect(info.needed.every((n) => /\.so(\.\d+)*$/.test(n))).toBe(true);
  });

  it('refuses a file that is not ELF', async () => {
    const file = path.join(dir, 'not-elf.so');
    writeFileSync(file, Buffer.alloc(128, 0x41));
    await expect(readElfDynamicInfo(file)).rejects.toThrow('not an ELF file');
  });
});
