import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalSha256 } from '../../../../engine/sovereignty/canonical-json';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops whitespace, whatever the insertion order', () => {
    const a = { b: 1, a: { z: [3, { y: true, x: null }], c: 'é' } };
    const b = { a: { c: 'é', z: [3, { x: null, y: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"é","z":[3,{"x":null,"y":true}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('keeps array order, leaves out undefined values like JSON.stringify', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson({ a: 1, gone: undefined })).toBe('{"a":1}');
  });

  it('sorts by UTF-16 code units (RFC 8785), not by locale', () => {
    // "é" (U+00E9) sorts after "z" in code units, before it in most locales.
    expect(canonicalJson({ é: 1, z: 2, A: 3 })).toBe('{"A":3,"z":2,"é":1}');
  });

  it('hashes the canonical text with SHA-256', () => {
    const value = { b: [1, 2], a: 'x' };
    expect(canonicalSha256(value)).toBe(createHash('sha256').update(canonicalJson(value)).digest('hex'));
    expect(canonicalSha256({ a: 'x', b: [1, 2] })).toBe(canonicalSha256(value));
    expect(canonicalSha256({ a: 'y', b: [1, 2] })).not.toBe(canonicalSha256(value));
  });

  it('refuses what JSON cannot hold, naming where it is', () => {
    expect(() => canonicalJson({ a: { b: Number.NaN } })).toThrow(/\$\.a\.b is NaN/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/\$\.f is a function/);
  });
});
