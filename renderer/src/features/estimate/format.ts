// How the studio writes an estimate's figures: short, with units, and never more precise than an
// estimate is (three significant digits), so the numbers do not flicker in their last digits.

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes - hours * 60} min`;
}

/** Watt-hours below one kWh: a short render uses a few Wh, not "0.0012 kWh". */
export function formatEnergy(kWh: number): string {
  if (kWh >= 1) return `${Number(kWh.toPrecision(3))} kWh`;
  const wh = kWh * 1000;
  return `${wh >= 1 ? Number(wh.toPrecision(3)) : Number(wh.toPrecision(2))} Wh`;
}

/** Money in the pricing's currency: cents as usual, fractions of a cent with two significant digits. */
export function formatMoney(amount: number, currency: string): string {
  if (amount === 0) return `0 ${currency}`;
  if (amount >= 0.01) return `${amount.toFixed(amount >= 100 ? 0 : 2)} ${currency}`;
  return `${Number(amount.toPrecision(2))} ${currency}`;
}

const KIB = 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= KIB ** 3) return `${(bytes / KIB ** 3).toFixed(2)} GiB`;
  if (bytes >= KIB ** 2) return `${(bytes / KIB ** 2).toFixed(1)} MiB`;
  if (bytes >= KIB) return `${(bytes / KIB).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export function formatPercent(ratio: number): string {
  return `${(100 * ratio).toFixed(ratio < 0.1 ? 1 : 0)} %`;
}

/** "median error 8.5 % over 12 renders", or why there is no figure yet. */
export function describeAccuracy(accuracy: { pairs: number; medianAbsRelativeError?: number } | null): string {
  if (accuracy === null) return 'Accuracy: not known yet';
  if (accuracy.pairs === 0 || accuracy.medianAbsRelativeError === undefined) return 'Accuracy: no calibrated render finished yet';
  return `Accuracy so far: median error ${formatPercent(accuracy.medianAbsRelativeError)} over ${accuracy.pairs} ${accuracy.pairs === 1 ? 'render' : 'renders'}`;
}
