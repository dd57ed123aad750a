/** Rollup intervals, smallest first. Each one divides every larger one evenly. */
export const AGGREGATION_INTERVALS = ["1m", "5m", "15m", "1h", "1d"] as const;
export type AggregationInterval = (typeof AGGREGATION_INTERVALS)[number];

const MINUTE_MS = 60_000;

export const INTERVAL_MS: Readonly<Record<AggregationInterval, number>> = {
  "1m": MINUTE_MS,
  "5m": 5 * MINUTE_MS,
  "15m": 15 * MINUTE_MS,
  "1h": 60 * MINUTE_MS,
  "1d": 24 * 60 * MINUTE_MS,
};

/** Start (epoch ms, UTC-aligned) of the interval bucket holding `timeMs`. */
export function bucketStart(timeMs: number, interval: AggregationInterval): number {
  const size = INTERVAL_MS[interval];
  return Math.floor(timeMs / size) * size;
}

/** The given intervals, smallest first, without repeats. */
export function sortIntervals(intervals: readonly AggregationInterval[]): AggregationInterval[] {
  return AGGREGATION_INTERVALS.filter((interval) => intervals.includes(interval));
}
