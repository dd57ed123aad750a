/** Rollup intervals, smallest first. */
export const AGGREGATION_INTERVALS = ["1m", "5m", "15m", "1h", "1d"] as const;
export type AggregationInterval = (typeof AGGREGATION_INTERVALS)[number];

export const INTERVAL_MILLISECONDS: Record<AggregationInterval, number> = {
  "1m": 60_000,
  "5m": 5 * 60_000,
  "15m": 15 * 60_000,
  "1h": 60 * 60_000,
  "1d": 24 * 60 * 60_000,
};

/** Start of the bucket of the given interval that contains `time` (UTC-aligned). */
export function bucketStart(time: Date, interval: AggregationInterval): Date {
  const size = INTERVAL_MILLISECONDS[interval];
  return new Date(Math.floor(time.getTime() / size) * size);
}

export function isAggregationInterval(value: string): value is AggregationInterval {
  return (AGGREGATION_INTERVALS as readonly string[]).includes(value);
}
