import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ModelsProgressEvent } from '../../electron/common/channels/models';
import type { AiprodBridge } from '../../electron/common/contract';
import { startHost, type HostHandle } from '../../electron/host';
import { createApi, type Api } from '../../renderer/src/lib/api';
import { createSocketBridge, type SocketLike } from '../../renderer/src/lib/socket-bridge';
import { flipByte, tinyPack, type PackFiles } from '../unit/engine/models/fixtures/packs';

// Dropped files reaching the importer when the studio runs in a browser: announced over the
// contract (models.uploadBegin), their bytes PUT to the host's upload route on 127.0.0.1 behind the
// same gate as the socket (Host, Origin, token cookie), then imported (models.import {uploadId}).
// The real host, the renderer's own socket client, the real library in a temporary AIPROD_HOME.

let root: string;
let home: string;
let host: HostHandle;
let origin: string;
let cookie: string;
let bridge: AiprodBridge & { close(): void };
let api: Api;
const progress: ModelsProgressEvent[] = [];
const savedHome = process.env.AIPROD_HOME;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'aiprod-upload-host-'));
  home = path.join(root, 'home');
  const rendererDir = path.join(root, 'renderer');
  await fs.mkdir(rendererDir);
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
  process.env.AIPROD_HOME = home;
  host = await startHost({ rendererDir });
  origin = `http://127.0.0.1:${host.port}`;
  cookie = `aiprod_token_${host.port}=${host.token}`;
  bridge = createSocketBridge(`ws://127.0.0.1:${host.port}/ws`, (url) => new WebSocket(url, { headers: { Cookie: cookie }, origin }) as unknown as SocketLike);
  api = createApi(bridge);
  api.subscribe('models.progress', (event) => progress.push(event));
});

afterAll(async () => {
  bridge?.close();
  await host?.close();
  if (savedHome === undefined) delete process.env.AIPROD_HOME;
  else process.env.AIPROD_HOME = savedHome;
  await fs.rm(root, { recursive: true, force: true });
});

interface PutAnswer {
  status: number;
  body: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

function put(target: string, body: Uint8Array, headers: Record<string, string> = { Origin: origin, Cookie: cookie }, method = 'PUT'): Promise<PutAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: host.port, path: target, method, headers: { 'Content-Length': String(body.length), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        // The host's own gate (wrong Host) answers in plain text before any route.
        const json = response.headers['content-type']?.startsWith('application/json') === true;
        resolve({ status: response.statusCode ?? 0, body: json ? (JSON.parse(text) as PutAnswer['body']) : { ok: false, error: { code: 'PLAIN_TEXT', message: text } } });
      });
    });
    // A refused upload is answered before its body is read, and the connection closed: not a failure here.
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    request.end(body);
  });
}

async function staging(): Promise<string[]> {
  return fs.readdir(path.join(home, 'models', '.staging')).catch(() => []);
}

async function upload(files: PackFiles, folder: string): Promise<string> {
  const list = [...files];
  const begun = await api.invoke('models.uploadBegin', { files: list.map(([name, bytes]) => ({ name: `${folder}/${name}`, bytes: bytes.length })) });
  expect(begun.urls).toHaveLength(list.length);
  for (const [i, [name, bytes]] of list.entries()) {
    const answer = await put(begun.urls[i]!, bytes);
    expect(answer, name).toEqual({ status: 200, body: { ok: true, value: { name: `${folder}/${name}`, bytes: bytes.length } } });
  }
  return begun.uploadId;
}

