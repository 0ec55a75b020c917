import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaUrl } from '../../../../electron/common/channels/media';
import { createAppProtocolHandler } from '../../../../electron/main/protocol';

// Electron's side of the media route: app://studio/media answered by the app:// protocol handler,
// for the open projects only, with byte ranges, and the renderer files still served as before.

let dir: string;
let rendererDir: string;
let project: string;
const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
let open: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-app-media-'));
  rendererDir = path.join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>STUDIO</title>');
  project = path.join(dir, 'film');
  await mkdir(path.join(project, 'audio'), { recursive: true });
  await writeFile(path.join(project, 'audio', 'music.wav'), bytes);
  await writeFile(path.join(project, 'project.aiprod.json'), '{}');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const handler = () => createAppProtocolHandler(rendererDir, () => open);
const get = (url: string, headers: Record<string, string> = {}) => handler()({ url, method: 'GET', headers: new Headers(headers) });

describe('app://studio/media', () => {
  it('serves an open project\'s audio, whole and in ranges', async () => {
    open = [project];
    const whole = await get(`app://studio${mediaUrl(project, 'audio/music.wav')}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await get(`app://studio${mediaUrl(project, 'audio/music.wav')}`, { Range: 'bytes=-50' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 250-299/300');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(250))).toBe(true);
    expect(part.headers.get('content-security-policy')).toContain("media-src 'self'");
  });

  it('refuses closed projects, traversal and the project file', async () => {
    open = [];
    expect((await get(`app://studio${mediaUrl(project, 'audio/music.wav')}`)).status).toBe(403);
    open = [project];
    expect((await get(`app://studio${mediaUrl(project, 'project.aiprod.json')}`)).status).toBe(403);
    expect((await get(`app://studio${mediaUrl(project, 'audio/../project.aiprod.json')}`)).status).toBe(403);
    expect((await get(`app://studio/media?project=${encodeURIComponent(project)}`)).status).toBe(400);
  });

  it('leaves the renderer files as they were', async () => {
    const index = await get('app://studio/index.html');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('STUDIO');
    // A handler made without the media route (as before) does not serve it.
    const plain = await createAppProtocolHandler(rendererDir)({ url: `app://studio${mediaUrl(project, 'audio/music.wav')}`, method: 'GET' });
    expect(plain.status).toBe(404);
  });
});
