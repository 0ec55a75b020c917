import type { WorkerExit, WorkerHandle, WorkerLauncher } from '../../engine/jobs/worker-client';
import type { UtilityProcessLike } from './electron-api';
import { forkEngineWorker } from './worker';

/**
 * The render queue's workers under Electron: each one a utilityProcess (DESIGN.md §2), so that a
 * crash of onnxruntime, ffmpeg or sharp ends that process and never main. Adapts Electron's child
 * to the engine's WorkerHandle; the worker speaks to it through process.parentPort.
 */
export function utilityProcessLauncher(utilityProcess: UtilityProcessLike, workerPath: string): WorkerLauncher {
  return {
    launch(): WorkerHandle {
      const child = forkEngineWorker(utilityProcess, workerPath);
      const exitListeners: ((exit: WorkerExit) => void)[] = [];
      let exited = false;
      child.on('exit', (code) => {
        if (exited) return;
        exited = true;
        for (const listener of exitListeners) listener({ code, signal: null });
      });
      return {
        get pid() {
          return child.pid;
        },
        send(message) {
          if (!exited) child.postMessage(message);
        },
        onMessage(listener) {
          child.on('message', listener);
        },
        onExit(listener) {
          exitListeners.push(listener);
        },
        kill() {
          if (!exited) child.kill();
        },
      };
    },
  };
}
