import { randomUUID } from "node:crypto";
import { bucketPoint, mergeBuckets, mergeSourceInterval, type BucketState } from "./merged-buckets";
import { emptyCountState, emptyValueState, countOne, observe, type RollupState } from "./rollup-state";
import { sketchQuantile } from "./value-sketch";

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 9, 3, 12, 0, 0);

/** Deterministic prices: a walk with a few outliers. */
function prices(n: number): { timeMs: number; value: number }[] {
  return Array.from({ length: n }, (_, i) => ({ timeMs: T0 + ((i * 7919) % (4 * 60 * MINUTE)), value: 50_000 + ((i * 37) % 1000) - (i % 97 === 0 ? 5000 : 0) }));
}

function stateOf(points: readonly { timeMs: number; value: number }[]): RollupState {
  const state = emptyValueState();
  for (const point of points) observe(state, { ...point, eventId: randomUUID() });
  return state;
}

/** The points split into stored buckets of `sizeMs`, as the aggregator folds them. */
function storedBuckets(points: readonly { timeMs: number; value: number }[], sizeMs: number, dimensionValue = ""): BucketState[] {
  const byStart = new Map<number, { timeMs: number; value: number }[]>();
  for (const point of points) {
    const start = Math.floor(point.timeMs / sizeMs) * sizeMs;
    byStart.set(start, [...(byStart.get(start) ?? []), point]);
  }
  return [...byStart].map(([bucketStartMs, inBucket]) => ({ bucketStartMs, dimensionValue, state: stateOf(inBucket) }));
}

describe("mergeSourceInterval", () => {
  it("takes the coarsest stored interval that tiles the merged one", () => {
    expect(mergeSourceInterval("30m", ["1m", "5m", "15m", "1h", "1d"])).toBe("15m");
    expect(mergeSourceInterval("4h", ["1m", "5m", "15m", "1h", "1d"])).toBe("1h");
    // The seed's test configuration stores 1m and 1h only.
    expect(mergeSourceInterval("30m", ["1h", "1m"])).toBe("1m");
    expect(mergeSourceInterval("4h", ["1d"])).toBeUndefined();
  });
});

describe("mergeBuckets", () => {
  it("merges 15m buckets into 30m ones equal to folding the same events into 30m buckets directly", () => {
    const points = prices(5000);
    const merged = mergeBuckets(storedBuckets(points, 15 * MINUTE), 30 * MINUTE);
    const direct = storedBuckets(points, 30 * MINUTE).sort((a, b) => a.bucketStartMs - b.bucketStartMs);
    expect(merged.map((bucket) => bucket.bucketStartMs)).toEqual(direct.map((bucket) => bucket.bucketStartMs));
    merged.forEach((bucket, index) => {
      const expected = direct[index]!.state;
      const { state } = bucket;
      expect([state.count, state.min, state.max, state.first?.value, state.last?.value]).toEqual([
        expected.count,
        expected.min,
        expected.max,
        expected.first?.value,
        expected.last?.value,
      ]);
      expect(state.sum).toBeCloseTo(expected.sum, 6);
      for (const q of [0.5, 0.95, 0.99]) expect(sketchQuantile(state.sketch!, q)).toBe(sketchQuantile(expected.sketch!, q));
    });
  });

  it("merges 1h buckets into 4h ones per dimension value, oldest first, and leaves its inputs alone", () => {
    const btc = storedBuckets(prices(400), 60 * MINUTE, "BTCUSDT");
    const eth = storedBuckets(prices(300), 60 * MINUTE, "ETHUSDT");
    const counts = [...btc, ...eth].map((bucket) => bucket.state.count);
    const merged = mergeBuckets([...eth, ...btc], 4 * 60 * MINUTE);
    expect(merged.map((bucket) => [bucket.bucketStartMs, bucket.dimensionValue, bucket.state.count])).toEqual([
      [T0, "BTCUSDT", 400],
      [T0, "ETHUSDT", 300],
    ]);
    expect([...btc, ...eth].map((bucket) => bucket.state.count)).toEqual(counts);
  });

  it("adds counts of count-only buckets and puts each in the bucket holding its start", () => {
    const count = (n: number) => {
      const state = emptyCountState();
      for (let i = 0; i < n; i++) countOne(state);
      return state;
    };
    const merged = mergeBuckets(
      [0, 15, 30, 45].map((minute, index) => ({ bucketStartMs: T0 + minute * MINUTE, dimensionValue: "", state: count(index + 1) })),
      30 * MINUTE,
    );
    expect(merged.map((bucket) => bucket.state.count)).toEqual([3, 7]);
    expect(bucketPoint(merged[1]!, true, false)).toEqual({ bucket_start: "2025-10-03T12:30:00Z", count: 7 });
  });
});

describe("bucketPoint", () => {
  it("lists a value bucket's figures as a stored point does", () => {
    const state = stateOf([
      { timeMs: T0 + 1000, value: 10 },
      { timeMs: T0 + 2000, value: 30 },
      { timeMs: T0 + 3000, value: 20 },
    ]);
    const point = bucketPoint({ bucketStartMs: T0, dimensionValue: "BTCUSDT", state }, false, true);
    expect(point).toMatchObject({ bucket_start: "2025-10-03T12:00:00Z", dimension_value: "BTCUSDT", count: 3, sum: 60, avg: 20, min: 10, max: 30, open: 10, close: 20 });
    expect(point.p50).toBeCloseTo(20, 0);
  });
});
