import { BoundedDenseStore, nonEmptyBins } from "./bounded-dense-store";
import { MAX_MEASURE_MAGNITUDE } from "./measure-range";
import {
  copySketch,
  emptySketch,
  mergeSketchInto,
  SKETCH_MAX_BINS,
  SKETCH_RELATIVE_ACCURACY,
  sketchFromBytes,
  sketchQuantile,
  sketchToBytes,
  type ValueSketch,
} from "./value-sketch";

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function sketchOf(values: readonly number[]): ValueSketch {
  const sketch = emptySketch();
  for (const value of values) sketch.accept(value);
  return sketch;
}

const binsOf = (sketch: ValueSketch) => ({
  positive: nonEmptyBins(sketch.store),
  negative: nonEmptyBins(sketch.negativeStore),
  zero: sketch.zeroCount,
  count: sketch.count,
});

const exactAtRank = (values: readonly number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;

describe("bounded sketch", () => {
  it("keeps at most SKETCH_MAX_BINS bins per sign for a tiny and a huge value", () => {
    for (const [tiny, huge] of [
      [1e-300, 1e200],
      [Number.MIN_VALUE, Number.MAX_VALUE],
      [1e-9, MAX_MEASURE_MAGNITUDE],
    ] as const) {
      const sketch = sketchOf([tiny, huge, -tiny, -huge]);
      for (const store of [sketch.store, sketch.negativeStore]) {
        expect(store.maxKey - store.minKey + 1).toBeLessThanOrEqual(SKETCH_MAX_BINS);
        expect(store.bins.length).toBeLessThanOrEqual(SKETCH_MAX_BINS + 16);
      }
      expect(sketch.count).toBe(4);
      const decoded = sketchFromBytes(sketchToBytes(sketch));
      expect(binsOf(decoded)).toEqual(binsOf(sketch));
    }
  });

  it("stays bounded when merged from sketches at opposite ends", () => {
    const low = sketchOf([1e-300, 2e-300, 5e-290]);
    const high = sketchOf([1e100, 3e100]);
    const merged = copySketch(low);
    mergeSketchInto(merged, high);
    expect(merged.store.maxKey - merged.store.minKey + 1).toBeLessThanOrEqual(SKETCH_MAX_BINS);
    expect(merged.store.bins.length).toBeLessThanOrEqual(SKETCH_MAX_BINS + 16);
    expect(merged.count).toBe(5);
    expect(merged.store.count).toBe(5);
  });

  it("merges to the same bins in any order and matches the sketch of all values", () => {
    const random = seeded(11);
    // Values spread over 60 orders of magnitude, so collapsing happens at every step.
    const values = Array.from({ length: 3000 }, () => (random() < 0.2 ? -1 : 1) * 10 ** (random() * 60 - 30));
    const parts = [0, 1, 2, 3, 4].map((i) => values.filter((_, j) => j % 5 === i));
    const whole = binsOf(sketchOf(values));
    const forward = emptySketch();
    for (const part of parts) mergeSketchInto(forward, sketchOf(part));
    const backward = emptySketch();
    for (const part of [...parts].reverse()) mergeSketchInto(backward, sketchOf(part));
    const shuffledAdds = sketchOf([...values].reverse());
    expect(binsOf(forward)).toEqual(whole);
    expect(binsOf(backward)).toEqual(whole);
    expect(binsOf(shuffledAdds)).toEqual(whole);
    expect(binsOf(sketchFromBytes(sketchToBytes(forward)))).toEqual(whole);
  });

  it("answers every quantile within 1 % for data inside the bound", () => {
    const random = seeded(3);
    // 17 orders of magnitude: the widest range the bound keeps exact.
    const values = Array.from({ length: 20_000 }, () => (random() < 0.1 ? -1 : 1) * 10 ** (random() * 17 - 5));
    const sketch = sketchOf(values);
    for (const q of [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1]) {
      const exact = exactAtRank(values, q);
      expect(Math.abs(sketchQuantile(sketch, q)! - exact)).toBeLessThanOrEqual(Math.abs(exact) * SKETCH_RELATIVE_ACCURACY + 1e-12);
    }
  });

  it("answers the lowest kept bin for quantiles among values collapsed below the bound", () => {
    // 99 values far below the bound and one huge: p50 lands among the collapsed ones.
    const values = [...Array.from({ length: 99 }, (_, i) => 1e-10 * (i + 1)), 1e12];
    const sketch = sketchOf(values);
    const floorValue = sketchQuantile(sketch, 0.5)!;
    // Too large (collapsed up), but never above the largest value divided by the bound's span.
    expect(floorValue).toBeGreaterThan(1e-8);
    expect(floorValue).toBeLessThan(1e12 / 1e17);
    // High quantiles above the collapse keep their accuracy.
    expect(Math.abs(sketchQuantile(sketch, 1)! - 1e12)).toBeLessThanOrEqual(1e12 * SKETCH_RELATIVE_ACCURACY);
  });

  it("reads a stored sketch wider than the bound (written before it) by collapsing it", () => {
    // Encode an unbounded store by hand: two bins 50,000 keys apart, as stored before the bound.
    const wide = new BoundedDenseStore(100_000, 16);
    wide.add(-40_000, 3);
    wide.add(10_000, 2);
    const sketch = emptySketch();
    sketch.store = wide;
    sketch.count = 5;
    const decoded = sketchFromBytes(sketchToBytes(sketch));
    expect(nonEmptyBins(decoded.store)).toEqual([
      [10_000 - SKETCH_MAX_BINS + 1, 3],
      [10_000, 2],
    ]);
    expect(decoded.count).toBe(5);
  });
});

describe("BoundedDenseStore", () => {
  it("collapses keys below the floor into the lowest kept key, whatever the order", () => {
    const a = new BoundedDenseStore(4, 2);
    for (const key of [1, 2, 9, 3, 10, 0]) a.add(key);
    const b = new BoundedDenseStore(4, 2);
    for (const key of [10, 9, 0, 1, 2, 3]) b.add(key);
    expect(nonEmptyBins(a)).toEqual([
      [7, 4],
      [9, 1],
      [10, 1],
    ]);
    expect(nonEmptyBins(b)).toEqual(nonEmptyBins(a));
    expect(a.count).toBe(6);
  });
});
