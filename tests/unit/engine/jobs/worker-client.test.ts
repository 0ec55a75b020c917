// The client's bookkeeping, driven through its launcher interface by a scripted worker. The real
// forked worker (and a real SIGKILL) is exercised in tests/integration/worker-crash.test.ts.
import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { WorkerClient, type WorkerExit, type WorkerHandle, type WorkerLauncher } from '../../../../engine/jobs/worker-client';
import { FromWorker, ToWorker } from '../../../../engine/jobs/worker-protocol';
import type { RenderShotResult } from '../../../../engine/render/result';

class ScriptedWorker implements WorkerHandle {
  readonly sent: ToWorker[] = [];
  private messageListeners: ((m: unknown) => void)[] = [];
  private exitListeners: ((e: WorkerExit) => void)[] = [];
  killed = false;
  constructor(readonly pid: number) {}
  send(message: ToWorker): void {
    this.sent.push(ToWorker.parse(message));
  }
  onMessage(listener: (m: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (e: WorkerExit) => void): void {
    this.exitListeners.push(listener);
  }
  kill(): void {
    this.killed = true;
    this.exit({ code: null, signal: 'SIGKILL' });
  }
  emit(message: unknown): void {
    for (const l of this.messageListeners) l(message);
  }
  exit(exit: WorkerExit): void {
    for (const l of this.exitListeners) l(exit);
  }
  lastJobId(): string {
    const render = this.sent.filter((m) => m.type === 'render').at(-1);
    if (render?.type !== 'render') throw new Error('no render sent');
    return render.jobId;
  }
}

class ScriptedLauncher implements WorkerLauncher {
  readonly workers: ScriptedWorker[] = [];
  launch(): ScriptedWorker {
    const worker = new ScriptedWorker(1000 + this.workers.length);
    this.workers.push(worker);
    return worker;
  }
}

const job = { request: { prompt: 'a red fox', seed: 1 }, options: { output: '/tmp/x.mp4', packSearchDirs: [], device: 'cpu' as const } };

function result(output: string): RenderShotResult {
  return {
    output,
    record: output.replace(/\.mp4$/, '.json'),
    frames: 4,
    width: 16,
    height: 16,
    fps: 8,
    seed: 1,
    steps: 2,
    guidance: 3,
    tier: 'standard',
    upscale: false,
    model: { id: 'tiny-test', version: '1.0.0' },
    executionProvider: 'cpu',
    warnings: [],
    timings: { totalMs: 10, denoiseMs: 5, packLoadMs: 1, pipelineMs: 7, videoEncodeMs: 2 },
    frameHash: 'a'.repeat(64),
    outputSha256: 'b'.repeat(64),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('WorkerClient', () => {
  it('relays progress and resolves with the worker’s result', async () => {
    const launcher = new ScriptedLauncher();
    const spawned: (number | undefined)[] = [];
    const client = new WorkerClient({ launcher, onSpawn: (pid) => spawned.push(pid) });
    const stages: string[] = [];
    const rendering = client.render(job, { onProgress: (p) => stages.push(`${p.stage} ${p.step}/${p.totalSteps}`) });
    await tick();
    const worker = launcher.workers[0] as ScriptedWorker;
    const jobId = worker.lastJobId();
    worker.emit({ type: 'progress', jobId, progress: { stage: 'denoise', step: 1, totalSteps: 2, elapsedMs: 3 } });
    worker.emit({ type: 'done', jobId, result: result('/tmp/x.mp4') });
    await expect(rendering).resolves.toMatchObject({ output: '/tmp/x.mp4', executionProvider: 'cpu' });
    expect(stages).toEqual(['denoise 1/2']);
    expect(spawned).toEqual([1000]);
    expect(client.pid).toBe(1000);
  });

  it('turns a worker that dies mid-job into WORKER_CRASHED for that job, and starts a fresh worker for the next', async () => {
    const launcher = new ScriptedLauncher();
    const client = new WorkerClient({ launcher });
    const first = client.render(job);
    await tick();
    const dying = launcher.workers[0] as ScriptedWorker;
    const firstJob = dying.lastJobId();
    dying.exit({ code: null, signal: 'SIGKILL' });
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiprodError);
    expect((error as AiprodError).code).toBe('WORKER_CRASHED');
    expect((error as AiprodError).message).toContain('SIGKILL');
    expect((error as AiprodError).message).toContain(firstJob);
    expect(client.pid).toBeUndefined();

    const second = client.render(job);
    await tick();
    const fresh = launcher.workers[1] as ScriptedWorker;
    fresh.emit({ type: 'done', jobId: fresh.lastJobId(), result: result('/tmp/y.mp4') });
    await expect(second).resolves.toMatchObject({ output: '/tmp/y.mp4' });
  });

  it('keeps the error code and kind the worker reported', async () => {
    const launcher = new ScriptedLauncher();
    const client = new WorkerClient({ launcher });
    const rendering = client.render(job);
    await tick();
    const worker = launcher.workers[0] as ScriptedWorker;
    worker.emit({ type: 'failed', jobId: worker.lastJobId(), error: { code: 'MODEL_NOT_FOUND', kind: 'input', message: 'no model "x"' } });
    const error = (await rendering.catch((e: unknown) => e)) as AiprodError;
    expect([error.code, error.kind, error.message]).toEqual(['MODEL_NOT_FOUND', 'input', 'no model "x"']);
  });

  it('kills a worker that breaks the protocol and fails the job with WORKER_PROTOCOL', async () => {
    const launcher = new ScriptedLauncher();
    const client = new WorkerClient({ launcher });
    const rendering = client.render(job);
    await tick();
    const worker = launcher.workers[0] as ScriptedWorker;
    worker.emit({ type: 'done', jobId: worker.lastJobId(), result: { output: 42 } });
    expect(((await rendering.catch((e: unknown) => e)) as AiprodError).code).toBe('WORKER_PROTOCOL');
    expect(worker.killed).toBe(true);
  });

  it('sends cancel on abort, and kills a worker that does not stop within the grace period', async () => {
    const launcher = new ScriptedLauncher();
    const client = new WorkerClient({ launcher, cancelGraceMs: 20 });
    const controller = new AbortController();
    const rendering = client.render(job, { signal: controller.signal });
    await tick();
    const worker = launcher.workers[0] as ScriptedWorker;
    controller.abort();
    expect(worker.sent.map((m) => m.type)).toEqual(['render', 'cancel']);
    const error = (await rendering.catch((e: unknown) => e)) as AiprodError;
    expect(error.code).toBe('CANCELLED');
    expect(worker.killed).toBe(true);
  });

  it('runs jobs one after another', async () => {
    const launcher = new ScriptedLauncher();
    const client = new WorkerClient({ launcher });
    const a = client.render({ ...job, jobId: 'a' });
    const b = client.render({ ...job, jobId: 'b' });
    await tick();
    const worker = launcher.workers[0] as ScriptedWorker;
    expect(worker.sent.filter((m) => m.type === 'render').length).toBe(1);
    worker.emit({ type: 'done', jobId: 'a', result: result('/tmp/a.mp4') });
    await a;
    await tick();
    expect(worker.lastJobId()).toBe('b');
    worker.emit({ type: 'done', jobId: 'b', result: result('/tmp/b.mp4') });
    await expect(b).resolves.toMatchObject({ output: '/tmp/b.mp4' });
  });
});

describe('worker protocol', () => {
  it('rejects a worker message without its required fields', () => {
    expect(FromWorker.safeParse({ type: 'progress', jobId: 'a' }).success).toBe(false);
    expect(FromWorker.safeParse({ type: 'failed', jobId: 'a', error: { code: 'X', message: 'm', kind: 'input' } }).success).toBe(true);
  });
});
