import { mkdir, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaUrl, parseMediaTarget } from '../../../../electron/common/channels/media';
import { answerMedia, planByteRange } from '../../../../electron/handlers/media-route';

describe('planByteRange', () => {
  it.each([
    [undefined, { kind: 'whole' }],
    ['bytes=0-', { kind: 'part', start: 0, end: 999 }],
    ['bytes=100-199', { kind: 'part', start: 100, end: 199 }],
    ['bytes=900-5000', { kind: 'part', start: 900, end: 999 }],
    ['bytes=-100', { kind: 'part', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'part', start: 0, end: 999 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-2', { kind: 'whole' }],
    ['bytes=0-1,5-9', { kind: 'whole' }],
    ['items=0-1', { kind: 'whole' }],
    ['bytes=-', { kind: 'whole' }],
  ] as const)('reads %s of a 1000-byte file', (header, plan) => {
    expect(planByteRange(header, 1000)).toEqual(plan);
  });
});

describe('the media URL', () => {
  it('round-trips folders and files with odd characters', () => {
    const folder = "/home/me/My Films/été & co+1?#'";
    const file = 'renders/s 1/j+1.mp4';
    expect(parseMediaTarget(mediaUrl(folder, file))).toEqual({ kind: 'file', project: folder, file });
  });

  it('is the media route only on its own path, with exactly one project and one file', () => {
    expect(parseMediaTarget('/index.html')).toEqual({ kind: 'not-media' });
    expect(parseMediaTarget('/media/x?project=a&file=b')).toEqual({ kind: 'not-media' });
    expect(parseMediaTarget('/media?project=a')).toMatchObject({ kind: 'bad' });
    expect(parseMediaTarget('/media?project=a&project=b&file=c')).toMatchObject({ kind: 'bad' });
  });
});

describe('answerMedia', () => {
  let project: string;
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

  beforeAll(async () => {
    project = await mkdtemp(path.join(os.tmpdir(), 'aiprod-media-route-'));
    await mkdir(path.join(project, 'renders', 's1'), { recursive: true });
    await writeFile(path.join(project, 'renders', 's1', 'j1.mp4'), bytes);
  });
  afterAll(() => rm(project, { recursive: true, force: true }));
  const open = () => [project];

  it('answers the whole file, then a range of it', async () => {
    const whole = await answerMedia(open, mediaUrl(project, 'renders/s1/j1.mp4'), undefined);
    expect(whole).toMatchObject({ kind: 'file', status: 200, start: 0, end: 255, length: 256, headers: { 'Content-Type': 'video/mp4', 'Content-Length': '256', 'Accept-Ranges': 'bytes' } });
    const part = await answerMedia(open, mediaUrl(project, 'renders/s1/j1.mp4'), 'bytes=16-31');
    expect(part).toMatchObject({ kind: 'file', status: 206, start: 16, end: 31, length: 16, headers: { 'Content-Range': 'bytes 16-31/256', 'Content-Length': '16' } });
    expect(await answerMedia(open, mediaUrl(project, 'renders/s1/j1.mp4'), 'bytes=256-')).toMatchObject({ kind: 'refused', status: 416, headers: { 'Content-Range': 'bytes */256' } });
  });

  it('refuses with 403 what is not served, 404 what is missing, 400 a malformed URL', async () => {
    expect(await answerMedia(() => [], mediaUrl(project, 'renders/s1/j1.mp4'), undefined)).toMatchObject({ kind: 'refused', status: 403 });
    expect(await answerMedia(open, mediaUrl(project, 'renders/../renders/s1/j1.mp4'), undefined)).toMatchObject({ kind: 'refused', status: 403 });
    expect(await answerMedia(open, mediaUrl(project, 'renders/s1/none.mp4'), undefined)).toMatchObject({ kind: 'refused', status: 404 });
    expect(await answerMedia(open, '/media?file=x', undefined)).toMatchObject({ kind: 'refused', status: 400 });
    expect(await answerMedia(open, '/assets/app.js', undefined)).toEqual({ kind: 'not-media' });
  });
});
