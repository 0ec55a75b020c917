// Can onnxruntime's CUDA execution provider load here, and if not, why? Checked without loading it:
// 1. the provider libraries next to libonnxruntime (onnxruntime-node ships without them; the bootstrap
//    copies them in from the optional GPU package), 2. an NVIDIA GPU device node, 3. every library the
//    provider links against, plus cuDNN, which it opens at run time. Each failure is named; the first
//    session on CUDA remains the final word (see execution-provider.ts).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readElfDynamicInfo } from './elf';
import { onnxRuntimeLibraryDir } from './ort';
import { resolveSharedLibrary, systemLibrarySearch, type LibrarySearch } from './shared-libraries';

export const CUDA_PROVIDER_LIBRARY = 'libonnxruntime_providers_cuda.so';
export const SHARED_PROVIDER_LIBRARY = 'libonnxruntime_providers_shared.so';
/** The Windows names; there only their presence is checked, the first CUDA session says the rest. */
export const WINDOWS_PROVIDER_LIBRARIES = ['onnxruntime_providers_cuda.dll', 'onnxruntime_providers_shared.dll'];
/** Not a DT_NEEDED of the provider: it dlopens cuDNN when the first convolution runs. */
export const RUNTIME_LOADED_LIBRARIES = ['libcudnn.so.9'];

export interface CudaProbe {
  available: boolean;
  /** Why CUDA cannot be used; absent when available. */
  reason?: string;
  /** Folder searched for the provider libraries. */
  libraryDir: string;
  missingProviderFiles: string[];
  /** Sonames the loader would not find (CUDA runtime, cuBLAS, cuDNN, the driver's libcuda...). */
  missingLibraries: string[];
  /** GPU device nodes seen (/dev/nvidia0...). */
  gpuDevices: string[];
}

export interface CudaProbeEnvironment {
  platform: NodeJS.Platform;
  arch: string;
  libraryDir: string;
  search: LibrarySearch;
  /** Lists NVIDIA GPU device nodes; empty when there is no GPU (or no driver). */
  listGpuDevices: () => string[];
}

/** NVIDIA GPU device nodes: /dev/nvidia<N>, or WSL2's /dev/dxg (its CUDA goes through that). */
export function listNvidiaDeviceNodes(devDir = '/dev'): string[] {
  try {
    return readdirSync(devDir)
      .filter((n) => /^nvidia\d+$/.test(n) || n === 'dxg')
      .map((n) => path.join(devDir, n));
  } catch {
    return [];
  }
}

function probeEnvironment(libraryDir: string): CudaProbeEnvironment {
  return { platform: process.platform, arch: process.arch, libraryDir, search: systemLibrarySearch(), listGpuDevices: () => listNvidiaDeviceNodes() };
}

/** Probes the given environment (tests pass their own folders; the engine uses the real ones). */
export async function probeCudaIn(env: CudaProbeEnvironment): Promise<CudaProbe> {
  const result: CudaProbe = { available: false, libraryDir: env.libraryDir, missingProviderFiles: [], missingLibraries: [], gpuDevices: [] };
  if (env.platform === 'win32' && env.arch === 'x64') {
    result.missingProviderFiles = WINDOWS_PROVIDER_LIBRARIES.filter((lib) => !existsSync(path.join(env.libraryDir, lib)));
    if (result.missingProviderFiles.length === 0) result.available = true;
    else result.reason = `onnxruntime's CUDA provider library is missing: ${result.missingProviderFiles.join(', ')} not found in ${env.libraryDir}`;
    return result;
  }
  if (env.platform !== 'linux' || env.arch !== 'x64') {
    result.reason = `onnxruntime-node has no CUDA execution provider for ${env.platform} ${env.arch}`;
    return result;
  }
  const problems: string[] = [];

  const providerFile = path.join(env.libraryDir, CUDA_PROVIDER_LIBRARY);
  for (const lib of [CUDA_PROVIDER_LIBRARY, SHARED_PROVIDER_LIBRARY]) {
    if (!existsSync(path.join(env.libraryDir, lib))) result.missingProviderFiles.push(lib);
  }
  if (result.missingProviderFiles.length > 0) {
    problems.push(`onnxruntime's CUDA provider library is missing: ${result.missingProviderFiles.join(', ')} not found in ${env.libraryDir}`);
  }

  result.gpuDevices = env.listGpuDevices();
  if (result.gpuDevices.length === 0) problems.push('no NVIDIA GPU found (no /dev/nvidia<N> device; is the NVIDIA driver installed?)');

  if (!result.missingProviderFiles.includes(CUDA_PROVIDER_LIBRARY)) {
    try {
      const elf = await readElfDynamicInfo(providerFile);
      const owner = { dir: env.libraryDir, rpath: elf.rpath, runpath: elf.runpath };
      for (const soname of [...elf.needed, ...RUNTIME_LOADED_LIBRARIES]) {
        if (resolveSharedLibrary(soname, owner, env.search) === null) result.missingLibraries.push(soname);
      }
    } catch (error) {
      problems.push(`cannot read ${providerFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (result.missingLibraries.length > 0) {
    const driver = result.missingLibraries.includes('libcuda.so.1') ? ' (libcuda.so.1 comes with the NVIDIA driver)' : '';
    problems.push(`CUDA libraries not found: ${result.missingLibraries.join(', ')}${driver}`);
  }

  if (problems.length === 0) {
    result.available = true;
    return result;
  }
  result.reason = problems.join('; ');
  return result;
}

let cached: Promise<CudaProbe> | undefined;

/** The probe of this machine, done once per process (libraries do not appear while it runs). */
export function probeCuda(): Promise<CudaProbe> {
  cached ??= probeCudaIn(probeEnvironment(onnxRuntimeLibraryDir()));
  return cached;
}
