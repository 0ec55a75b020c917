import { describe, expect, it } from 'vitest';
import { availableRamBytes, chooseDevice, gatherDeviceFacts, type DeviceFacts } from '../../../../engine/cost/device';
import { parseGpuQuery } from '../../../../engine/cost/nvidia-smi';
import { AiprodError } from '../../../../engine/errors';

const GIB = 1024 ** 3;
const h100 = parseGpuQuery('126.29, 700.00, 81559, 0, 81079, NVIDIA H100 80GB HBM3\n');
const withGpu: DeviceFacts = { gpus: { available: true, gpus: h100 }, cuda: { available: true }, ram: { availableBytes: 100 * GIB, totalBytes: 128 * GIB }, cpuName: 'Test CPU (16 threads)' };
const noGpu: DeviceFacts = {
  gpus: { available: false, reason: 'nvidia-smi not found' },
  cuda: { available: false, reason: 'no NVIDIA GPU found' },
  ram: { availableBytes: 6 * GIB, totalBytes: 8 * GIB },
  cpuName: 'Test CPU (2 threads)',
};

describe('chooseDevice', () => {
  it('auto and cuda take the GPU when CUDA can run, with its free memory', () => {
    for (const requested of ['auto', 'cuda'] as const) {
      const device = chooseDevice(requested, withGpu);
      expect(device).toMatchObject({ provider: 'cuda', name: 'NVIDIA H100 80GB HBM3', freeMemoryBytes: 81079 * 1024 * 1024 });
      expect(device.gpu?.powerLimitW).toBe(700);
    }
  });

  it('cpu takes the CPU even with a GPU, and RAM is its memory', () => {
    expect(chooseDevice('cpu', withGpu)).toEqual({ provider: 'cpu', name: 'Test CPU (16 threads)', freeMemoryBytes: 100 * GIB });
  });

  it('auto without CUDA falls back to the CPU and says why', () => {
    expect(chooseDevice('auto', noGpu)).toEqual({ provider: 'cpu', name: 'Test CPU (2 threads)', freeMemoryBytes: 6 * GIB, reason: 'CUDA unavailable: no NVIDIA GPU found' });
  });

  it('cuda without CUDA is an input error naming why', () => {
    let error: unknown;
    try {
      chooseDevice('cuda', noGpu);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AiprodError);
    expect(error).toMatchObject({ code: 'CUDA_UNAVAILABLE', kind: 'input' });
    expect((error as Error).message).toContain('no NVIDIA GPU found');
  });

  it('CUDA usable but nvidia-smi silent: CUDA, free memory unknown', () => {
    const device = chooseDevice('auto', { ...withGpu, gpus: { available: false, reason: 'nvidia-smi not found' } });
    expect(device.provider).toBe('cuda');
    expect(device.freeMemoryBytes).toBeUndefined();
  });
});

describe('facts of this machine', () => {
  it('reads MemAvailable from /proc/meminfo text', () => {
    expect(availableRamBytes('MemTotal:       16318412 kB\nMemFree:         1031044 kB\nMemAvailable:    9123456 kB\n')).toBe(9123456 * 1024);
  });

  it('gathers real facts: CPU name and RAM always, GPU only with a reason when absent', async () => {
    const facts = await gatherDeviceFacts({ nvidiaSmi: { command: '/nonexistent/nvidia-smi' } });
    expect(facts.gpus.available).toBe(false);
    expect(facts.ram.availableBytes).toBeGreaterThan(0);
    expect(facts.ram.availableBytes).toBeLessThanOrEqual(facts.ram.totalBytes);
    expect(facts.cpuName).toMatch(/\(\d+ threads\)$/);
    if (!facts.cuda.available) expect(facts.cuda.reason).toBeTruthy();
  });
});
