// Small measuring helpers shared by the benches: durations, and nearest-rank percentiles of them.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function secondsSince(fromMs: number, toMs: number = performance.now()): number {
  return (toMs - fromMs) / 1000;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: secondsSince(started) };
}

/** Nearest-rank percentile (q in 0..1) of values already sorted ascending. */
export function percentileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error("no values to take a percentile of");
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Nearest-rank percentile (q in 0..1) of values in any order; undefined for none. */
export function percentile(values: readonly number[], q: number): number | undefined {
  return values.length === 0 ? undefined : percentileOfSorted([...values].sort((a, b) => a - b), q);
}

/** The median of values in any order; undefined for none. */
export const median = (values: readonly number[]) => percentile(values, 0.5);

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** p50/p90/p99/max of durations in ms; undefined for none. */
export function summarizeLatencies(durationsMs: readonly number[]): LatencySummary | undefined {
  if (durationsMs.length === 0) return undefined;
  const values = Array.from(Float64Array.from(durationsMs).sort());
  return {
    samples: values.length,
    p50Ms: percentileOfSorted(values, 0.5),
    p90Ms: percentileOfSorted(values, 0.9),
    p99Ms: percentileOfSorted(values, 0.99),
    maxMs: values[values.length - 1]!,
  };
}
