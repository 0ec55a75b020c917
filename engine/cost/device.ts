// Which device an estimate is for, with the facts the estimate needs about it: its name, its power
// source and the memory free for a render. Choosing is pure (facts in, device out) so every branch
// is tested; gathering the facts runs nvidia-smi and the runtime's CUDA probe.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { inputError } from '../errors';
import { probeCuda } from '../runtime/cuda-probe';
import type { CostProvider } from './energy';
import { probeGpus, type GpuProbe, type GpuReading, type ProbeOptions } from './nvidia-smi';

export type RequestedDevice = 'auto' | 'cuda' | 'cpu';

export interface DeviceFacts {
  gpus: GpuProbe;
  /** Whether onnxruntime's CUDA provider can load here (engine/runtime/cuda-probe). */
  cuda: { available: boolean; reason?: string };
  ram: { availableBytes: number; totalBytes: number };
  cpuName: string;
}

export interface EstimateDevice {
  provider: CostProvider;
  name: string;
  /** nvidia-smi's reading of the GPU used, on CUDA. */
  gpu?: GpuReading;
  /** Free for a render: nvidia-smi memory.free on CUDA, available RAM on CPU; undefined when unknown. */
  freeMemoryBytes?: number;
  /** Why the estimate is not for CUDA (auto fell back to the CPU). */
  reason?: string;
}

/**
 * The provider the render would use, by the runtime's own rule (engine/runtime/execution-provider):
 * CUDA when its provider can load, else the CPU; `cuda` asked explicitly never falls back. nvidia-smi
 * only adds facts (power, free memory): without it a CUDA estimate uses the configured board power
 * and cannot check the free memory.
 */
export function chooseDevice(requested: RequestedDevice, facts: DeviceFacts): EstimateDevice {
  if (requested !== 'cpu' && facts.cuda.available) {
    // The runtime uses device 0; so does the estimate.
    const gpu = facts.gpus.available ? facts.gpus.gpus[0] : undefined;
    if (gpu === undefined) return { provider: 'cuda', name: 'NVIDIA GPU (nvidia-smi unavailable)' };
    return { provider: 'cuda', name: gpu.name, gpu, freeMemoryBytes: gpu.memoryFreeBytes };
  }
  const why = facts.cuda.reason ?? 'the CUDA execution provider cannot load';
  if (requested === 'cuda') {
    throw inputError('CUDA_UNAVAILABLE', `device cuda was asked for, but CUDA cannot be used: ${why}`, { field: 'device', reason: why });
  }
  const device: EstimateDevice = { provider: 'cpu', name: facts.cpuName, freeMemoryBytes: facts.ram.availableBytes };
  if (requested === 'auto') device.reason = `CUDA unavailable: ${why}`;
  return device;
}

/** MemAvailable from /proc/meminfo (what the kernel can hand out without swapping), else os.freemem(). */
export function availableRamBytes(meminfo?: string): number {
  let text = meminfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/meminfo', 'utf8');
    } catch {
      return os.freemem();
    }
  }
  const kib = /^MemAvailable:\s+(\d+)\s*kB/m.exec(text)?.[1];
  return kib === undefined ? os.freemem() : Number(kib) * 1024;
}

export async function gatherDeviceFacts(options: { nvidiaSmi?: ProbeOptions } = {}): Promise<DeviceFacts> {
  const [gpus, cuda] = await Promise.all([probeGpus(options.nvidiaSmi), probeCuda()]);
  const cpus = os.cpus();
  return {
    gpus,
    cuda: cuda.reason === undefined ? { available: cuda.available } : { available: cuda.available, reason: cuda.reason },
    ram: { availableBytes: availableRamBytes(), totalBytes: os.totalmem() },
    cpuName: `${cpus[0]?.model.trim() ?? 'CPU'} (${cpus.length} threads)`,
  };
}
