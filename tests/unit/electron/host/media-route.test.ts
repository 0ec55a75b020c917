import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mediaUrl } from '../../../../electron/common/channels/media';
import { startHost, type HostHandle } from '../../../../electron/host';
import { newProjectDocument, writeProject } from '../../../../engine/projects';
import { stubServices } from '../stub-services';
import { rawRequest } from './raw-http';

// The host's media route: the token gate in front of it, only projects the host has open, and
// byte ranges for a <video>'s seeking.

let dir: string;
let project: string;
let host: HostHandle;
let cookie: string;
const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const savedHome = process.env.AIPROD_HOME;

/** One invoke over the host's socket, as the page makes it. */
async function invoke(channel: string, payload: unknown): Promise<{ ok: boolean }> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { origin: `http://127.0.0.1:${host.port}`, headers: { Cookie: cookie } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const answer = new Promise<{ result: { ok: boolean } }>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as { result: { ok: boolean } })));
  ws.send(JSON.stringify({ kind: 'invoke', id: 1, channel, payload }));
  const { result } = await answer;
  ws.close();
  return result;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-host-media-'));
  process.env.AIPROD_HOME = path.join(dir, 'home');
  const rendererDir = path.join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>STUDIO</title>');
  project = path.join(dir, 'film');
  await mkdir(path.join(project, 'renders', 's1'), { recursive: true });
  await writeProject(project, newProjectDocument('Film', new Date()));
  await writeFile(path.join(project, 'renders', 's1', 'j1.mp4'), bytes);
  host = await startHost({ rendererDir, services: stubServices(), networkGuard: false });
  cookie = `aiprod_token_${host.port}=${host.token}`;
});

afterAll(async () => {
  await host.close();
  if (savedHome === undefined) delete process.env.AIPROD_HOME;
  else process.env.AIPROD_HOME = savedHome;
  await rm(dir, { recursive: true, force: true });
});

const target = () => mediaUrl(project, 'renders/s1/j1.mp4');

describe('the host media route', () => {
  it('refuses a project the host has not opened, then serves it once opened, and not after it is closed', async () => {
    expect((await rawRequest(host.port, target(), { Cookie: cookie })).status).toBe(403);
    expect((await invoke('projects.open', { folder: project })).ok).toBe(true);
    const whole = await rawRequest(host.port, target(), { Cookie: cookie });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-length']).toBe('1000');
    expect(whole.headers['content-security-policy']).toContain("media-src 'self'");
    expect(Buffer.from(whole.body, 'latin1').length).toBeGreaterThan(0);
    expect((await invoke('projects.close', { folder: project })).ok).toBe(true);
    expect((await rawRequest(host.port, target(), { Cookie: cookie })).status).toBe(403);
  });

  it('requires the token and the exact Host, like every other request', async () => {
    expect((await invoke('projects.open', { folder: project })).ok).toBe(true);
    const noToken = await rawRequest(host.port, target());
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('per-run token');
    expect((await rawRequest(host.port, target(), { Cookie: `aiprod_token_${host.port}=${'x'.repeat(43)}` })).status).toBe(403);
    // A token in the query is traded for the cookie by a redirect: no media without the cookie.
    const viaQuery = await rawRequest(host.port, `${target()}&token=${host.token}`);
    expect(viaQuery.status).toBe(303);
    expect(viaQuery.headers['content-type']).toContain('text/plain');
    // A foreign Host (DNS rebinding), with the cookie.
    const rebound = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: host.port }, () =>
        socket.write(`GET ${target()} HTTP/1.1\r\nHost: evil.example:${host.port}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(rebound).toMatch(/^HTTP\/1\.1 403 /);
  });

  it('serves byte ranges for seeking, and says so when a range is past the end', async () => {
    const part = await rawRequest(host.port, target(), { Cookie: cookie, Range: 'bytes=100-109' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-109/1000');
    expect(part.headers['content-length']).toBe('10');
    expect([...Buffer.from(part.body, 'latin1')]).toEqual([...bytes.subarray(100, 110)]);
    const past = await rawRequest(host.port, target(), { Cookie: cookie, Range: 'bytes=1000-' });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */1000');
  });

  it('refuses traversal and files that are not media, even in an open project', async () => {
    for (const file of ['project.aiprod.json', 'renders/../project.aiprod.json', 'renders/s1/../../project.aiprod.json', '../film/renders/s1/j1.mp4']) {
      const answer = await rawRequest(host.port, mediaUrl(project, file), { Cookie: cookie });
      expect(answer.status, file).toBe(403);
    }
    expect((await rawRequest(host.port, mediaUrl(`${project}/renders/..`, 'renders/s1/j1.mp4'), { Cookie: cookie })).status).toBe(403);
    expect((await rawRequest(host.port, mediaUrl(project, 'renders/s1/nothing.mp4'), { Cookie: cookie })).status).toBe(404);
  });
});
