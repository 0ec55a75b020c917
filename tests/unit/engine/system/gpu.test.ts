import { describe, expect, it } from 'vitest';
import { gpuFacts, parseNvidiaSmiCsv } from '../../../../engine/system/gpu';

describe('parseNvidiaSmiCsv', () => {
  it('reads one device per line', () => {
    const csv = '0, NVIDIA H100 80GB HBM3, 81559, 1, 550.54.15, 9.0\n1, NVIDIA RTX 4090, 24564, 300, 550.54.15, [N/A]\n';
    expect(parseNvidiaSmiCsv(csv)).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559, memoryUsedMiB: 1, driverVersion: '550.54.15', computeCapability: '9.0' },
      { index: 1, name: 'NVIDIA RTX 4090', memoryTotalMiB: 24564, memoryUsedMiB: 300, driverVersion: '550.54.15' },
    ]);
  });
});

describe('gpuFacts', () => {
  it('reports no GPU, with the reason, when nvidia-smi is missing', async () => {
    const facts = await gpuFacts({ nvidiaSmi: '/nonexistent/nvidia-smi' });
    expect(facts.available).toBe(false);
    expect(facts.devices).toEqual([]);
    expect(facts.reason).toContain('not found');
  });
});
