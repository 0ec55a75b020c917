// Runs QA work off the caller's event loop: each analysis or re-render check in a QA process of its
// own (dist/node/qa-worker.js), which exits when it has answered. A crash there fails that run with
// QA_PROCESS_CRASHED and never the caller; the re-render's temporary folder belongs to this side and
// is removed once the process is gone, however it ended.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AiprodError, workError } from '../errors';
import type { WorkerExit } from '../jobs/worker-client';
import { describeSchemaError, type WireError } from '../jobs/worker-protocol';
import type { Device } from '../render/request';
import { projectRoot } from '../system/paths';
import type { QaStepProgress } from './analyse-render';
import type { RerenderCheck } from './qa-documents';
import type { QaAnalysis } from './qa-file';
import { FromQaProcess, type ToQaProcess } from './qa-process-protocol';

/** One QA process as the client sees it. `send` takes the protocol's messages (ToQaProcess). */
export interface QaProcessHandle {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, when the process is gone (or could not start). */
  onExit(listener: (exit: WorkerExit) => void): void;
  kill(): void;
}

/** Starts QA processes; Electron's main may pass a utilityProcess launcher of dist/node/qa-worker.js. */
export interface QaProcessLauncher {
  launch(): QaProcessHandle;
}

export const QA_WORKER_FILE = 'qa-worker.js';

/** dist/node/qa-worker.js: next to the running bundle, else in the project's dist folder. */
export function resolveQaWorkerScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, QA_WORKER_FILE), path.join(projectRoot(), 'dist', 'node', QA_WORKER_FILE)];
  const found = candidates.find((c) => existsSync(c));
  if (found !== undefined) return found;
  throw workError('QA_WORKER_MISSING', `the QA process ${candidates[candidates.length - 1]} is missing: run \`npm run build\``, { detail: { candidates } });
}

export function forkQaLauncher(script?: string): QaProcessLauncher {
  return {
    launch(): QaProcessHandle {
      const file = script ?? resolveQaWorkerScript();
      // Its stdout goes to our stderr: a shell's stdout is not the QA process's to write.
      const child = fork(file, [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], serialization: 'json', execArgv: [] });
      child.stdout?.pipe(process.stderr, { end: false });
      const listeners: ((exit: WorkerExit) => void)[] = [];
      let exited = false;
      const finish = (exit: WorkerExit) => {
        if (exited) return;
        exited = true;
        for (const listener of listeners) listener(exit);
      };
      child.on('exit', (code, signal) => finish({ code, signal }));
      child.on('error', (error) => {
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) return;
        finish({ code: null, signal: null, error: error.message });
      });
      return {
        get pid() {
          return child.pid;
        },
        send(message) {
          if (child.connected) child.send(message as object);
        },
        onMessage(listener) {
          child.on('message', listener);
        },
        onExit(listener) {
          if (exited) listener({ code: child.exitCode, signal: child.signalCode });
          else listeners.push(listener);
        },
        kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        },
      };
    },
  };
}

export interface QaRunCallbacks {
  onProgress?: (progress: QaStepProgress) => void;
  signal?: AbortSignal;
}

export interface AnalyseJob {
  video: string;
  reference?: string;
  prompt?: string;
  packSearchDirs: readonly string[];
}

export interface RerenderJob {
  record: string;
  device?: Device;
  packSearchDirs: readonly string[];
}

export interface QaProcessClientOptions {
  launcher?: QaProcessLauncher;
  /** How long a cancelled run may take to stop before its process is killed. */
  cancelGraceMs?: number;
  /** Where the temporary folders of re-renders go (default the OS temp folder). */
  tempDir?: string;
}

function fromWire(error: WireError): AiprodError {
  return new AiprodError(error.code, error.message, error.detail === undefined ? { kind: error.kind } : { kind: error.kind, detail: error.detail });
}

function describeExit(exit: WorkerExit): string {
  if (exit.error !== undefined) return `failed: ${exit.error}`;
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}

type Outcome = { type: 'analysed'; analysis: QaAnalysis } | { type: 'checked'; check: RerenderCheck };

export class QaProcessClient {
  private readonly launcher: QaProcessLauncher;
  private readonly cancelGraceMs: number;
  private readonly tempDir: string;

  constructor(options: QaProcessClientOptions = {}) {
    this.launcher = options.launcher ?? forkQaLauncher();
    this.cancelGraceMs = options.cancelGraceMs ?? 10_000;
    this.tempDir = options.tempDir ?? os.tmpdir();
  }

