// Seconds -> kWh -> money. Pure arithmetic, kept apart so it can be checked by hand.
import { workError } from '../errors';
import type { Pricing } from './pricing';
import type { GpuReading } from './nvidia-smi';

export type CostProvider = 'cuda' | 'cpu';

export interface Money {
  amount: number;
  /** ISO 4217. */
  currency: string;
}

export interface PowerDraw {
  /** GPU board watts counted for the render; 0 on CPU. */
  gpuWatts: number;
  cpuWatts: number;
  /** Where the GPU figure comes from. */
  gpuSource: 'nvidia-smi power.limit' | 'pricing power.gpuBoardWatts' | 'none';
}

const JOULES_PER_KWH = 3_600_000;

/**
 * What a render draws. A render keeps the GPU busy, so its board runs near its power limit (the
 * current draw of an idle GPU would say far less); the host CPU feeding it counts at package power.
 * A CPU render counts the CPU package only.
 */
export function powerDraw(provider: CostProvider, pricing: Pricing, gpu?: GpuReading): PowerDraw {
  const cpuWatts = pricing.power.cpuPackageWatts;
  if (provider === 'cpu') return { gpuWatts: 0, cpuWatts, gpuSource: 'none' };
  if (gpu?.powerLimitW !== undefined) return { gpuWatts: gpu.powerLimitW, cpuWatts, gpuSource: 'nvidia-smi power.limit' };
  return { gpuWatts: pricing.power.gpuBoardWatts, cpuWatts, gpuSource: 'pricing power.gpuBoardWatts' };
}

export function energyKWh(seconds: number, watts: number): number {
  return (seconds * watts) / JOULES_PER_KWH;
}

/** The prices that apply to a render on one provider. */
export interface CostRates {
  pricePerKWh: number;
  /** Amortisation of the device used (GPU-hour on CUDA, CPU-hour on CPU). */
  amortisationPerHour: number;
  currency: string;
}

export function ratesFor(provider: CostProvider, pricing: Pricing): CostRates {
  return {
    pricePerKWh: pricing.electricity.pricePerKWh,
    amortisationPerHour: provider === 'cuda' ? pricing.amortisation.gpuPerHour : pricing.amortisation.cpuPerHour,
    currency: pricing.currency,
  };
}

/** Electricity plus the hardware's wear: kWh x price + hours x amortisation. */
export function costOf(rates: CostRates, seconds: number, kWh: number): Money {
  return { amount: roundMoney(kWh * rates.pricePerKWh + (seconds / 3600) * rates.amortisationPerHour), currency: rates.currency };
}

export function renderCost(provider: CostProvider, seconds: number, kWh: number, pricing: Pricing): Money {
  return costOf(ratesFor(provider, pricing), seconds, kWh);
}

/** Micro-units: enough for the cost of a one-second render, without float dust in JSON. */
export function roundMoney(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}

export function addMoney(values: readonly Money[], currency: string): Money {
  let amount = 0;
  for (const v of values) {
    if (v.currency !== currency) throw workError('COST_CURRENCY_MISMATCH', `cannot add an amount in ${v.currency} to one in ${currency}`);
    amount += v.amount;
  }
  return { amount: roundMoney(amount), currency };
}
