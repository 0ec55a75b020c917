// Runs a pack's first-use calibration in a render worker process of its own (engine/jobs: a fork in
// Node, a utilityProcess under Electron), so the studio's main process never loads onnxruntime and
// never stalls: a crash there fails the calibration, not the studio. One worker per calibration,
// shut down when it is done; the render queue's workers are not involved.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { AiprodError, workError } from '../errors';
import { forkLauncher, type WorkerExit, type WorkerHandle, type WorkerLauncher } from '../jobs/worker-client';
import { describeSchemaError, FromWorker } from '../jobs/worker-protocol';
import type { CalibratePackRequest, CalibratePackResult } from './calibrate-pack';

export interface CalibrationWorkerOptions {
  /** How the worker starts; default child_process.fork of dist/node/worker.js. */
  launcher?: WorkerLauncher;
  /** Told before each benchmark run (index from 0). */
  onRun?: (index: number, total: number) => void;
  signal?: AbortSignal;
  /** How long a cancelled calibration may take to stop before its worker is killed. */
  cancelGraceMs?: number;
}

/**
 * The benchmark is background work: it must not take the cores from the studio, a render or ffmpeg
 * while someone edits. On Linux a nice value of 10 leaves it about a tenth of a contended core and
 * all of an idle one; the threads onnxruntime starts later inherit it.
 */
export const CALIBRATION_NICENESS = 10;

function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, CALIBRATION_NICENESS);
  } catch {
    // Not permitted or already gone: it then runs at normal priority, which is only less polite.
  }
}

export type CalibrationRunner = (request: CalibratePackRequest, options?: CalibrationWorkerOptions) => Promise<CalibratePackResult>;

function describeExit(exit: WorkerExit): string {
  if (exit.error !== undefined) return `failed: ${exit.error}`;
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}

export const calibrateInWorker: CalibrationRunner = (request, options = {}) => {
  const jobId = `calibrate-${randomUUID()}`;
  if (options.signal?.aborted === true) return Promise.reject(new AiprodError('CANCELLED', `calibrating ${request.packId} was cancelled before it started`));
  return new Promise<CalibratePackResult>((resolve, reject) => {
    let worker: WorkerHandle;
    try {
      worker = (options.launcher ?? forkLauncher()).launch();
      lowerPriority(worker.pid);
    } catch (error) {
      reject(error instanceof AiprodError ? error : workError('WORKER_START_FAILED', `cannot start a worker to calibrate ${request.packId}: ${(error as Error).message}`, { cause: error }));
      return;
    }
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const settle = (outcome: { result: CalibratePackResult } | { error: AiprodError }) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      // The worker has done its one job: let it go (and make sure it goes).
      worker.send({ type: 'shutdown' });
      killTimer = setTimeout(() => worker.kill(), options.cancelGraceMs ?? 10_000);
      killTimer.unref();
      if ('result' in outcome) resolve(outcome.result);
      else reject(outcome.error);
    };
    const onAbort = () => {
      worker.send({ type: 'cancel', jobId });
      const timer = setTimeout(() => {
        worker.kill();
        settle({ error: new AiprodError('CANCELLED', `calibrating ${request.packId} was cancelled (the worker did not stop in time and was killed)`) });
      }, options.cancelGraceMs ?? 10_000);
      timer.unref();
    };
    worker.onExit((exit) => {
      if (killTimer !== undefined) clearTimeout(killTimer);
      settle({ error: workError('WORKER_CRASHED', `the worker calibrating ${request.packId} (pid ${worker.pid ?? '?'}) ${describeExit(exit)}`, { detail: { pid: worker.pid ?? null, exitCode: exit.code, signal: exit.signal } }) });
    });
    worker.onMessage((raw) => {
      const parsed = FromWorker.safeParse(raw);
      if (!parsed.success) {
        worker.kill();
        settle({ error: workError('WORKER_PROTOCOL', `the calibration worker sent an invalid message (${describeSchemaError(parsed.error)})`) });
        return;
      }
      const message = parsed.data;
      if (message.type === 'protocol-error') {
        // An older worker bundle that does not know 'calibrate': `npm run build` brings it up to date.
        worker.kill();
        settle({ error: workError('WORKER_PROTOCOL', `the worker refused the calibration: ${message.message}`) });
        return;
      }
      if (!('jobId' in message) || message.jobId !== jobId) return;
      if (message.type === 'progress') options.onRun?.(message.progress.step, message.progress.totalSteps);
      else if (message.type === 'calibrated') settle({ result: message.result });
      else if (message.type === 'failed') {
        const e = message.error;
        settle({ error: new AiprodError(e.code, e.message, e.detail === undefined ? { kind: e.kind } : { kind: e.kind, detail: e.detail }) });
      }
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.send({ type: 'calibrate', jobId, options: { ...request, packSearchDirs: [...request.packSearchDirs] } });
  });
};
