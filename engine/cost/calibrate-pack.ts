// The first-use calibration of a pack on a provider, as the render worker runs it for the studio:
// find the pack, check its bytes like a render does, run the micro-benchmark through the real
// pipeline and store the result in the library. Runs in the worker process (engine/jobs), never in
// the studio's main process: it loads onnxruntime and keeps the cores busy for a while.
import { workError } from '../errors';
import { LIBRARY_DOMAINS } from '../library/domains';
import { openLibraryDatabase } from '../library/database';
import { libraryPaths } from '../library/paths';
import { findPack } from '../models/pack-loader';
import { gateRegisteredPack } from '../models/render-gate';
import { calibrate, usableCalibration, type ShotSettings } from './calibration';
import { SqliteCalibrationStore } from './calibration-store';
import { chooseDevice, gatherDeviceFacts, type RequestedDevice } from './device';
import type { CostProvider } from './energy';
import { footprintOf } from './pack-footprint';

export interface CalibratePackRequest {
  packId: string;
  packSearchDirs: readonly string[];
  device: RequestedDevice;
  /** AIPROD_HOME: the library database the calibration is stored in. */
  home: string;
}

export interface CalibratePackResult {
  packId: string;
  provider: CostProvider;
  /** Measured renders in the stored calibration. */
  runs: number;
  /** False when a calibration was already stored (another process made it meanwhile): nothing ran. */
  measuredNow: boolean;
}

export interface CalibratePackCallbacks {
  onRun?: (index: number, total: number, settings: ShotSettings) => void;
  signal?: AbortSignal;
}

export async function calibratePack(request: CalibratePackRequest, callbacks: CalibratePackCallbacks = {}): Promise<CalibratePackResult> {
  const pack = await findPack(request.packId, [...request.packSearchDirs]);
  await gateRegisteredPack(pack, { home: request.home });
  const footprint = footprintOf(pack.manifest, pack.dir);
  const device = chooseDevice(request.device, await gatherDeviceFacts());
  const db = openLibraryDatabase(libraryPaths(request.home).database, { domains: LIBRARY_DOMAINS });
  try {
    const store = new SqliteCalibrationStore(db);
    const existing = usableCalibration(store.get(footprint.id, device.provider), footprint);
    if (existing !== undefined) return { packId: footprint.id, provider: device.provider, runs: existing.runs, measuredNow: false };
    // Loaded here, not at the top: a worker that only renders never needs the benchmark's sampler.
    const { pipelineRunner } = await import('./pipeline-runner');
    const runner = await pipelineRunner(pack, device.provider, callbacks.signal === undefined ? {} : { signal: callbacks.signal });
    const record = await calibrate(store, footprint, device.provider, runner, callbacks.onRun === undefined ? {} : { onRun: callbacks.onRun });
    return { packId: footprint.id, provider: device.provider, runs: record.runs, measuredNow: true };
  } catch (error) {
    if (callbacks.signal?.aborted === true) throw workError('CANCELLED', `calibrating ${request.packId} was cancelled`, { cause: error });
    throw error;
  } finally {
    db.close();
  }
}