  async analyse(job: AnalyseJob, callbacks: QaRunCallbacks = {}): Promise<QaAnalysis> {
    const outcome = await this.run(
      (runId) => ({
        type: 'analyse',
        runId,
        video: job.video,
        packSearchDirs: [...job.packSearchDirs],
        ...(job.reference === undefined ? {} : { reference: job.reference }),
        ...(job.prompt === undefined ? {} : { prompt: job.prompt }),
      }),
      callbacks,
    );
    if (outcome.type !== 'analysed') throw workError('QA_PROTOCOL', 'the QA process answered an analysis with a re-render check');
    return outcome.analysis;
  }

  async rerender(job: RerenderJob, callbacks: QaRunCallbacks = {}): Promise<RerenderCheck> {
    const scratch = await mkdtemp(path.join(this.tempDir, 'aiprod-qa-'));
    try {
      const outcome = await this.run(
        (runId) => ({ type: 'rerender', runId, record: job.record, packSearchDirs: [...job.packSearchDirs], scratchDir: scratch, ...(job.device === undefined ? {} : { device: job.device }) }),
        callbacks,
      );
      if (outcome.type !== 'checked') throw workError('QA_PROTOCOL', 'the QA process answered a re-render check with an analysis');
      return outcome.check;
    } finally {
      // run() settles only once the process is gone, so nothing writes here any more.
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Starts a process, sends it the job, and settles once it has answered AND exited. */
  private run(message: (runId: string) => ToQaProcess, callbacks: QaRunCallbacks): Promise<Outcome> {
    const runId = randomUUID();
    if (callbacks.signal?.aborted === true) return Promise.reject(new AiprodError('CANCELLED', 'the QA run was cancelled before it started'));
    return new Promise<Outcome>((resolve, reject) => {
      let child: QaProcessHandle;
      try {
        child = this.launcher.launch();
      } catch (error) {
        reject(error instanceof AiprodError ? error : workError('QA_PROCESS_START_FAILED', `cannot start the QA process: ${(error as Error).message}`, { cause: error }));
        return;
      }
      let answer: { ok: true; outcome: Outcome } | { ok: false; error: AiprodError } | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      const settleWith = (value: typeof answer) => {
        answer ??= value;
      };
      const onAbort = () => {
        child.send({ type: 'cancel', runId } satisfies ToQaProcess);
        killTimer = setTimeout(() => {
          settleWith({ ok: false, error: new AiprodError('CANCELLED', 'the QA run was cancelled (its process did not stop in time and was killed)') });
          child.kill();
        }, this.cancelGraceMs);
      };
      callbacks.signal?.addEventListener('abort', onAbort, { once: true });
      const fail = (error: AiprodError) => {
        settleWith({ ok: false, error });
        child.kill();
      };
      child.onMessage((raw) => {
        const parsed = FromQaProcess.safeParse(raw);
        if (!parsed.success) {
          fail(workError('QA_PROTOCOL', `the QA process sent an invalid message (${describeSchemaError(parsed.error)})`));
          return;
        }
        const m = parsed.data;
        switch (m.type) {
          case 'ready':
            return;
          case 'protocol-error':
            fail(workError('QA_PROTOCOL', `the QA process refused a message: ${m.message}`));
            return;
          case 'progress':
            if (m.runId === runId && answer === undefined) callbacks.onProgress?.({ stage: m.stage, step: m.step, total: m.total });
            return;
          case 'analysed':
            if (m.runId === runId) settleWith({ ok: true, outcome: { type: 'analysed', analysis: m.analysis } });
            return;
          case 'checked':
            if (m.runId === runId) settleWith({ ok: true, outcome: { type: 'checked', check: m.check } });
            return;
          case 'failed':
            if (m.runId === runId) settleWith({ ok: false, error: fromWire(m.error) });
            return;
        }
      });
      child.onExit((exit) => {
        callbacks.signal?.removeEventListener('abort', onAbort);
        if (killTimer !== undefined) clearTimeout(killTimer);
        const final =
          answer ??
          ({
            ok: false,
            error: workError('QA_PROCESS_CRASHED', `the QA process (pid ${child.pid ?? '?'}) ${describeExit(exit)} before it answered`, {
              detail: { pid: child.pid ?? null, exitCode: exit.code, signal: exit.signal },
            }),
          } as const);
        if (final.ok) resolve(final.outcome);
        else reject(final.error);
      });
      child.send(message(runId));
    });
  }
}
