/** Rollup intervals, smallest first. */
export const AGGREGATION_INTERVALS = ["1m", "5m", "15m", "1h", "1d"] as const;
export type AggregationInterval = (typeof AGGREGATION_INTERVALS)[number];

