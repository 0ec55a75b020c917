import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { writeFileAtomic } from '../../../../engine/render/files';
import { prepareOutputTarget, recordPathFor } from '../../../../engine/render/output-target';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-output-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(output: string, overwrite = false): AiprodError {
  try {
    prepareOutputTarget(output, { overwrite });
  } catch (error) {
    if (error instanceof AiprodError) return error;
    throw error;
  }
  throw new Error(`expected ${output} to be refused`);
}

/** A folder nobody may create files in. Root ignores permission bits, so it gets sysfs, which refuses everyone. */
function unwritableDir(): string {
  if (process.getuid?.() === 0) return '/sys';
  const locked = mkdtempSync(path.join(dir, 'locked-'));
  chmodSync(locked, 0o555);
  return locked;
}

describe('prepareOutputTarget', () => {
  it('accepts a new .mp4 in a writable folder and puts the record next to it, leaving nothing behind', () => {
    const target = prepareOutputTarget(path.join(dir, 'shot.mp4'));
    expect(target).toEqual({ video: path.join(dir, 'shot.mp4'), record: path.join(dir, 'shot.json') });
    expect(readdirSync(dir).filter((f) => f.startsWith('.aiprod-write-probe'))).toEqual([]);
    expect(recordPathFor('/x/Shot.MP4')).toBe('/x/Shot.json');
  });

  it('refuses a name without .mp4', () => {
    expect(refusal(path.join(dir, 'shot.mov')).code).toBe('OUTPUT_INVALID');
  });

  it('refuses a missing folder', () => {
    const error = refusal(path.join(dir, 'nope', 'shot.mp4'));
    expect(error.code).toBe('OUTPUT_DIR_MISSING');
    expect(error.message).toContain(path.join(dir, 'nope'));
  });

  it('refuses a folder it cannot create files in', () => {
    const locked = unwritableDir();
    const error = refusal(path.join(locked, 'shot.mp4'));
    expect(error.code).toBe('OUTPUT_DIR_UNWRITABLE');
    expect(error.kind).toBe('input');
    expect(error.message).toContain(locked);
  });

  it('refuses an existing video or record unless overwriting', () => {
    writeFileSync(path.join(dir, 'taken.mp4'), 'old');
    expect(refusal(path.join(dir, 'taken.mp4')).code).toBe('OUTPUT_EXISTS');
    expect(prepareOutputTarget(path.join(dir, 'taken.mp4'), { overwrite: true }).video).toBe(path.join(dir, 'taken.mp4'));
    writeFileSync(path.join(dir, 'recorded.json'), '{}');
    expect(refusal(path.join(dir, 'recorded.mp4')).message).toContain('recorded.json');
    expect(readFileSync(path.join(dir, 'taken.mp4'), 'utf8')).toBe('old');
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temp file', async () => {
    const file = path.join(dir, 'record.json');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, '{"new":true}');
    expect(readFileSync(file, 'utf8')).toBe('{"new":true}');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
