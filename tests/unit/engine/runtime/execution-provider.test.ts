import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { loadPack } from '../../../../engine/models/pack-loader';
import { chooseProvider, openSessions, type DeviceRequest } from '../../../../engine/runtime/execution-provider';
import { probeCuda, probeCudaIn, type CudaProbe } from '../../../../engine/runtime/cuda-probe';
import { systemLibrarySearch } from '../../../../engine/runtime/shared-libraries';
import { releaseSessions } from '../../../../engine/runtime/session-cache';
import type { ComponentRef } from '../../../../engine/runtime/session';
import { TINY_PACK_DIR, writeTinyPack } from '../../../fixtures/make-tiny-pack';

const root = mkdtempSync(path.join(tmpdir(), 'aiprod-provider-'));
afterAll(async () => {
  await releaseSessions();
  rmSync(root, { recursive: true, force: true });
});

const missing: CudaProbe = {
  available: false,
  reason: 'CUDA libraries not found: libcublasLt.so.13',
  libraryDir: '/x',
  missingProviderFiles: [],
  missingLibraries: ['libcublasLt.so.13'],
  gpuDevices: [],
};
const claimsCuda: CudaProbe = { available: true, libraryDir: '/x', missingProviderFiles: [], missingLibraries: [], gpuDevices: ['/dev/nvidia0'] };

describe('chooseProvider', () => {
  it('auto without CUDA runs on the CPU and says why', async () => {
    expect(await chooseProvider('auto', async () => missing)).toEqual({ provider: 'cpu', reason: 'CUDA unavailable: CUDA libraries not found: libcublasLt.so.13' });
  });

  it('cuda without CUDA is an input error naming the reason', async () => {
    const choosing = chooseProvider('cuda', async () => missing);
    await expect(choosing).rejects.toBeInstanceOf(AiprodError);
    await expect(choosing).rejects.toMatchObject({ code: 'CUDA_UNAVAILABLE', kind: 'input' });
    await expect(choosing).rejects.toThrow('device cuda was asked for, but CUDA cannot be used: CUDA libraries not found: libcublasLt.so.13');
  });

  it('names the missing provider library when onnxruntime-node has no CUDA provider', async () => {
    const ortDir = mkdtempSync(path.join(root, 'ort-'));
    writeFileSync(path.join(ortDir, 'libonnxruntime.so.1'), '');
    const probe = () => probeCudaIn({ platform: 'linux', arch: 'x64', libraryDir: ortDir, search: systemLibrarySearch(), listGpuDevices: () => ['/dev/nvidia0'] });
    const auto = await chooseProvider('auto', probe);
    expect(auto.provider).toBe('cpu');
    expect(auto.reason).toBe(`CUDA unavailable: onnxruntime's CUDA provider library is missing: libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so not found in ${ortDir}`);
    await expect(chooseProvider('cuda', probe)).rejects.toThrow(`device cuda was asked for, but CUDA cannot be used: onnxruntime's CUDA provider library is missing: libonnxruntime_providers_cuda.so`);
  });

  it('cpu never probes CUDA', async () => {
    let probed = false;
    const choice = await chooseProvider('cpu', async () => {
      probed = true;
      return claimsCuda;
    });
    expect(choice.provider).toBe('cpu');
    expect(probed).toBe(false);
  });

  it('refuses an unknown device', async () => {
    await expect(chooseProvider('gpu' as DeviceRequest)).rejects.toMatchObject({ code: 'INVALID_DEVICE', kind: 'input' });
  });

  it("on this machine, auto follows the real probe and cuda fails exactly when it is unavailable", async () => {
    const probe = await probeCuda();
    const auto = await chooseProvider('auto');
    if (probe.available) {
      expect(auto).toEqual({ provider: 'cuda' });
      expect((await chooseProvider('cuda')).provider).toBe('cuda');
    } else {
      expect(auto).toEqual({ provider: 'cpu', reason: `CUDA unavailable: ${probe.reason}` });
      await expect(chooseProvider('cuda')).rejects.toMatchObject({ code: 'CUDA_UNAVAILABLE', kind: 'input' });
    }
  });
});

