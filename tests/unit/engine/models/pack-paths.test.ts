import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { formatChecksums, parseChecksums } from '../../../../engine/models/checksums';
import { checkPackPath } from '../../../../engine/models/pack-paths';

describe('checkPackPath', () => {
  it('normalises harmless relative paths', () => {
    expect(checkPackPath('./a//b/./c.onnx')).toEqual({ ok: true, path: 'a/b/c.onnx' });
    expect(checkPackPath('weights.data')).toEqual({ ok: true, path: 'weights.data' });
  });

  it.each([
    ['../secret', 'traversal ("..")'],
    ['a/../../b', 'traversal ("..")'],
    ['/etc/passwd', 'absolute path'],
    ['C:\\Windows\\x', 'drive or UNC path'],
    ['c:/x', 'drive or UNC path'],
    ['\\\\server\\share\\x', 'drive or UNC path'],
    ['a\\..\\b', 'backslash in path'],
    ['', 'empty'],
    ['./', 'empty'],
    ['bad\u0000name', 'control character'],
  ])('refuses %j: %s', (raw, rule) => {
    expect(checkPackPath(raw)).toEqual({ ok: false, rule });
  });
});

describe('CHECKSUMS.sha256', () => {
  const a = 'a'.repeat(64);
  const b = 'B'.repeat(64);

  it('reads sha256sum text and binary lines, and writes what sha256sum -c reads', () => {
    const entries = parseChecksums(`${a}  model.onnx\n${b} *sub/tokenizer.json\n\n`);
    expect(entries).toEqual([
      { path: 'model.onnx', sha256: a },
      { path: 'sub/tokenizer.json', sha256: 'b'.repeat(64) },
    ]);
    expect(formatChecksums(entries)).toBe(`${a}  model.onnx\n${'b'.repeat(64)}  sub/tokenizer.json\n`);
  });

  it.each([
    [`${a}  ../x`, /line 1 names "\.\.\/x", refused: traversal/],
    [`${a}  /abs`, /refused: absolute path/],
    [`nothex  file`, /line 1 is not/],
    [`${a}  x\n${a}  x`, /line 2 lists "x" a second time/],
  ])('refuses %j with one line naming it', (text, message) => {
    let error: unknown;
    try {
      parseChecksums(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AiprodError);
    expect((error as AiprodError).code).toBe('PACK_CHECKSUMS_INVALID');
    expect((error as AiprodError).message).toMatch(message);
  });
});
