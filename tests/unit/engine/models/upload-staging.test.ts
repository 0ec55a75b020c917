import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { libraryPaths, type LibraryPaths } from '../../../../engine/library/paths';
import type { ProgressEvent } from '../../../../engine/models/progress';
import { UploadStaging } from '../../../../engine/models/upload-staging';

// Staging of dropped files' bytes (the headless host's uploads): what is refused before a byte is
// accepted, exact sizes while bytes arrive, and nothing left behind by a refused or failed upload.

let root: string;
let paths: LibraryPaths;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'aiprod-upload-'));
  paths = libraryPaths(path.join(root, 'home'));
});
afterEach(async () => fs.rm(root, { recursive: true, force: true }));

async function* chunks(...parts: (string | Buffer)[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

async function refusal(promise: Promise<unknown>): Promise<AiprodError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AiprodError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

async function stagingEntries(): Promise<string[]> {
  return fs.readdir(paths.staging).catch(() => []);
}

describe('UploadStaging.begin', () => {
  it.each([
    [[{ name: '../evil.onnx', bytes: 1 }], 'PACK_UNSAFE_FILE', /"\.\.\/evil\.onnx" refused: name refused: traversal/],
    [[{ name: '-rf', bytes: 1 }], 'PACK_UNSAFE_FILE', /"-rf" refused: name refused: leading "-"/],
    [[{ name: 'a$(x).json', bytes: 1 }], 'PACK_UNSAFE_FILE', /"a\$\(x\)\.json" refused: name refused: shell metacharacter "\$"/],
    [[{ name: 'model.pt', bytes: 5 }], 'PACK_PICKLE', /"model\.pt" refused: pickle format \(by name\)/],
    [[{ name: 'empty.onnx', bytes: 0 }], 'PACK_UNSAFE_FILE', /"empty\.onnx" refused: zero-byte file/],
    [[{ name: 'A.onnx', bytes: 1 }, { name: 'a.onnx', bytes: 1 }], 'PACK_UNSAFE_FILE', /"a\.onnx" refused: same name as "A\.onnx"/],
    [[{ name: 'pack', bytes: 1 }, { name: 'pack/x.onnx', bytes: 1 }], 'PACK_UNSAFE_FILE', /"pack" refused: is a file, and "pack\/x\.onnx" lies under it/],
  ])('refuses %j with one error naming the file and the rule, creating nothing', async (files, code, message) => {
    const staging = new UploadStaging(paths);
    const error = await refusal(staging.begin(files));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(await stagingEntries()).toEqual([]);
    expect(staging.ids()).toEqual([]);
  });

  it('refuses more files or more bytes than an import accepts', async () => {
    const staging = new UploadStaging(paths, { limits: { maxFiles: 2, maxTotalBytes: 100 } });
    const many = await refusal(staging.begin([1, 2, 3].map((i) => ({ name: `f${i}`, bytes: 1 }))));
    expect([many.code, many.message]).toEqual(['UPLOAD_TOO_LARGE', 'refused: 3 files, more than the 2 an import accepts']);
    const big = await refusal(staging.begin([{ name: 'a', bytes: 60 }, { name: 'b', bytes: 41 }]));
    expect([big.code, big.message]).toEqual(['UPLOAD_TOO_LARGE', 'refused: the dropped files hold more than the 100-byte import limit']);
    expect(await stagingEntries()).toEqual([]);
  });

  it('checks the free disk for the staged copy and the imported copy before accepting a byte', async () => {
    const staging = new UploadStaging(paths, { freeBytes: async () => 20 * 1024 * 1024 });
    const error = await refusal(staging.begin([{ name: 'weights.data', bytes: 3 * 1024 * 1024 }]));
    expect(error.code).toBe('DISK_SPACE');
    expect(error.kind).toBe('work');
    expect(error.message).toMatch(/needs 23068672 bytes, 20971520 available/);
    expect(await stagingEntries()).toEqual([]);
  });
});

describe('UploadStaging.receive', () => {
  it('stages each file under its dropped name with exactly the announced bytes, reporting progress', async () => {
    const events: ProgressEvent[] = [];
    const staging = new UploadStaging(paths);
    const { uploadId, totalBytes } = await staging.begin(
      [
        { name: 'my-pack/a.json', bytes: 5 },
        { name: 'my-pack/b.onnx', bytes: 7 },
      ],
      (e) => events.push(e),
    );
    expect(totalBytes).toBe(12);
    expect(staging.complete(uploadId)).toBe(false);
    expect(await staging.receive(uploadId, 1, chunks('abc', 'defg'))).toEqual({ name: 'my-pack/b.onnx', bytes: 7 });
    expect(await staging.receive(uploadId, 0, chunks('hello'))).toEqual({ name: 'my-pack/a.json', bytes: 5 });
    expect(staging.complete(uploadId)).toBe(true);
    const staged = staging.staged(uploadId);
    expect(staged.label).toBe('my-pack');
    expect(staged.paths).toHaveLength(1);
    expect(await fs.readFile(path.join(staged.paths[0]!, 'my-pack', 'a.json'), 'utf8')).toBe('hello');
    expect(await fs.readFile(path.join(staged.paths[0]!, 'my-pack', 'b.onnx'), 'utf8')).toBe('abcdefg');
    expect(events.at(-1)).toMatchObject({ phase: 'upload', bytesDone: 12, bytesTotal: 12, filesDone: 2, filesTotal: 2 });
    // The staging folder's name starts with this process's id: the importer clears it once we are gone.
    expect((await stagingEntries())[0]).toMatch(new RegExp(`^${process.pid}-upload-${uploadId}$`));
    expect(await staging.discard(uploadId)).toBe(true);
    expect(await stagingEntries()).toEqual([]);
  });

  it('hands one dropped file over as itself (an archive, say)', async () => {
    const staging = new UploadStaging(paths);
    const { uploadId } = await staging.begin([{ name: 'pack.zip', bytes: 3 }]);
    await staging.receive(uploadId, 0, chunks('zip'));
    const staged = staging.staged(uploadId);
    expect(staged.label).toBe('pack.zip');
    expect(path.basename(staged.paths[0]!)).toBe('pack.zip');
  });

  it('discards the whole upload when a file brings more bytes than announced', async () => {
    const staging = new UploadStaging(paths);
    const { uploadId } = await staging.begin([
      { name: 'a.json', bytes: 2 },
      { name: 'b.json', bytes: 4 },
    ]);
    await staging.receive(uploadId, 0, chunks('ok'));
    const error = await refusal(staging.receive(uploadId, 1, chunks('four', 'more')));
    expect([error.code, error.message]).toEqual(['UPLOAD_SIZE_MISMATCH', '"b.json" refused: more than the 4 bytes announced for it']);
    expect(await stagingEntries()).toEqual([]);
    expect((await refusal(Promise.resolve().then(() => staging.staged(uploadId)))).code).toBe('UPLOAD_NOT_FOUND');
  });

  it('discards the whole upload when a file ends early, and refuses a file sent twice', async () => {
    const staging = new UploadStaging(paths);
    const first = await staging.begin([{ name: 'a.json', bytes: 10 }]);
    const short = await refusal(staging.receive(first.uploadId, 0, chunks('abc')));
    expect([short.code, short.message]).toEqual(['UPLOAD_INCOMPLETE', '"a.json" ended early: 3 of the 10 bytes announced arrived']);
    expect(await stagingEntries()).toEqual([]);

    const second = await staging.begin([{ name: 'a.json', bytes: 1 }]);
    await staging.receive(second.uploadId, 0, chunks('x'));
    const twice = await refusal(staging.receive(second.uploadId, 0, chunks('x')));
    expect(twice.code).toBe('UPLOAD_FILE_TWICE');
    const unknown = await refusal(staging.receive(second.uploadId, 5, chunks('x')));
    expect(unknown.code).toBe('UPLOAD_UNKNOWN_FILE');
  });

  it('will not import an upload that is missing files', async () => {
    const staging = new UploadStaging(paths);
    const { uploadId } = await staging.begin([
      { name: 'a.json', bytes: 1 },
      { name: 'b.json', bytes: 1 },
    ]);
    await staging.receive(uploadId, 0, chunks('a'));
    const error = await refusal(Promise.resolve().then(() => staging.staged(uploadId)));
    expect([error.code, error.message]).toEqual(['UPLOAD_INCOMPLETE', `upload ${uploadId} is missing 1 of its 2 files, first "b.json"`]);
  });

  it('drops uploads nobody wrote to for longer than the idle limit', async () => {
    let now = 1_000_000;
    const staging = new UploadStaging(paths, { limits: { idleMs: 60_000 }, now: () => now });
    const stale = await staging.begin([{ name: 'a.json', bytes: 1 }]);
    now += 61_000;
    const fresh = await staging.begin([{ name: 'b.json', bytes: 1 }]);
    expect(staging.ids()).toEqual([fresh.uploadId]);
    expect((await stagingEntries()).some((n) => n.endsWith(stale.uploadId))).toBe(false);
  });
});
