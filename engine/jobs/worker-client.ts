// Runs renders in a separate worker process so that a crash of onnxruntime, ffmpeg or sharp fails
// one job and never the caller. The process is started through a small launcher interface: in Node
// it is child_process.fork of dist/node/worker.js; Electron's main passes a utilityProcess launcher
// (the engine never imports electron). A crashed worker is forgotten; the next job starts a new one.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AiprodError, workError } from '../errors';
import { removeRenderLeftovers } from '../render/leftovers';
import type { RenderRequestInput } from '../render/request';
import type { RenderPreview, RenderProgress, RenderShotResult } from '../render/result';
import { projectRoot } from '../system/paths';
import { describeSchemaError, FromWorker, type RenderJobOptions, type ToWorker, type WireError } from './worker-protocol';

export interface WorkerExit {
  /** Exit code when the process exited by itself. */
  code: number | null;
  /** Signal name when it was killed (SIGKILL, SIGSEGV, ...). */
  signal: string | null;
  /** Set when the process could not be started or failed outside the protocol. */
  error?: string;
}

/** One running worker process, as the client needs to see it. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, when the process is gone (or could not start). */
  onExit(listener: (exit: WorkerExit) => void): void;
  kill(): void;
}

export interface WorkerLauncher {
  launch(): WorkerHandle;
}

/** dist/node/worker.js: next to the running bundle, else in the project's dist folder. */
export function resolveWorkerScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'worker.js'), path.join(projectRoot(), 'dist', 'node', 'worker.js')];
  const found = candidates.find((c) => existsSync(c));
  if (found !== undefined) return found;
  throw workError('WORKER_MISSING', `the render worker ${candidates[candidates.length - 1]} is missing: run \`npm run build\``, { detail: { candidates } });
}

/** child_process.fork of the worker bundle. The worker's stdout goes to our stderr, keeping stdout for results. */
export function forkLauncher(script?: string): WorkerLauncher {
  return {
    launch(): WorkerHandle {
      const file = script ?? resolveWorkerScript();
      const child = fork(file, [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], serialization: 'json', execArgv: [] });
      child.stdout?.pipe(process.stderr, { end: false });
      const exitListeners: ((exit: WorkerExit) => void)[] = [];
      let exited = false;
      const finish = (exit: WorkerExit) => {
        if (exited) return;
        exited = true;
        for (const listener of exitListeners) listener(exit);
      };
      child.on('exit', (code, signal) => finish({ code, signal }));
      child.on('error', (error) => {
        // 'error' without 'exit' means the process never started or could not be signalled.
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) return;
        finish({ code: null, signal: null, error: error.message });
      });
      return {
        get pid() {
          return child.pid;
        },
        send(message) {
          if (child.connected) child.send(message);
        },
        onMessage(listener) {
          child.on('message', listener);
        },
        onExit(listener) {
          exitListeners.push(listener);
        },
        kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        },
      };
    },
  };
}

export interface RenderJob {
  /** Defaults to a random UUID. */
  jobId?: string;
  request: RenderRequestInput;
  options: RenderJobOptions;
}

export interface RenderJobCallbacks {
  onProgress?: (progress: RenderProgress) => void;
  onPreview?: (preview: RenderPreview) => void;
  signal?: AbortSignal;
}

export interface WorkerClientOptions {
  launcher?: WorkerLauncher;
  /** Told the pid of every worker process started, e.g. to watch it. */
  onSpawn?: (pid: number | undefined) => void;
  /** How long a cancelled job may take to stop before its worker is killed. */
  cancelGraceMs?: number;
}

interface ActiveJob {
  jobId: string;
  worker: WorkerHandle;
  output: string;
  callbacks: RenderJobCallbacks;
  resolve: (result: RenderShotResult) => void;
  reject: (error: AiprodError) => void;
}

/** A killed worker cannot remove its temporary files; nothing half-written may stay behind. */
function cleanUpAfter(worker: WorkerHandle, output: string): void {
  if (worker.pid === undefined) return;
  try {
    removeRenderLeftovers(output, worker.pid);
  } catch {
    // Best effort: the crash or the cancel is what gets reported.
  }
}

function fromWire(error: WireError): AiprodError {
  return new AiprodError(error.code, error.message, error.detail === undefined ? { kind: error.kind } : { kind: error.kind, detail: error.detail });
}

function describeExit(exit: WorkerExit): string {
  if (exit.error !== undefined) return `failed: ${exit.error}`;
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}

