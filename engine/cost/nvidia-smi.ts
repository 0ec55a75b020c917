// Power and memory of the NVIDIA GPUs, read from nvidia-smi for the estimates. No nvidia-smi (no
// driver, a CPU-only machine) is a normal answer, not an error: the estimate then falls back to the
// configured board power, or to the CPU.
import { execFile } from 'node:child_process';

export const GPU_QUERY_FIELDS = ['power.draw', 'power.limit', 'memory.total', 'memory.used', 'memory.free', 'name'] as const;

export const GPU_QUERY_ARGS: readonly string[] = [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

const MIB = 1024 * 1024;

export interface GpuReading {
  name: string;
  /** Watts now; undefined where the board does not report it ("[N/A]", "[Not Supported]"). */
  powerDrawW?: number;
  /** The board's power limit in watts: what a render that keeps the GPU busy draws, near enough. */
  powerLimitW?: number;
  memoryTotalBytes: number;
  memoryUsedBytes: number;
  memoryFreeBytes: number;
}

export type GpuProbe = { available: true; gpus: GpuReading[] } | { available: false; reason: string };

/** A cell as a number, or undefined for nvidia-smi's "[N/A]"-style placeholders and blanks. */
function numberCell(cell: string | undefined): number | undefined {
  if (cell === undefined) return undefined;
  const trimmed = cell.trim();
  if (trimmed === '' || trimmed.startsWith('[') || /^n\/?a$/i.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Parses the output of `nvidia-smi` run with GPU_QUERY_ARGS: one line per GPU. The name is the last
 * field and is re-joined, so a name with a comma survives. Lines without the three memory figures
 * are dropped: an estimate cannot use them.
 */
export function parseGpuQuery(stdout: string): GpuReading[] {
  const gpus: GpuReading[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (cells.length < GPU_QUERY_FIELDS.length) continue;
    const [draw, limit, total, used, free] = cells;
    const name = cells.slice(5).join(',').trim();
    const totalMiB = numberCell(total);
    const usedMiB = numberCell(used);
    const freeMiB = numberCell(free);
    if (totalMiB === undefined || usedMiB === undefined || freeMiB === undefined) continue;
    const reading: GpuReading = {
      name: name === '' ? 'NVIDIA GPU' : name,
      memoryTotalBytes: totalMiB * MIB,
      memoryUsedBytes: usedMiB * MIB,
      memoryFreeBytes: freeMiB * MIB,
    };
    const drawW = numberCell(draw);
    const limitW = numberCell(limit);
    if (drawW !== undefined) reading.powerDrawW = drawW;
    if (limitW !== undefined && limitW > 0) reading.powerLimitW = limitW;
    gpus.push(reading);
  }
  return gpus;
}

export interface ProbeOptions {
  /** The program to run; tests point it at a script or a missing path. */
  command?: string;
  timeoutMs?: number;
}

/** Runs nvidia-smi (argument array, no shell, bounded in time) and reads every GPU it lists. */
export function probeGpus(options: ProbeOptions = {}): Promise<GpuProbe> {
  const command = options.command ?? 'nvidia-smi';
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    execFile(command, [...GPU_QUERY_ARGS], { timeout: timeoutMs, windowsHide: true, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error !== null) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return resolve({ available: false, reason: `${command} not found (no NVIDIA driver installed or not on PATH)` });
        if (error.killed) return resolve({ available: false, reason: `${command} did not answer within ${timeoutMs} ms` });
        const firstLine = (String(stderr) || String(stdout) || error.message).trim().split('\n')[0] ?? '';
        return resolve({ available: false, reason: `${command} failed: ${firstLine}` });
      }
      const gpus = parseGpuQuery(String(stdout));
      if (gpus.length === 0) return resolve({ available: false, reason: `${command} listed no GPU` });
      resolve({ available: true, gpus });
    });
  });
}
