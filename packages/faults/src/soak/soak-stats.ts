// Pure statistics for the soak: trends by least squares, percentiles, halves of a run.

export interface Point {
  x: number;
  y: number;
}

/** Least-squares slope of y over x; undefined with fewer than two distinct x. */
export function slope(points: readonly Point[]): number | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    covariance += (p.x - meanX) * (p.y - meanY);
    variance += (p.x - meanX) ** 2;
  }
  return variance === 0 ? undefined : covariance / variance;
}

/** Nearest-rank percentile (p in 0..100) of the values; undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function max(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => Math.max(a, b));
}

/** The items of the run's second half (at or after the midpoint of `from`..`to`). */
export function secondHalf<T>(items: readonly T[], at: (item: T) => number, from: number, to: number): T[] {
  const middle = from + (to - from) / 2;
  return items.filter((item) => at(item) >= middle);
}

export function firstHalf<T>(items: readonly T[], at: (item: T) => number, from: number, to: number): T[] {
  const middle = from + (to - from) / 2;
  return items.filter((item) => at(item) < middle);
}
