import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GPU_QUERY_ARGS, parseGpuQuery, probeGpus } from '../../../../engine/cost/nvidia-smi';

const MIB = 1024 * 1024;
// Captured on the project's GPU machine (one H100) with the query of GPU_QUERY_ARGS.
const H100 = '126.29, 700.00, 81559, 0, 81079, NVIDIA H100 80GB HBM3\n';
// Two boards, one that does not report its power (a laptop GPU / an older driver).
const TWO = '45.12, 250.00, 24576, 1024, 23216, NVIDIA GeForce RTX 4090\r\n[N/A], [N/A], 8192, 512, 7424, Quadro P4000, Rev. A\n';

describe('parseGpuQuery', () => {
  it('reads the captured H100 line: watts, limit, memory in bytes, name', () => {
    expect(parseGpuQuery(H100)).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', powerDrawW: 126.29, powerLimitW: 700, memoryTotalBytes: 81559 * MIB, memoryUsedBytes: 0, memoryFreeBytes: 81079 * MIB },
    ]);
  });

  it('reads several GPUs, leaves out [N/A] power, keeps a name with a comma', () => {
    const gpus = parseGpuQuery(TWO);
    expect(gpus).toHaveLength(2);
    expect(gpus[0]).toMatchObject({ name: 'NVIDIA GeForce RTX 4090', powerLimitW: 250, memoryFreeBytes: 23216 * MIB });
    expect(gpus[1]).toEqual({ name: 'Quadro P4000, Rev. A', memoryTotalBytes: 8192 * MIB, memoryUsedBytes: 512 * MIB, memoryFreeBytes: 7424 * MIB });
  });

  it('drops lines without the memory figures and blank or foreign lines', () => {
    expect(parseGpuQuery('')).toEqual([]);
    expect(parseGpuQuery('No devices were found\n')).toEqual([]);
    expect(parseGpuQuery('10, 100, [N/A], 1, 2, Odd GPU\n')).toEqual([]);
  });
});

describe('probeGpus', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-smi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('handles a machine without nvidia-smi (this one): not available, with the reason', async () => {
    const probe = await probeGpus({ command: path.join(dir, 'nvidia-smi-not-installed') });
    expect(probe.available).toBe(false);
    if (!probe.available) expect(probe.reason).toMatch(/not found/);
  });

  it('passes the query as an argument array and parses what the program prints', async () => {
    // A stand-in program that answers only when it receives exactly the documented arguments.
    const fake = path.join(dir, 'fake-smi');
    writeFileSync(fake, `#!/bin/sh\n[ "$1" = "${GPU_QUERY_ARGS[0]}" ] && [ "$2" = "${GPU_QUERY_ARGS[1]}" ] && [ $# -eq 2 ] || { echo "bad arguments: $*" >&2; exit 9; }\nprintf '${H100.trim()}\\n'\n`);
    chmodSync(fake, 0o755);
    const probe = await probeGpus({ command: fake });
    expect(probe).toEqual({ available: true, gpus: parseGpuQuery(H100) });
  });

  it('reports a failing nvidia-smi with its first line', async () => {
    const failing = path.join(dir, 'failing-smi');
    writeFileSync(failing, '#!/bin/sh\necho "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver." >&2\nexit 9\n');
    chmodSync(failing, 0o755);
    const probe = await probeGpus({ command: failing });
    expect(probe).toEqual({ available: false, reason: `${failing} failed: NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.` });
  });

  it('gives up on an nvidia-smi that hangs, after its timeout', async () => {
    const hanging = path.join(dir, 'hanging-smi');
    writeFileSync(hanging, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(hanging, 0o755);
    const probe = await probeGpus({ command: hanging, timeoutMs: 200 });
    expect(probe).toEqual({ available: false, reason: `${hanging} did not answer within 200 ms` });
  });
});
