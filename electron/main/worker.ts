import type { UtilityProcessChildLike, UtilityProcessLike } from './electron-api';

/**
 * The hook for the engine worker under Electron. The worker (engine/jobs, dist/node/worker.js)
 * runs in a utilityProcess, so a crash of onnxruntime, ffmpeg or sharp takes down that process
 * only, never main (DESIGN.md §2). The jobs queue calls this through MainHandle.forkEngineWorker.
 */
export function forkEngineWorker(utilityProcess: UtilityProcessLike, workerPath: string, args: string[] = []): UtilityProcessChildLike {
  return utilityProcess.fork(workerPath, args, { serviceName: 'AIPROD Studio engine', stdio: 'pipe' });
}
