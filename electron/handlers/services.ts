import { ffmpegInfo } from '../../engine/media/ffmpeg-locate';
import { probeCuda } from '../../engine/runtime/cuda-probe';
import { packInventory } from '../../engine/system/pack-inventory';
import { packSearchDirs } from '../../engine/system/paths';
import { runtimeVersions } from '../../engine/system/versions';
import type { EngineServices } from './context';

// The one place where the handlers' EngineServices meet the real engine: the same probes as
// `aiprod doctor`. Modules are imported one by one (not through engine/media's or engine/runtime's
// index) so that the Electron main process never loads sharp or onnxruntime just to answer
// app.info: a native crash there must not take main down. The CUDA probe reads files and ELF
// headers only; the pack inventory reads manifests only.

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createEngineServices(options: { extraPackDirs?: readonly string[] } = {}): EngineServices {
  return {
    versions() {
      const v = runtimeVersions();
      return { appVersion: v.engine, node: v.node, onnxruntime: v.onnxruntime, platform: v.platform };
    },
    async executionProviders() {
      const cuda = await probeCuda();
      return {
        cpu: { available: true },
        cuda: cuda.available ? { available: true } : { available: false, reason: cuda.reason ?? 'the CUDA probe gave no reason' },
      };
    },
    async ffmpeg() {
      try {
        const info = await ffmpegInfo();
        return { path: info.path, version: info.version };
      } catch (error) {
        return { path: null, error: messageOf(error) };
      }
    },
    async packs() {
      const inventory = await packInventory(packSearchDirs(options.extraPackDirs ?? []));
      return inventory.map((pack) => ({ id: pack.id, name: pack.name, status: pack.status }));
    },
  };
}
