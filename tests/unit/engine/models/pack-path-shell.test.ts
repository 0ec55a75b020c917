import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { parseChecksums } from '../../../../engine/models/checksums';
import { checkPackPath } from '../../../../engine/models/pack-paths';

// Names that a script running over a pack would misread: a leading "-" (an option to cp, rm,
// sha256sum) or a character the shell gives meaning to. Refused wherever a pack path is read.

describe('checkPackPath: names a shell would misread', () => {
  it.each([
    ['-rf', 'leading "-" (reads as an option to a command)'],
    ['weights/--help.onnx', 'leading "-" (reads as an option to a command)'],
    ['$(reboot).onnx', 'shell metacharacter "$"'],
    ['a;rm x.json', 'shell metacharacter ";"'],
    ['`id`.txt', 'shell metacharacter "`"'],
    ['model|tee.onnx', 'shell metacharacter "|"'],
    ['out>file', 'shell metacharacter ">"'],
    ['glob*.onnx', 'shell metacharacter "*"'],
    ['what?.md', 'shell metacharacter "?"'],
    ['a&b', 'shell metacharacter "&"'],
    ["it's.md", 'shell metacharacter "\'"'],
    ['x[1].bin', 'shell metacharacter "["'],
  ])('refuses %j: %s', (raw, rule) => {
    expect(checkPackPath(raw)).toEqual({ ok: false, rule });
  });

  it('keeps ordinary names, spaces, dots, dashes and underscores inside a name', () => {
    for (const name of ['denoiser.onnx', 'MODEL CARD.md', 'vae-decoder_v2.onnx', 'sub/dir/x-1.json', 'a.b.c', 'weights-']) {
      expect(checkPackPath(name), name).toEqual({ ok: true, path: name });
    }
  });

  it('refuses such a name in CHECKSUMS.sha256, naming the line and the rule', () => {
    let error: unknown;
    try {
      parseChecksums(`${'a'.repeat(64)}  ok.onnx\n${'b'.repeat(64)}  -evil.onnx\n`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AiprodError);
    expect((error as AiprodError).code).toBe('PACK_CHECKSUMS_INVALID');
    expect((error as AiprodError).message).toBe('CHECKSUMS.sha256 line 2 names "-evil.onnx", refused: leading "-" (reads as an option to a command)');
  });
});
