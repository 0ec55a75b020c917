// GPU facts from nvidia-smi, when the driver is installed. Absent nvidia-smi is a normal answer
// (no NVIDIA driver), not an error: doctor reports it and the engine falls back to the CPU.
import { execFile } from 'node:child_process';

export interface GpuDevice {
  index: number;
  name: string;
  memoryTotalMiB: number;
  memoryUsedMiB: number;
  driverVersion: string;
  computeCapability?: string;
}

export interface GpuFacts {
  /** Whether nvidia-smi ran and listed at least one GPU. */
  available: boolean;
  devices: GpuDevice[];
  /** CUDA version the driver supports, from nvidia-smi's header, when known. */
  cudaDriverVersion?: string;
  /** Why no GPU is listed (nvidia-smi missing, failed, or found none). */
  reason?: string;
}

const QUERY_FIELDS = ['index', 'name', 'memory.total', 'memory.used', 'driver_version', 'compute_cap'];

function run(command: string, args: string[], timeoutMs: number): Promise<{ ok: true; stdout: string } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
      if (error === null) return resolve({ ok: true, stdout });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return resolve({ ok: false, reason: `${command} not found (no NVIDIA driver installed or not on PATH)` });
      const firstLine = (stderr || stdout || error.message).trim().split('\n')[0] ?? '';
      resolve({ ok: false, reason: `${command} failed: ${firstLine}` });
    });
  });
}

/** Parses `nvidia-smi --query-gpu=... --format=csv,noheader,nounits` output. */
export function parseNvidiaSmiCsv(csv: string): GpuDevice[] {
  const devices: GpuDevice[] = [];
  for (const line of csv.split('\n')) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    const [index, name, total, used, driver, cc] = cells;
    if (index === undefined || name === undefined || total === undefined || used === undefined || driver === undefined) continue;
    const device: GpuDevice = {
      index: Number(index),
      name,
      memoryTotalMiB: Number(total),
      memoryUsedMiB: Number(used),
      driverVersion: driver,
    };
    if (cc !== undefined && cc !== '' && !cc.startsWith('[')) device.computeCapability = cc;
    devices.push(device);
  }
  return devices;
}

export async function gpuFacts(options: { nvidiaSmi?: string; timeoutMs?: number } = {}): Promise<GpuFacts> {
  const command = options.nvidiaSmi ?? 'nvidia-smi';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const query = await run(command, [`--query-gpu=${QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'], timeoutMs);
  if (!query.ok) return { available: false, devices: [], reason: query.reason };
  const devices = parseNvidiaSmiCsv(query.stdout);
  if (devices.length === 0) return { available: false, devices, reason: 'nvidia-smi listed no GPU' };
  const facts: GpuFacts = { available: true, devices };
  const header = await run(command, [], timeoutMs);
  const cuda = header.ok ? /CUDA Version:\s*([\d.]+)/.exec(header.stdout)?.[1] : undefined;
  if (cuda !== undefined) facts.cudaDriverVersion = cuda;
  return facts;
}
