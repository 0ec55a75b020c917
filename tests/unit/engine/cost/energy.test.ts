import { describe, expect, it } from 'vitest';
import { addMoney, costOf, energyKWh, powerDraw, ratesFor, renderCost, roundMoney } from '../../../../engine/cost/energy';
import type { GpuReading } from '../../../../engine/cost/nvidia-smi';
import type { Pricing } from '../../../../engine/cost/pricing';

const pricing: Pricing = {
  currency: 'EUR',
  electricity: { pricePerKWh: 0.3 },
  amortisation: { gpuPerHour: 0.9, cpuPerHour: 0.12 },
  power: { gpuBoardWatts: 400, cpuPackageWatts: 100 },
};

const h100: GpuReading = { name: 'NVIDIA H100 80GB HBM3', powerDrawW: 126.29, powerLimitW: 700, memoryTotalBytes: 1, memoryUsedBytes: 0, memoryFreeBytes: 1 };

describe('energy', () => {
  it('is watts x seconds / 3.6e6 kWh', () => {
    expect(energyKWh(3600, 1000)).toBe(1);
    expect(energyKWh(90, 500)).toBeCloseTo(0.0125, 12);
    expect(energyKWh(0, 700)).toBe(0);
  });
});

describe('power drawn by a render', () => {
  it('on CUDA counts the board at its power limit from nvidia-smi, plus the CPU package', () => {
    expect(powerDraw('cuda', pricing, h100)).toEqual({ gpuWatts: 700, cpuWatts: 100, gpuSource: 'nvidia-smi power.limit' });
  });
  it('on CUDA without a power limit reading falls back to the configured board power', () => {
    const { powerLimitW: _l, ...noLimit } = h100;
    expect(powerDraw('cuda', pricing, noLimit)).toEqual({ gpuWatts: 400, cpuWatts: 100, gpuSource: 'pricing power.gpuBoardWatts' });
    expect(powerDraw('cuda', pricing)).toMatchObject({ gpuWatts: 400 });
  });
  it('on CPU counts the CPU package only, whatever a GPU says', () => {
    expect(powerDraw('cpu', pricing, h100)).toEqual({ gpuWatts: 0, cpuWatts: 100, gpuSource: 'none' });
  });
});

describe('money', () => {
  it('is kWh x price + hours x the amortisation of the device used', () => {
    // 30 minutes at 800 W: 0.4 kWh x 0.3 = 0.12, plus 0.5 h x 0.9 (GPU) = 0.45.
    expect(renderCost('cuda', 1800, 0.4, pricing)).toEqual({ amount: 0.57, currency: 'EUR' });
    // Same on the CPU: 0.12 + 0.5 h x 0.12 = 0.18.
    expect(renderCost('cpu', 1800, 0.4, pricing)).toEqual({ amount: 0.18, currency: 'EUR' });
  });
  it('picks the rates by provider', () => {
    expect(ratesFor('cuda', pricing)).toEqual({ pricePerKWh: 0.3, amortisationPerHour: 0.9, currency: 'EUR' });
    expect(ratesFor('cpu', pricing).amortisationPerHour).toBe(0.12);
    expect(costOf({ pricePerKWh: 1, amortisationPerHour: 0, currency: 'CHF' }, 10, 2)).toEqual({ amount: 2, currency: 'CHF' });
  });
  it('rounds to micro-units and adds in one currency only', () => {
    expect(roundMoney(0.1 + 0.2)).toBe(0.3);
    expect(addMoney([{ amount: 0.1, currency: 'EUR' }, { amount: 0.2, currency: 'EUR' }], 'EUR')).toEqual({ amount: 0.3, currency: 'EUR' });
    expect(() => addMoney([{ amount: 1, currency: 'USD' }], 'EUR')).toThrow(/USD/);
  });
});
