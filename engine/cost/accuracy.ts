// How good the estimates are: the estimate/actual pair a reproducibility record stores, and the
// running accuracy over the pairs stored in the library.
import type { CalibrationStore, PairFilter } from './calibration-store';
import { costOf, energyKWh, type Money } from './energy';
import type { ShotEstimate } from './estimate';

export interface EstimateVsActual {
  estimate: { seconds: number; energyKWh: number; cost: Money; vramBytes: number; memoryKind: 'vram' | 'ram'; calibration: 'measured' | 'default' };
  /** Energy and money at the estimate's power figures over the measured time. */
  actual: { seconds: number; energyKWh: number; cost: Money };
  /** (estimate - actual) / actual for the time; negative when the render took longer than said. */
  relativeError: number;
}

/**
 * The pair a reproducibility record stores (pure: the estimate made before the render, the timings
 * it produced). Energy and money are not metered, so the actual ones apply the estimate's watts
 * and rates to the measured seconds.
 */
export function estimateVsActual(estimate: Pick<ShotEstimate, 'seconds' | 'energyKWh' | 'cost' | 'vramBytes' | 'memoryKind' | 'breakdown' | 'power' | 'rates'>, timings: { totalMs: number }): EstimateVsActual {
  const seconds = timings.totalMs / 1000;
  const kWh = energyKWh(seconds, estimate.power.gpuWatts + estimate.power.cpuWatts);
  return {
    estimate: {
      seconds: estimate.seconds,
      energyKWh: estimate.energyKWh,
      cost: estimate.cost,
      vramBytes: estimate.vramBytes,
      memoryKind: estimate.memoryKind,
      calibration: estimate.breakdown.calibration.source,
    },
    actual: { seconds: Math.round(seconds * 1000) / 1000, energyKWh: Number(kWh.toPrecision(6)), cost: costOf(estimate.rates, seconds, kWh) },
    relativeError: seconds > 0 ? (estimate.seconds - seconds) / seconds : 0,
  };
}

export interface AccuracyStats {
  pairs: number;
  /** Median of |estimate - actual| / actual; undefined without pairs. */
  medianAbsRelativeError?: number;
  meanAbsRelativeError?: number;
  worstAbsRelativeError?: number;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function absRelativeErrors(pairs: readonly { estimatedMs: number; actualMs: number }[]): number[] {
  return pairs.filter((p) => p.actualMs > 0).map((p) => Math.abs(p.estimatedMs - p.actualMs) / p.actualMs);
}

/**
 * Running accuracy over the stored pairs; by default the calibrated estimates only (an
 * uncalibrated first guess says so on its face) and the newest 200.
 */
export function accuracyStats(store: CalibrationStore, filter: PairFilter = {}): AccuracyStats {
  const pairs = store.pairs({ source: 'measured', limit: 200, ...filter });
  const errors = absRelativeErrors(pairs);
  if (errors.length === 0) return { pairs: 0 };
  const stats: AccuracyStats = { pairs: errors.length, meanAbsRelativeError: errors.reduce((a, b) => a + b, 0) / errors.length, worstAbsRelativeError: Math.max(...errors) };
  const m = median(errors);
  if (m !== undefined) stats.medianAbsRelativeError = m;
  return stats;
}
