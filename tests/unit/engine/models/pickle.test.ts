import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectPickle, looksLikePickle } from '../../../../engine/models/pickle';
import { tinyModel } from './fixtures/onnx-writer';
import { writeZip } from './fixtures/zip-writer';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiprod-pickle-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (name: string, bytes: Uint8Array): string => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
};

// A real protocol-4 pickle of {"a": 1}, as Python's pickle.dumps writes it.
const PICKLE = Buffer.from('80049509000000000000007d948c0161944b01732e', 'hex');

describe('pickle detection', () => {
  it('refuses pickle extensions by name', async () => {
    for (const name of ['m.ckpt', 'm.pt', 'm.PTH', 'm.bin', 'm.pkl']) expect(await detectPickle(file(name, Buffer.from('x')), name)).toMatch(/^name ends in/);
  });

  it('finds a pickle renamed .onnx by its content', async () => {
    expect(await detectPickle(file('model.onnx', PICKLE), 'model.onnx')).toBe('content starts with pickle protocol 4');
  });

  it('finds a PyTorch zip checkpoint (archive/data.pkl) renamed .onnx', async () => {
    const zip = writeZip([
      { name: 'archive/data.pkl', data: PICKLE },
      { name: 'archive/data/0', data: Buffer.alloc(16) },
    ]);
    expect(await detectPickle(file('model.onnx', zip), 'model.onnx')).toMatch(/data\.pkl/);
  });

  it('passes real ONNX, JSON, and raw data that merely starts with 0x80', async () => {
    expect(await detectPickle(file('m.onnx', tinyModel()), 'm.onnx')).toBeNull();
    expect(await detectPickle(file('t.json', Buffer.from('{"a":1}')), 't.json')).toBeNull();
    expect(await detectPickle(file('w.data', Buffer.from([0x80, 0x03, 0x10, 0x20, 0x00])), 'w.data')).toBeNull();
    expect(looksLikePickle(Buffer.from([0x80, 0x06]), 0x2e)).toBe(false);
  });
});
