import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { checkExternalData, externalDataRefs, readModelInfo } from '../../../../engine/models/onnx/external-data';
import { TINY_WEIGHTS, tinyModel, weightBytes } from './fixtures/onnx-writer';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiprod-onnx-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}

async function refusal(promise: Promise<unknown>): Promise<AiprodError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AiprodError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('ONNX external data', () => {
  it('finds a valid external location that onnxruntime itself loads from', async () => {
    const model = write('model.onnx', tinyModel({ external: { location: 'weights.data' } }));
    write('weights.data', weightBytes());
    const refs = await checkExternalData(model, dir, 'model.onnx');
    expect(refs).toEqual([{ tensor: 'initializer "w"', location: 'weights.data', offset: undefined, length: undefined }]);

    const session = await ort.InferenceSession.create(model);
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 1, 1, 1]), [4]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual(TINY_WEIGHTS.map((w) => w + 1));
    await session.release();
  });

  it('finds external tensors inside If subgraphs and functions', async () => {
    const file = write('m.onnx', tinyModel({ subgraphExternal: { location: 'sub.data' }, functionExternal: { location: 'fn.data', offset: 0, length: 16 } }));
    const refs = externalDataRefs(await readModelInfo(file, 'm.onnx'));
    expect(refs.map((r) => [r.tensor, r.location, r.length])).toEqual([
      ['node "if_0" attribute "then_branch" > initializer "branch_w"', 'sub.data', undefined],
      ['function "fn" > node "const" attribute "value" > tensor "fn_w"', 'fn.data', 16],
    ]);
  });

  it('decodes the same through protobufjs whole and through the streaming walker', async () => {
    // 3 MiB of raw_data: above the whole-message threshold, so the walker seeks over the payload.
    const file = write('big.onnx', tinyModel({ external: { location: 'w.data' }, paddingBytes: 3 << 20, subgraphExternal: { location: 's.data' } }));
    const whole = await readModelInfo(file, 'big.onnx', { smallMessageBytes: Number.MAX_SAFE_INTEGER });
    const walked = await readModelInfo(file, 'big.onnx', { smallMessageBytes: 0, windowBytes: 4096 });
    expect(walked).toEqual(whole);
    expect(externalDataRefs(walked).map((r) => r.location)).toEqual(['w.data', 's.data']);
    expect(walked.opsetImport).toEqual([{ version: 17 }]);
  });

  it.each([
    ['../secret', /external data "\.\.\/secret" of initializer "w" refused: traversal/],
    ['/etc/passwd', /refused: absolute path/],
    ['C:\\secret.bin', /refused: drive or UNC path/],
    ['\\\\server\\share\\w', /refused: drive or UNC path/],
    ['missing.data', /refused: file not found in the pack/],
  ])('refuses location %j', async (location, message) => {
    const model = write('model.onnx', tinyModel({ external: { location } }));
    const error = await refusal(checkExternalData(model, dir, 'model.onnx'));
    expect(error.code).toBe('ONNX_EXTERNAL_DATA_UNSAFE');
    expect(error.message).toMatch(/^"model\.onnx": /);
    expect(error.message).toMatch(message);
  });

  it('refuses a location inside a subgraph that climbs out', async () => {
    const model = write('model.onnx', tinyModel({ subgraphExternal: { location: 'a/../../x' } }));
    expect((await refusal(checkExternalData(model, dir, 'model.onnx'))).message).toMatch(/then_branch.*refused: traversal/);
  });

  it('refuses a symlinked or hard-linked data file, and offsets past its end', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'aiprod-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'secret'), weightBytes());
      fs.symlinkSync(path.join(outside, 'secret'), path.join(dir, 'link.data'));
      const m1 = write('m1.onnx', tinyModel({ external: { location: 'link.data' } }));
      expect((await refusal(checkExternalData(m1, dir, 'm1.onnx'))).message).toMatch(/refused: symbolic link/);

      write('real.data', weightBytes());
      fs.linkSync(path.join(dir, 'real.data'), path.join(dir, 'hard.data'));
      const m2 = write('m2.onnx', tinyModel({ external: { location: 'hard.data' } }));
      expect((await refusal(checkExternalData(m2, dir, 'm2.onnx'))).message).toMatch(/refused: hard link/);

      write('ok.data', weightBytes());
      const m3 = write('m3.onnx', tinyModel({ external: { location: 'ok.data', offset: 8, length: 16 } }));
      expect((await refusal(checkExternalData(m3, dir, 'm3.onnx'))).message).toMatch(/offset 8 \+ length 16 runs past the file's 16 bytes/);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a folder of the pack that is a link to outside', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'aiprod-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'w.data'), weightBytes());
      fs.symlinkSync(outside, path.join(dir, 'data'));
      const model = write('model.onnx', tinyModel({ external: { location: 'data/w.data' } }));
      expect((await refusal(checkExternalData(model, dir, 'model.onnx'))).message).toMatch(/resolves outside the pack/);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('names a file that is not ONNX at all', async () => {
    const file = write('junk.onnx', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    const error = await refusal(readModelInfo(file, 'junk.onnx'));
    expect(error.code).toBe('ONNX_INVALID');
    expect(error.message).toMatch(/^"junk\.onnx" is not a valid ONNX model/);
  });
});
