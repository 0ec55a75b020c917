import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { ffmpegInfo, locateFfmpeg, readFfmpegVersion, resetFfmpegCache } from '../../../../engine/media/ffmpeg-locate';

let dir: string;
let fakeStatic: string;
let pathDir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-locate-'));
  fakeStatic = path.join(dir, 'ffmpeg-static-bin');
  writeFileSync(fakeStatic, '#!/bin/sh\n');
  chmodSync(fakeStatic, 0o755);
  pathDir = path.join(dir, 'bin');
  rmSync(pathDir, { recursive: true, force: true });
  writeFileSync(path.join(dir, 'not-executable'), 'x');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function locateError(fn: () => unknown): AiprodError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AiprodError);
    expect((error as AiprodError).code).toBe('FFMPEG_NOT_FOUND');
    return error as AiprodError;
  }
  throw new Error('expected FFMPEG_NOT_FOUND');
}

describe('locateFfmpeg', () => {
  it('prefers the ffmpeg-static binary when its file exists, over FFMPEG_BIN and PATH', () => {
    const found = locateFfmpeg({ staticBinary: fakeStatic, env: { FFMPEG_BIN: '/usr/bin/ffmpeg', PATH: '/usr/bin' }, platform: 'linux' });
    expect(found).toEqual({ path: fakeStatic, source: 'ffmpeg-static' });
  });

  it('uses FFMPEG_BIN when ffmpeg-static is absent or its binary was never downloaded', () => {
    for (const staticBinary of [null, path.join(dir, 'missing-static')]) {
      expect(locateFfmpeg({ staticBinary, env: { FFMPEG_BIN: fakeStatic, PATH: '/usr/bin' }, platform: 'linux' })).toEqual({ path: fakeStatic, source: 'FFMPEG_BIN' });
    }
  });

  it('names a FFMPEG_BIN that does not exist (or is not executable) and says how to fix it', () => {
    for (const bad of [path.join(dir, 'nope', 'ffmpeg'), path.join(dir, 'not-executable')]) {
      const error = locateError(() => locateFfmpeg({ staticBinary: null, env: { FFMPEG_BIN: bad, PATH: '/usr/bin' }, platform: 'linux' }));
      expect(error.message).toContain(bad);
      expect(error.message).toContain('apt-get install ffmpeg');
      expect(error.message).toContain('FFMPEG_BIN');
    }
  });

  it('falls back to the first ffmpeg on PATH', () => {
    const found = locateFfmpeg({ staticBinary: null, env: { PATH: [path.join(dir, 'empty'), '/usr/bin'].join(path.delimiter) }, platform: 'linux' });
    expect(found).toEqual({ path: '/usr/bin/ffmpeg', source: 'PATH' });
  });

  it('explains how to install ffmpeg when there is none at all', () => {
    const error = locateError(() => locateFfmpeg({ staticBinary: null, env: { PATH: dir }, platform: 'linux' }));
    expect(error.message).toMatch(/apt-get install ffmpeg.*FFMPEG_BIN/);
  });
});

describe('ffmpegInfo', () => {
  it('reports path, source and version of the real ffmpeg, and the ffprobe beside it', async () => {
    resetFfmpegCache();
    const info = await ffmpegInfo();
    expect(info.version).toMatch(/^\S+$/);
    expect(['ffmpeg-static', 'FFMPEG_BIN', 'PATH']).toContain(info.source);
    expect(await ffmpegInfo()).toBe(info);
  });

  it('rejects a binary that is not ffmpeg', async () => {
    await expect(readFfmpegVersion('/bin/true')).rejects.toMatchObject({ code: 'FFMPEG_NOT_FOUND', message: expect.stringContaining('/bin/true') });
  });
});
