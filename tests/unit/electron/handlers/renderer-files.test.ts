import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, contentTypeOf, resolveRendererFile } from '../../../../electron/handlers/renderer-files';

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-files-'));
  bundle = path.join(dir, 'renderer');
  await mkdir(path.join(bundle, 'assets'), { recursive: true });
  await writeFile(path.join(bundle, 'index.html'), 'index');
  await writeFile(path.join(bundle, 'assets', 'app.js'), 'js');
  await writeFile(path.join(bundle, 'assets', 'a b.css'), 'css');
  await writeFile(path.join(dir, 'secret.txt'), 'SECRET');
  await symlink(path.join(dir, 'secret.txt'), path.join(bundle, 'assets', 'link.txt'));
  await mkdir(path.join(dir, 'renderer-evil'));
  await writeFile(path.join(dir, 'renderer-evil', 'x.js'), 'evil');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveRendererFile', () => {
  it('maps paths inside the bundle to their files, and folders to index.html', async () => {
    expect(await resolveRendererFile(bundle, '/')).toEqual({ ok: true, file: path.join(bundle, 'index.html') });
    expect(await resolveRendererFile(bundle, '/index.html')).toEqual({ ok: true, file: path.join(bundle, 'index.html') });
    expect(await resolveRendererFile(bundle, '/assets/app.js')).toEqual({ ok: true, file: path.join(bundle, 'assets', 'app.js') });
    expect(await resolveRendererFile(bundle, '/assets/a%20b.css')).toEqual({ ok: true, file: path.join(bundle, 'assets', 'a b.css') });
  });

  it.each([
    ['/../secret.txt', 403],
    ['/assets/../../secret.txt', 403],
    ['/%2e%2e/secret.txt', 403],
    ['/%2E%2e/secret.txt', 403],
    ['/assets/%2e%2e/%2e%2e/secret.txt', 403],
    ['/./index.html', 403],
    ['/%2e/index.html', 403],
    ['/..%2fsecret.txt', 403],
    ['/assets%2F..%2F..%2Fsecret.txt', 403],
    ['/..%5csecret.txt', 403],
    ['/..\\secret.txt', 403],
    ['/%00index.html', 403],
    ['//etc/passwd', 403],
    ['/C:/Windows/win.ini', 403],
    ['etc/passwd', 403],
    ['http://evil/index.html', 403],
    ['/../renderer-evil/x.js', 403],
    ['/%E0%A4%A', 400],
    ['/assets/link.txt', 403],
    ['/missing.js', 404],
    ['/assets', 404],
  ])('refuses %s (%i)', async (raw, status) => {
    const result = await resolveRendererFile(bundle, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.status).toBe(status);
  });
});

describe('contentTypeOf and the CSP', () => {
  it('names the types the bundle holds', () => {
    expect(contentTypeOf('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('a/x.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('a/x.bin')).toBe('application/octet-stream');
  });

  it('allows only self, plus the connect origins given', () => {
    const csp = contentSecurityPolicy({ connect: ['ws://127.0.0.1:4000'] });
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4000");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)|\*/);
  });
});
