import type { AggregationInterval } from "../models/intervals";

/** The identity of one rollup row (the metric_rollups primary key). */
export interface RollupKey {
  metric: string;
  interval: AggregationInterval;
  bucketStartMs: number;
  dimension: string;
  dimensionValue: string;
}

// A separator no metric name, dimension or property value is expected to contain; a value that
// does contain it still maps to one key, because the fields are length-prefixed.
export function rollupKeyString(key: RollupKey): string {
  const { metric, interval, bucketStartMs, dimension, dimensionValue } = key;
  return `${metric.length}:${metric}${interval}@${bucketStartMs}#${dimension.length}:${dimension}=${dimensionValue}`;
}
