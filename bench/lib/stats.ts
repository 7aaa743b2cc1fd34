// Small statistics for the benchmark: medians and percentiles of repeated measurements.

/** Repeated measurements of one quantity and their summary. */
export interface Stat {
  runs: number[];
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** The q-quantile (0..1) of sorted values, by linear interpolation. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Summary of a list of measurements (NaN fields for an empty list). */
export function stat(values: readonly number[]): Stat {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    runs: values.map(round),
    median: round(quantile(sorted, 0.5)),
    p95: round(quantile(sorted, 0.95)),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** Two decimals are plenty for milliseconds and megabytes. */
export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** a / b rounded, or null when either is missing. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return round(a / b);
}
