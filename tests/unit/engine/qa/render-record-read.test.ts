import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecordForCheck, readRecordForCheck, recordFileOf } from '../../../../engine/qa/render-record-read';

const hash = (c: string): string => c.repeat(64);
const RECORD = {
  format: 'aiprod-render-record/1',
  createdAt: '2026-11-23T12:00:00.000Z',
  prompt: 'a red circle',
  negativePrompt: null,
  seed: 7,
  steps: 4,
  guidance: 4,
  frames: 8,
  tier: 'eco',
  upscale: false,
  scheduler: { type: 'flow-match-euler', numTrainTimesteps: 1000, shift: 2 },
  model: { id: 'aiprod-nano', name: 'AIPROD-Nano', version: '1.0.0', files: [{ path: 'denoiser.onnx', sha256: hash('a') }] },
  device: { requested: 'cpu', executionProvider: 'cpu', providerReason: null },
  versions: { engine: '0.1.0', node: '20.20.2', onnxruntime: '1.29.0', platform: 'linux-x64', ffmpeg: '5.1.9' },
  video: { file: '/p/a.mp4', width: 64, height: 64, fps: 8, frames: 8, bytes: 3000 },
  frameHash: hash('c'),
  outputSha256: hash('d'),
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-record-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reading a render record for the re-render check', () => {
  it('finds the record of a video next to it', () => {
    expect(recordFileOf('/p/renders/s/job.mp4')).toBe('/p/renders/s/job.json');
    expect(recordFileOf('/p/renders/s/job.json')).toBe('/p/renders/s/job.json');
  });

  it('accepts a record as render-shot writes it', () => {
    expect(parseRecordForCheck(RECORD, 'a.json')).toMatchObject({ seed: 7, model: { id: 'aiprod-nano' } });
  });

  it('names the file and the field at fault', () => {
    expect(() => parseRecordForCheck({ ...RECORD, seed: -1 }, '/p/a.json')).toThrow(/\/p\/a\.json is not a usable render record: seed/);
    expect(() => parseRecordForCheck({ ...RECORD, frameHash: 'abc' }, 'a.json')).toThrow(/frameHash must be a lowercase hex SHA-256/);
    expect(() => parseRecordForCheck({ ...RECORD, format: 'something/1' }, 'a.json')).toThrow(/format must be "aiprod-render-record\/1"/);
  });

  it('says when the record is missing or not JSON', async () => {
    await expect(readRecordForCheck(path.join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'QA_RECORD_NOT_FOUND', kind: 'input' });
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"format":');
    await expect(readRecordForCheck(broken)).rejects.toMatchObject({ code: 'QA_BAD_RECORD', message: expect.stringContaining('not valid JSON') });
  });
});
