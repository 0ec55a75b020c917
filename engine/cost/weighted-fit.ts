// An exponentially weighted least-squares line y = intercept + slope * x, kept as running sums so a
// new observation costs O(1) and old ones fade: the step-time and the memory models both use it.

/** Smoothing of every running figure: the newest observation's share of the total weight. */
export const SMOOTHING = 0.3;

export interface WeightedFit {
  weight: number;
  sumX: number;
  sumY: number;
  sumXX: number;
  sumXY: number;
}

export interface FitLine {
  meanX: number;
  meanY: number;
  /** Undefined when the x values are too close together to tell slope from intercept. */
  slope?: number;
  intercept?: number;
}

/** Coefficient of variation of x below which the line is not trusted. */
const MIN_SPREAD = 0.1;

export function emptyFit(): WeightedFit {
  return { weight: 0, sumX: 0, sumY: 0, sumXX: 0, sumXY: 0 };
}

export function addToFit(fit: WeightedFit, x: number, y: number, smoothing: number = SMOOTHING): WeightedFit {
  // The history decays by (1 - smoothing) and the new point weighs `smoothing` of the total, as in an
  // exponential mean; the very first point starts the fit with weight 1.
  const first = fit.weight <= 0;
  const keep = first ? 0 : 1 - smoothing;
  const w = first ? 1 : smoothing * fit.weight;
  return {
    weight: keep * fit.weight + w,
    sumX: keep * fit.sumX + w * x,
    sumY: keep * fit.sumY + w * y,
    sumXX: keep * fit.sumXX + w * x * x,
    sumXY: keep * fit.sumXY + w * x * y,
  };
}

/**
 * Means, and the line when the points are spread enough; undefined for an empty fit. The x values
 * must spread by `minStdX` (default: a tenth of their mean) before a slope is trusted.
 */
export function fitLine(fit: WeightedFit, minStdX?: number): FitLine | undefined {
  if (fit.weight <= 0) return undefined;
  const meanX = fit.sumX / fit.weight;
  const meanY = fit.sumY / fit.weight;
  const varX = fit.sumXX / fit.weight - meanX * meanX;
  if (!(varX > (minStdX ?? MIN_SPREAD * Math.abs(meanX)) ** 2)) return { meanX, meanY };
  const slope = (fit.sumXY / fit.weight - meanX * meanY) / varX;
  return { meanX, meanY, slope, intercept: meanY - slope * meanX };
}

export interface LineParams {
  intercept: number;
  slope: number;
}

/**
 * A physical line from the fit (intercept >= 0, slope >= minSlope): the fitted one when the points
 * span different x and it is physical; otherwise through the weighted mean point at `defaultSlope`,
 * its intercept taking up the rest, or, when even that would go negative, proportional through the
 * origin (never below minSlope).
 */
export function lineParams(fit: WeightedFit | undefined, defaultSlope: number, minSlope = 0): LineParams | undefined {
  const line = fit === undefined ? undefined : fitLine(fit);
  if (line === undefined) return undefined;
  if (line.slope !== undefined && line.intercept !== undefined && line.slope >= minSlope && line.intercept >= 0) {
    return { intercept: line.intercept, slope: line.slope };
  }
  if (line.meanY >= defaultSlope * line.meanX) return { intercept: line.meanY - defaultSlope * line.meanX, slope: defaultSlope };
  return { intercept: 0, slope: line.meanX > 0 ? Math.max(minSlope, line.meanY / line.meanX) : defaultSlope };
}
