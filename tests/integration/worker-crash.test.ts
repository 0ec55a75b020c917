// The render worker is a real child process (dist/node/worker.js, forked by the client). Killing it
// with SIGKILL in the middle of a render must fail that job with WORKER_CRASHED, leave this process
// (the caller) running, leave no output behind, and the next render must start a new worker and work.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../engine/errors';
import { WorkerClient } from '../../engine/jobs/worker-client';
import { buildBundles, scratchDir, TINY_PACK_DIR, TINY_PACK_ID } from './cli-helpers';

const dir = scratchDir('worker-crash');
const client = new WorkerClient();
const options = (output: string) => ({ output, packSearchDirs: [TINY_PACK_DIR], device: 'cpu' as const });
const request = { prompt: 'a red ball rolling', model: TINY_PACK_ID, seed: 3, steps: 200, frames: 8 };

beforeAll(() => buildBundles());
afterAll(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('worker crash', () => {
  it('turns a SIGKILL mid-render into WORKER_CRASHED for that job, and the next render succeeds in a new worker', async () => {
    const crashedOut = path.join(dir, 'crashed.mp4');
    let killedPid: number | undefined;
    const crashed = await client
      .render(
        { jobId: 'job-killed', request, options: options(crashedOut) },
        {
          onProgress: (p) => {
            // The first denoising step: the pipeline is mid-way, the MP4 not yet begun.
            if (p.stage === 'denoise' && killedPid === undefined) {
              killedPid = client.pid;
              if (killedPid !== undefined) process.kill(killedPid, 'SIGKILL');
            }
          },
        },
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(killedPid).toBeTypeOf('number');
    expect(crashed).toBeInstanceOf(AiprodError);
    const error = crashed as AiprodError;
    expect(error.code).toBe('WORKER_CRASHED');
    expect(error.kind).toBe('work');
    expect(error.message).toContain('SIGKILL');
    expect(error.message).toContain('job-killed');
    expect(error.detail).toMatchObject({ jobId: 'job-killed', pid: killedPid, signal: 'SIGKILL' });
    expect(existsSync(crashedOut)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.mp4'))).toEqual([]);

    const nextOut = path.join(dir, 'next.mp4');
    const result = await client.render({ jobId: 'job-after', request: { ...request, steps: 4 }, options: options(nextOut) });
    expect(result.output).toBe(nextOut);
    expect(existsSync(nextOut)).toBe(true);
    expect(client.pid).toBeTypeOf('number');
    expect(client.pid).not.toBe(killedPid);
  });

  it('reports a failed render with the worker’s own error and keeps the worker for the next job', async () => {
    const pidBefore = client.pid;
    const failed = await client.render({ request: { ...request, model: 'missing-model' }, options: options(path.join(dir, 'missing.mp4')) }).catch((e: unknown) => e);
    expect((failed as AiprodError).code).toBe('PACK_NOT_FOUND');
    expect((failed as AiprodError).kind).toBe('input');
    expect(client.pid).toBe(pidBefore);
  });

  it('cancels a running render through its AbortSignal, leaving no output', async () => {
    const out = path.join(dir, 'cancelled.mp4');
    const controller = new AbortController();
    const cancelled = await client
      .render({ request, options: options(out) }, { signal: controller.signal, onProgress: (p) => p.stage === 'denoise' && controller.abort() })
      .catch((e: unknown) => e);
    expect((cancelled as AiprodError).code).toBe('CANCELLED');
    expect(existsSync(out)).toBe(false);
  });
});