describe('uploading a dropped pack to the headless host', () => {
  it('stages every file, imports the staged copy, reports progress, and leaves nothing in staging', async () => {
    const files = tinyPack('uploaded');
    const uploadId = await upload(files, 'tiny-pack');
    const result = await api.invoke('models.import', { uploadId });
    expect(result).toMatchObject({ importId: uploadId, replaced: false, pack: { id: 'uploaded', status: 'ok', verified: true, source: 'imported', files: files.size } });
    expect(await staging()).toEqual([]);
    const mine = progress.filter((e) => e.importId === uploadId);
    const phases = [...new Set(mine.map((e) => e.phase))];
    expect(phases).toEqual(['upload', 'copy', 'done']);
    const total = [...files.values()].reduce((sum, b) => sum + b.length, 0);
    expect(mine.filter((e) => e.phase === 'upload').at(-1)).toMatchObject({ bytes: total, totalBytes: total, files: files.size, totalFiles: files.size });
    expect((await api.invoke('models.list')).map((p) => p.id)).toContain('uploaded');
  });

  it('refuses an upload that brings more bytes than announced, and drops it whole', async () => {
    const begun = await api.invoke('models.uploadBegin', { files: [{ name: 'a.json', bytes: 4 }, { name: 'b.json', bytes: 4 }] });
    expect((await put(begun.urls[0]!, Buffer.from('{}  '))).status).toBe(200);
    const answer = await put(begun.urls[1]!, Buffer.from('far more than four bytes'));
    expect(answer.status).toBe(413);
    expect(answer.body.error).toEqual({ code: 'UPLOAD_SIZE_MISMATCH', message: '"b.json" refused: more than the 4 bytes announced for it' });
    expect(await staging()).toEqual([]);
    await expect(api.invoke('models.import', { uploadId: begun.uploadId })).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
  });

  it('checks names, sizes and free disk before a byte is sent', async () => {
    await expect(api.invoke('models.uploadBegin', { files: [{ name: '-rf', bytes: 3 }] })).rejects.toMatchObject({ code: 'PACK_UNSAFE_FILE', message: '"-rf" refused: name refused: leading "-" (reads as an option to a command)' });
    await expect(api.invoke('models.uploadBegin', { files: [{ name: 'big.data', bytes: 400 * 1024 ** 3 }] })).rejects.toMatchObject({ code: 'DISK_SPACE' });
    await expect(api.invoke('models.uploadBegin', { files: [{ name: 'huge.data', bytes: 600 * 1024 ** 3 }] })).rejects.toMatchObject({ code: 'UPLOAD_TOO_LARGE' });
    expect(await staging()).toEqual([]);
  });

  it('imports nothing from an upload whose pack fails its checksums, and clears it', async () => {
    const before = await api.invoke('models.list');
    const files = tinyPack('tampered');
    files.set('vae_decoder.onnx', flipByte(Buffer.from(files.get('vae_decoder.onnx')!), 33));
    const uploadId = await upload(files, 'tampered');
    await expect(api.invoke('models.import', { uploadId })).rejects.toMatchObject({ code: 'PACK_CHECKSUM_MISMATCH' });
    expect(progress.filter((e) => e.importId === uploadId).at(-1)).toMatchObject({ phase: 'failed', error: { code: 'PACK_CHECKSUM_MISMATCH' } });
    expect(await api.invoke('models.list')).toEqual(before);
    expect(await staging()).toEqual([]);
    expect((await fs.readdir(path.join(home, 'models'))).sort()).toEqual(['.staging', 'uploaded']);
  });
});

describe("the upload route's gate", () => {
  it('answers only the studio page of this host, with its token cookie, by PUT', async () => {
    const begun = await api.invoke('models.uploadBegin', { files: [{ name: 'x.json', bytes: 2 }] });
    const url = begun.urls[0]!;
    const body = Buffer.from('{}');
    const refusals: [string, PutAnswer][] = [
      ['no cookie', await put(url, body, { Origin: origin })],
      ['token in the query only', await put(`${url}?token=${host.token}`, body, { Origin: origin })],
      ['another origin', await put(url, body, { Origin: 'http://evil.example', Cookie: cookie })],
      ['no origin', await put(url, body, { Cookie: cookie })],
    ];
    for (const [what, answer] of refusals) {
      expect([what, answer.status, answer.body.error?.code]).toEqual([what, 403, 'FORBIDDEN_SENDER']);
    }
    const rebound = await put(url, body, { Origin: origin, Cookie: cookie, Host: `localhost:${host.port}` });
    expect([rebound.status, rebound.body.error?.message]).toEqual([403, 'Forbidden: wrong Host header\n']);
    expect((await put(url, body, { Origin: origin, Cookie: cookie }, 'POST')).status).toBe(405);
    expect((await put('/upload/models/0123456789abcdef0123456789abcdef/0', body)).body.error?.code).toBe('UPLOAD_NOT_FOUND');
    expect((await put('/upload/models/../../etc/passwd', body)).status).toBe(404);
    // None of those wrote a byte; the announced file can still arrive.
    expect((await put(url, body)).status).toBe(200);
    expect(await api.invoke('models.uploadCancel', { uploadId: begun.uploadId })).toEqual({ cancelled: true });
    expect(await staging()).toEqual([]);
  });
});
