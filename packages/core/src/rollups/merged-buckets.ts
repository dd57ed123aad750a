import { type AggregationInterval, INTERVAL_MS, sortIntervals } from "../models/intervals";
import { emptyCountState, mergeInto, type RollupState } from "./rollup-state";
import { sketchQuantile } from "./value-sketch";

// Intervals the API serves without storing them (the B25 seed lists 30m and 4h besides the five
// the aggregator keeps): each bucket is the exact merge of the finer stored buckets it holds.

export const MERGED_INTERVAL_MS = { "30m": 30 * 60_000, "4h": 4 * 3_600_000 } as const;
export type MergedInterval = keyof typeof MERGED_INTERVAL_MS;

export function isMergedInterval(value: string): value is MergedInterval {
  return Object.hasOwn(MERGED_INTERVAL_MS, value);
}

/** The coarsest stored interval whose buckets tile the merged one (15m for 30m, 1h for 4h, when stored). */
export function mergeSourceInterval(interval: MergedInterval, stored: readonly AggregationInterval[]): AggregationInterval | undefined {
  const size = MERGED_INTERVAL_MS[interval];
  return sortIntervals(stored)
    .filter((each) => INTERVAL_MS[each] < size && size % INTERVAL_MS[each] === 0)
    .at(-1);
}

/** One bucket of one series (the overall series has dimension value ""). */
export interface BucketState {
  bucketStartMs: number;
  dimensionValue: string;
  state: RollupState;
}

/**
 * Buckets of `sizeMs` (aligned on the epoch, as stored buckets are), each the merge of the
 * given finer buckets it holds, per dimension value; oldest first, then by value. The inputs
 * are left as they were.
 */
export function mergeBuckets(rows: Iterable<BucketState>, sizeMs: number): BucketState[] {
  const merged = new Map<string, BucketState>();
  for (const row of rows) {
    const bucketStartMs = Math.floor(row.bucketStartMs / sizeMs) * sizeMs;
    const id = `${bucketStartMs}\u0000${row.dimensionValue}`;
    let bucket = merged.get(id);
    if (!bucket) {
      bucket = { bucketStartMs, dimensionValue: row.dimensionValue, state: emptyCountState() };
      merged.set(id, bucket);
    }
    mergeInto(bucket.state, row.state);
  }
  return [...merged.values()].sort(
    (a, b) => a.bucketStartMs - b.bucketStartMs || (a.dimensionValue < b.dimensionValue ? -1 : a.dimensionValue > b.dimensionValue ? 1 : 0),
  );
}

/** A bucket as GET /api/v1/metrics lists it: the fields and forms of a stored row's point (metric-point-json). */
export function bucketPoint(bucket: BucketState, countOnly: boolean, withDimensionValue: boolean): Record<string, unknown> {
  const { state } = bucket;
  const point: Record<string, unknown> = { bucket_start: new Date(bucket.bucketStartMs).toISOString().replace(/\.\d{3}Z$/, "Z") };
  if (withDimensionValue) point.dimension_value = bucket.dimensionValue;
  point.count = state.count;
  if (countOnly) return point;
  const quantile = (q: number) => (state.sketch ? sketchQuantile(state.sketch, q) : null);
  return Object.assign(point, {
    sum: state.sum,
    avg: state.count === 0 ? null : state.sum / state.count,
    min: state.min,
    max: state.max,
    p50: quantile(0.5),
    p95: quantile(0.95),
    p99: quantile(0.99),
    open: state.first?.value ?? null,
    close: state.last?.value ?? null,
  });
}
