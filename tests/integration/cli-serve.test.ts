// `aiprod serve`: prints the 127.0.0.1 URL with its token on stdout, answers only with that token,
// and stops cleanly (exit 0) on Ctrl+C.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, ROOT, scratchDir } from './cli-helpers';

const dir = scratchDir('cli-serve');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aiprod serve', () => {
  it('serves on 127.0.0.1 behind its token and exits 0 on SIGINT', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/aiprod.mjs'), 'serve', '--port', '0'], { cwd: ROOT, env: cliEnv(path.join(dir, 'home')), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8');
      while (!stdout.includes('\n')) {
        const [chunk] = (await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => [null])])) as [string | null];
        if (chunk === null) throw new Error(`serve exited early: ${stderr}`);
        stdout += chunk;
      }
      const url = new URL(stdout.trim());
      expect(url.hostname).toBe('127.0.0.1');
      const token = url.searchParams.get('token');
      expect(token).toMatch(/\S{16,}/);

      const withoutToken = await fetch(`${url.origin}/`);
      expect(withoutToken.status).toBe(403);
      await withoutToken.body?.cancel();
      // The token is traded for a cookie and a redirect that drops it from the address bar.
      const withToken = await fetch(url, { redirect: 'manual' });
      expect(withToken.status).toBe(303);
      expect(withToken.headers.get('set-cookie')).toContain(token);
      await withToken.body?.cancel();
    } finally {
      if (child.exitCode === null) child.kill('SIGINT');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, stderr).toBe(0);
  });
});
