// Small measuring helpers shared by the legs.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function secondsSince(fromMs: number, toMs: number = performance.now()): number {
  return (toMs - fromMs) / 1000;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: secondsSince(started) };
}

/** Nearest-rank percentile (q in 0..1) of values; undefined for none. */
export function percentile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const median = (values: readonly number[]) => percentile(values, 0.5);
