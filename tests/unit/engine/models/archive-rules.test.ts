import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { EntryGate } from '../../../../engine/models/archive/entry-gate';
import { ByteBudget, RatioGuard } from '../../../../engine/models/archive/limits';
import { tarEntryKind } from '../../../../engine/models/archive/tar-source';
import { zipEntryKind } from '../../../../engine/models/archive/zip-source';

function refusal(fn: () => unknown): AiprodError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AiprodError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('EntryGate', () => {
  it('admits files and folders, normalising names', () => {
    const gate = new EntryGate('p.zip', 10);
    expect(gate.admit('pack/', 'directory')).toBeNull();
    expect(gate.admit('./pack/model.onnx', 'file')).toBe('pack/model.onnx');
  });

  it.each([
    ['../evil.onnx', 'file', /entry "\.\.\/evil\.onnx" refused: traversal/],
    ['/abs.onnx', 'file', /refused: absolute path/],
    ['link.onnx', 'symlink', /refused: symbolic link/],
    ['hard.onnx', 'hardlink', /refused: hard link/],
    ['pipe', 'fifo', /refused: FIFO/],
    ['dev', 'device', /refused: device file/],
    ['model.pt', 'file', /pickle format/],
  ] as const)('refuses %j (%s)', (name, kind, message) => {
    const error = refusal(() => new EntryGate('p.zip', 10).admit(name, kind));
    expect(error.kind).toBe('input');
    expect(error.message).toMatch(/^p\.zip/);
    expect(error.message).toMatch(message);
  });

  it('refuses duplicates, also by case, and files that collide with folders', () => {
    const gate = new EntryGate('p.zip', 10);
    gate.admit('a/Model.onnx', 'file');
    expect(refusal(() => gate.admit('a/model.onnx', 'file')).message).toMatch(/duplicate name/);
    expect(refusal(() => gate.admit('a/Model.onnx/x', 'file')).message).toMatch(/which is a file/);
    expect(refusal(() => gate.admit('a', 'file')).message).toMatch(/a folder of that name/);
  });

  it('caps the number of entries', () => {
    const gate = new EntryGate('p.zip', 2);
    gate.admit('a', 'file');
    gate.admit('b/', 'directory');
    const error = refusal(() => gate.admit('c', 'file'));
    expect(error.code).toBe('ARCHIVE_BOMB');
    expect(error.message).toMatch(/more than 2 entries/);
  });
});

describe('bomb guards', () => {
  it('RatioGuard allows small well-compressed output, then refuses a high ratio', () => {
    const guard = new RatioGuard('p.zip: entry "x"', { maxRatio: 10, ratioFloorBytes: 1000 });
    guard.addCompressed(10);
    guard.addExpanded(900); // under the floor
    expect(() => guard.addExpanded(200)).toThrow(/compression ratio above 10:1/);
  });

  it('ByteBudget refuses past the total cap (input) and past free space (work)', () => {
    const capped = new ByteBudget('p.tar', 100);
    capped.add(100);
    expect(refusal(() => capped.add(1)).code).toBe('ARCHIVE_BOMB');
    const disk = new ByteBudget('p.tar', 1000, 50);
    const error = refusal(() => disk.add(51));
    expect([error.code, error.kind]).toEqual(['DISK_SPACE', 'work']);
  });
});

describe('entry kinds', () => {
  it('reads unix file types from zip attributes', () => {
    const unix = (mode: number) => ({ versionMadeBy: (3 << 8) | 20, externalFileAttributes: (mode << 16) >>> 0 });
    expect(zipEntryKind(unix(0o100644), 'a')).toBe('file');
    expect(zipEntryKind(unix(0o120777), 'a')).toBe('symlink');
    expect(zipEntryKind(unix(0o010644), 'a')).toBe('fifo');
    expect(zipEntryKind(unix(0o020644), 'a')).toBe('device');
    expect(zipEntryKind({ versionMadeBy: 20, externalFileAttributes: 0 }, 'dir/')).toBe('directory');
  });

  it('maps tar types, unknown ones to "other"', () => {
    expect(tarEntryKind('file')).toBe('file');
    expect(tarEntryKind('link')).toBe('hardlink');
    expect(tarEntryKind('symlink')).toBe('symlink');
    expect(tarEntryKind('gnu-sparse')).toBe('other');
  });
});
