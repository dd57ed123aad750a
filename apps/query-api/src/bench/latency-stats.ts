// Percentiles of measured durations, shared by the load process and the floor measurements.

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile (q in 0..1) of values already sorted ascending. */
export function percentileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error("no values to take a percentile of");
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** p50/p90/p99/max of durations in ms; undefined for none. */
export function summarizeLatencies(durationsMs: readonly number[]): LatencySummary | undefined {
  if (durationsMs.length === 0) return undefined;
  const sorted = Float64Array.from(durationsMs).sort();
  const values = Array.from(sorted);
  return {
    samples: values.length,
    p50Ms: percentileOfSorted(values, 0.5),
    p90Ms: percentileOfSorted(values, 0.9),
    p99Ms: percentileOfSorted(values, 0.99),
    maxMs: values[values.length - 1]!,
  };
}

export function median(values: readonly number[]): number {
  return percentileOfSorted([...values].sort((a, b) => a - b), 0.5);
}
