import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CUDA_PROVIDER_LIBRARY, SHARED_PROVIDER_LIBRARY, WINDOWS_PROVIDER_LIBRARIES, listNvidiaDeviceNodes, probeCudaIn, type CudaProbeEnvironment } from '../../../../engine/runtime/cuda-probe';
import type { LibrarySearch } from '../../../../engine/runtime/shared-libraries';
import { writeElf } from './elf-fixture';

const root = mkdtempSync(path.join(tmpdir(), 'aiprod-cuda-probe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CUDA_NEEDS = ['libcublasLt.so.13', 'libcublas.so.13', 'libcudart.so.13', 'libcuda.so.1', 'libc.so.6'];

function folder(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** An onnxruntime library folder with (or without) the provider libraries. */
function ortDir(name: string, withProvider: boolean): string {
  const dir = folder(name);
  writeFileSync(path.join(dir, 'libonnxruntime.so.1'), '');
  if (withProvider) {
    writeElf(path.join(dir, CUDA_PROVIDER_LIBRARY), CUDA_NEEDS, ['$ORIGIN']);
    writeElf(path.join(dir, SHARED_PROVIDER_LIBRARY), ['libc.so.6']);
  }
  return dir;
}

function libsDir(name: string, libs: string[]): string {
  const dir = folder(name);
  for (const lib of libs) writeFileSync(path.join(dir, lib), '');
  return dir;
}

function env(libraryDir: string, search: Partial<LibrarySearch>, gpus: string[]): CudaProbeEnvironment {
  return {
    platform: 'linux',
    arch: 'x64',
    libraryDir,
    search: { ldLibraryPath: [], cache: new Map(), defaultDirs: [], ...search },
    listGpuDevices: () => gpus,
  };
}

describe('probeCudaIn', () => {
  it('names the missing provider library when onnxruntime-node has none', async () => {
    const probe = await probeCudaIn(env(ortDir('no-provider', false), {}, ['/dev/nvidia0']));
    expect(probe.available).toBe(false);
    expect(probe.missingProviderFiles).toEqual([CUDA_PROVIDER_LIBRARY, SHARED_PROVIDER_LIBRARY]);
    expect(probe.reason).toContain(CUDA_PROVIDER_LIBRARY);
  });

  it('names every CUDA library the provider links against that the loader would not find', async () => {
    const present = libsDir('some-cuda', ['libcudart.so.13', 'libc.so.6']);
    const probe = await probeCudaIn(env(ortDir('provider-a', true), { ldLibraryPath: [present] }, ['/dev/nvidia0']));
    expect(probe.available).toBe(false);
    expect(probe.missingLibraries).toEqual(['libcublasLt.so.13', 'libcublas.so.13', 'libcuda.so.1', 'libcudnn.so.9']);
    expect(probe.reason).toContain('CUDA libraries not found: libcublasLt.so.13, libcublas.so.13, libcuda.so.1, libcudnn.so.9');
    expect(probe.reason).toContain('NVIDIA driver');
  });

  it('says when there is no GPU even with every library present', async () => {
    const all = libsDir('all-cuda', [...CUDA_NEEDS, 'libcudnn.so.9']);
    const probe = await probeCudaIn(env(ortDir('provider-b', true), { ldLibraryPath: [all] }, []));
    expect(probe.available).toBe(false);
    expect(probe.missingLibraries).toEqual([]);
    expect(probe.reason).toMatch(/no NVIDIA GPU/);
  });

  it('finds libraries through the loader cache and the provider folder ($ORIGIN)', async () => {
    const provider = ortDir('provider-c', true);
    for (const lib of ['libcublasLt.so.13', 'libcublas.so.13']) writeFileSync(path.join(provider, lib), '');
    const cacheDir = libsDir('cache-cuda', ['libcudart.so.13', 'libcuda.so.1', 'libc.so.6', 'libcudnn.so.9']);
    const cache = new Map(['libcudart.so.13', 'libcuda.so.1', 'libc.so.6', 'libcudnn.so.9'].map((l) => [l, path.join(cacheDir, l)]));
    const probe = await probeCudaIn(env(provider, { cache }, ['/dev/nvidia0']));
    expect(probe).toMatchObject({ available: true, missingLibraries: [], missingProviderFiles: [], gpuDevices: ['/dev/nvidia0'] });
    expect(probe.reason).toBeUndefined();
  });

  it('reports a provider file that is not a library', async () => {
    const dir = ortDir('broken-provider', false);
    writeFileSync(path.join(dir, CUDA_PROVIDER_LIBRARY), 'not an elf file, just text that is long enough to hold a header........');
    writeFileSync(path.join(dir, SHARED_PROVIDER_LIBRARY), '');
    const probe = await probeCudaIn(env(dir, {}, ['/dev/nvidia0']));
    expect(probe.available).toBe(false);
    expect(probe.reason).toContain(`cannot read ${path.join(dir, CUDA_PROVIDER_LIBRARY)}: not an ELF file`);
  });

  it('does not claim CUDA where onnxruntime-node has none', async () => {
    const probe = await probeCudaIn({ ...env(ortDir('mac', true), {}, ['/dev/nvidia0']), platform: 'darwin', arch: 'arm64' });
    expect(probe.available).toBe(false);
    expect(probe.reason).toContain('darwin arm64');
  });

  it('on Windows checks the provider DLLs and leaves the rest to the first session', async () => {
    const dir = folder('win');
    const win = { ...env(dir, {}, []), platform: 'win32' as const };
    const missingDlls = await probeCudaIn(win);
    expect(missingDlls.available).toBe(false);
    expect(missingDlls.reason).toContain('onnxruntime_providers_cuda.dll, onnxruntime_providers_shared.dll not found');
    for (const dll of WINDOWS_PROVIDER_LIBRARIES) writeFileSync(path.join(dir, dll), '');
    expect((await probeCudaIn(win)).available).toBe(true);
  });
});

describe('listNvidiaDeviceNodes', () => {
  it('lists nvidia<N> nodes (and WSL2 dxg) only', () => {
    const dev = folder('dev');
    for (const n of ['nvidia0', 'nvidia1', 'nvidiactl', 'nvidia-uvm', 'null']) writeFileSync(path.join(dev, n), '');
    expect(listNvidiaDeviceNodes(dev).sort()).toEqual([path.join(dev, 'nvidia0'), path.join(dev, 'nvidia1')]);
    const wsl = folder('dev-wsl');
    writeFileSync(path.join(wsl, 'dxg'), '');
    expect(listNvidiaDeviceNodes(wsl)).toEqual([path.join(wsl, 'dxg')]);
    expect(listNvidiaDeviceNodes(path.join(root, 'no-such-dev'))).toEqual([]);
  });
});