export class WorkerClient {
  private readonly launcher: WorkerLauncher;
  private readonly onSpawn: ((pid: number | undefined) => void) | undefined;
  private readonly cancelGraceMs: number;
  private worker: WorkerHandle | undefined;
  private active: ActiveJob | undefined;
  /** Jobs run one after another in one worker; this is the end of the line. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: WorkerClientOptions = {}) {
    this.launcher = options.launcher ?? forkLauncher();
    this.onSpawn = options.onSpawn;
    this.cancelGraceMs = options.cancelGraceMs ?? 10_000;
  }

  /** The pid of the current worker process, if one is running. */
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  /** Renders one shot in the worker. Rejects with an AiprodError: the render's own, WORKER_CRASHED or CANCELLED. */
  render(job: RenderJob, callbacks: RenderJobCallbacks = {}): Promise<RenderShotResult> {
    const run = this.tail.then(() => this.runJob(job, callbacks));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Asks the worker to exit and waits for it; kills it if it does not go within the grace period. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (worker === undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => worker.kill(), this.cancelGraceMs);
      worker.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      worker.send({ type: 'shutdown' });
    });
    this.worker = undefined;
  }

  private ensureWorker(): WorkerHandle {
    if (this.worker !== undefined) return this.worker;
    const worker = this.launcher.launch();
    this.worker = worker;
    worker.onMessage((raw) => this.handleMessage(worker, raw));
    worker.onExit((exit) => this.handleExit(worker, exit));
    this.onSpawn?.(worker.pid);
    return worker;
  }

  private runJob(job: RenderJob, callbacks: RenderJobCallbacks): Promise<RenderShotResult> {
    if (this.closed) return Promise.reject(workError('WORKER_CLOSED', 'the render worker client is closed'));
    const jobId = job.jobId ?? randomUUID();
    if (callbacks.signal?.aborted) return Promise.reject(new AiprodError('CANCELLED', `render ${jobId} was cancelled before it started`, { detail: { jobId } }));
    return new Promise<RenderShotResult>((resolve, reject) => {
      let worker: WorkerHandle;
      try {
        worker = this.ensureWorker();
      } catch (error) {
        reject(error instanceof AiprodError ? error : workError('WORKER_START_FAILED', `cannot start the render worker: ${(error as Error).message}`, { cause: error }));
        return;
      }
      let cancelTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        worker.send({ type: 'cancel', jobId });
        // A worker stuck in native code cannot honour the cancel; it is killed, which ends the job.
        cancelTimer = setTimeout(() => {
          if (this.active?.jobId === jobId) {
            this.active = undefined;
            if (this.worker === worker) this.worker = undefined;
            worker.onExit(() => cleanUpAfter(worker, job.options.output));
            worker.kill();
            reject(new AiprodError('CANCELLED', `render ${jobId} was cancelled (the worker did not stop in time and was killed)`, { detail: { jobId } }));
          }
        }, this.cancelGraceMs);
      };
      const settle = () => {
        callbacks.signal?.removeEventListener('abort', onAbort);
        if (cancelTimer !== undefined) clearTimeout(cancelTimer);
      };
      this.active = {
        jobId,
        worker,
        output: job.options.output,
        callbacks,
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      callbacks.signal?.addEventListener('abort', onAbort, { once: true });
      worker.send({ type: 'render', jobId, request: job.request as Record<string, unknown>, options: job.options });
    });
  }

  private handleMessage(worker: WorkerHandle, raw: unknown): void {
    if (worker !== this.worker) return;
    const parsed = FromWorker.safeParse(raw);
    if (!parsed.success) {
      this.failWorker(worker, workError('WORKER_PROTOCOL', `the render worker sent an invalid message (${describeSchemaError(parsed.error)})`));
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') return;
    if (message.type === 'protocol-error') {
      this.failWorker(worker, workError('WORKER_PROTOCOL', `the render worker refused a message: ${message.message}`));
      return;
    }
    const job = this.active;
    if (job === undefined || job.jobId !== message.jobId) return; // late news of a job already settled
    switch (message.type) {
      case 'progress':
        job.callbacks.onProgress?.(message.progress);
        return;
      case 'preview':
        job.callbacks.onPreview?.({ width: message.width, height: message.height, rgb: new Uint8Array(Buffer.from(message.rgbBase64, 'base64')) });
        return;
      case 'done':
        this.active = undefined;
        job.resolve(message.result);
        return;
      case 'failed':
        this.active = undefined;
        job.reject(fromWire(message.error));
        return;
    }
  }

  /** The worker broke the protocol: it cannot be trusted with further jobs. */
  private failWorker(worker: WorkerHandle, error: AiprodError): void {
    if (this.worker === worker) this.worker = undefined;
    const job = this.active?.worker === worker ? this.active : undefined;
    // Settle the job before the kill, so its exit is not reported as a crash instead.
    if (job !== undefined) {
      this.active = undefined;
      job.reject(error);
    }
    worker.kill();
  }

  private handleExit(worker: WorkerHandle, exit: WorkerExit): void {
    if (worker === this.worker) this.worker = undefined;
    const job = this.active;
    if (job === undefined || job.worker !== worker) return;
    this.active = undefined;
    cleanUpAfter(worker, job.output);
    job.reject(
      workError('WORKER_CRASHED', `the render worker (pid ${worker.pid ?? '?'}) ${describeExit(exit)} during job ${job.jobId}`, {
        detail: { jobId: job.jobId, pid: worker.pid ?? null, exitCode: exit.code, signal: exit.signal },
      }),
    );
  }
}