describe('openSessions', () => {
  async function refs(dir: string): Promise<ComponentRef[]> {
    const pack = await loadPack(dir);
    return (['textEncoder', 'denoiser', 'vaeDecoder'] as const).map((role) => ({ packDir: pack.dir, role, component: pack.manifest.components[role] }));
  }

  it('opens every component on the CPU with the reason when auto has no CUDA', async () => {
    const opened = await openSessions(await refs(TINY_PACK_DIR), 'auto', async () => missing);
    expect(opened.provider).toBe('cpu');
    expect(opened.providerReason).toContain('libcublasLt.so.13');
    expect([...opened.sessions.keys()]).toEqual(['textEncoder', 'denoiser', 'vaeDecoder']);
    expect([...opened.sessions.values()].every((s) => s.provider === 'cpu')).toBe(true);
  });

  it('catches a CUDA session that throws: auto retries on the CPU, cuda fails naming why', async () => {
    // The prober claims CUDA; whether onnxruntime can really start it decides the outcome.
    const real = await probeCuda();
    const components = await refs(TINY_PACK_DIR);
    const auto = await openSessions(components, 'auto', async () => claimsCuda);
    if (real.available) {
      expect(auto.provider).toBe('cuda');
    } else {
      expect(auto.provider).toBe('cpu');
      expect(auto.providerReason).toMatch(/^CUDA unavailable: a CUDA session failed to start: cannot load textEncoder from .*text_encoder\.onnx on cuda: /);
      await expect(openSessions(components, 'cuda', async () => claimsCuda)).rejects.toMatchObject({ code: 'CUDA_UNAVAILABLE', kind: 'input' });
    }
  });

  it('reports a corrupt model as the model at fault, not CUDA', async () => {
    const dir = await writeTinyPack(path.join(root, 'corrupt'));
    writeFileSync(path.join(dir, 'denoiser.onnx'), Buffer.from('this is not a protobuf model'));
    const components = await refs(dir);
    for (const device of ['cpu', 'auto'] as const) {
      const opening = openSessions(components, device, async () => claimsCuda);
      await expect(opening).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED', kind: 'input' });
      await expect(opening).rejects.toThrow(`cannot load denoiser from ${path.join(dir, 'denoiser.onnx')} on cpu`);
    }
  });

  it('gives a run the same outputs on a fresh session (deterministic options)', async () => {
    const dir = path.join(root, 'copy');
    await writeTinyPack(dir);
    copyFileSync(path.join(TINY_PACK_DIR, 'denoiser.onnx'), path.join(dir, 'denoiser.onnx'));
    const a = (await openSessions(await refs(TINY_PACK_DIR), 'cpu')).sessions.get('denoiser')!;
    const b = (await openSessions(await refs(dir), 'cpu')).sessions.get('denoiser')!;
    expect(a).not.toBe(b);
    const n = 2 * 4 * 2 * 8 * 8;
    const latents = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const feeds = {
      latents: { type: 'float32' as const, data: latents, dims: [2, 4, 2, 8, 8] },
      timestep: { type: 'float32' as const, data: new Float32Array([900, 900]), dims: [2] },
      text_embeds: { type: 'float32' as const, data: Float32Array.from({ length: 128 }, (_, i) => Math.cos(i)), dims: [2, 8, 8] },
      text_mask: { type: 'float32' as const, data: new Float32Array(16).fill(1), dims: [2, 8] },
    };
    const meter = { runMs: 0, runs: 0 };
    const va = (await a.run(feeds, ['velocity'], meter)).velocity!;
    const vb = (await b.run(feeds, ['velocity'], meter)).velocity!;
    expect(Buffer.from(va.data.buffer, va.data.byteOffset, va.data.byteLength).equals(Buffer.from(vb.data.buffer, vb.data.byteOffset, vb.data.byteLength))).toBe(true);
    expect(meter.runs).toBe(2);
    expect(meter.runMs).toBeGreaterThan(0);
  });
});
