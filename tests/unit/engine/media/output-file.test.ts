import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareOutput, requireInputFile } from '../../../../engine/media/output-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-out-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('prepareOutput', () => {
  it('claims a hidden temporary name in the destination folder and renames it on commit', async () => {
    const target = path.join(dir, 'clip.mp4');
    const pending = await prepareOutput(target);
    expect(path.dirname(pending.tempPath)).toBe(dir);
    expect(path.basename(pending.tempPath).startsWith('.clip.mp4.')).toBe(true);
    expect(existsSync(target)).toBe(false);
    writeFileSync(pending.tempPath, 'video');
    await pending.commit();
    expect(readFileSync(target, 'utf8')).toBe('video');
    expect(readdirSync(dir)).toEqual(['clip.mp4']);
  });

  it('discard removes the temporary file and leaves no output', async () => {
    const pending = await prepareOutput(path.join(dir, 'clip.mp4'));
    writeFileSync(pending.tempPath, 'half');
    await pending.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an existing output unless overwrite is set', async () => {
    const target = path.join(dir, 'clip.mp4');
    writeFileSync(target, 'old');
    await expect(prepareOutput(target)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', kind: 'input', message: expect.stringContaining(target) });
    const pending = await prepareOutput(target, { overwrite: true });
    writeFileSync(pending.tempPath, 'new');
    await pending.commit();
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it('never clobbers a file that appears while the output is being written', async () => {
    const target = path.join(dir, 'clip.mp4');
    const pending = await prepareOutput(target);
    writeFileSync(pending.tempPath, 'mine');
    writeFileSync(target, 'someone else');
    await expect(pending.commit()).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(readFileSync(target, 'utf8')).toBe('someone else');
    expect(readdirSync(dir)).toEqual(['clip.mp4']);
  });

  it('names a missing folder, a folder given as the output, and an unwritable folder', async () => {
    await expect(prepareOutput(path.join(dir, 'missing', 'x.mp4'))).rejects.toMatchObject({ code: 'OUTPUT_DIR_MISSING', message: expect.stringContaining(path.join(dir, 'missing')) });
    await expect(prepareOutput(dir)).rejects.toMatchObject({ code: 'OUTPUT_IS_DIRECTORY' });
    writeFileSync(path.join(dir, 'file'), '');
    await expect(prepareOutput(path.join(dir, 'file', 'x.mp4'))).rejects.toMatchObject({ code: 'OUTPUT_DIR_MISSING' });
    // /sys refuses new files even to root.
    await expect(prepareOutput('/sys/aiprod.mp4')).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', message: expect.stringContaining('/sys') });
    await expect(prepareOutput('  ')).rejects.toMatchObject({ code: 'OUTPUT_INVALID' });
  });
});

describe('requireInputFile', () => {
  it('resolves an existing file and names a missing one or a folder', async () => {
    const file = path.join(dir, 'in.wav');
    writeFileSync(file, 'x');
    expect(await requireInputFile(file, 'audio track')).toBe(file);
    await expect(requireInputFile(path.join(dir, 'gone.wav'), 'audio track')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringMatching(/audio track .*gone\.wav/) });
    await expect(requireInputFile(dir, 'video')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('not a file') });
  });
});
