import { nonEmptyBins } from "./bounded-dense-store";
import { MAX_MEASURE_MAGNITUDE, MAX_MEASURE_PRODUCT_MAGNITUDE } from "./measure-range";
import {
  copySketch,
  emptySketch,
  estimatedSketchBytes,
  mergeSketchInto,
  SKETCH_RELATIVE_ACCURACY,
  sketchFromBytes,
  sketchQuantile,
  sketchToBytes,
  type ValueSketch,
} from "./value-sketch";

// The stored sketch format and the quantiles it answers. bounded-sketch.test.ts covers the bin
// bound; rollup-state.test.ts the sketch inside a rollup state.

/** A deterministic pseudo-random source, so a failure reproduces. */
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

const roundTrip = (sketch: ValueSketch) => sketchFromBytes(sketchToBytes(sketch));
const binsOf = (sketch: ValueSketch) => ({
  positive: nonEmptyBins(sketch.store),
  negative: nonEmptyBins(sketch.negativeStore),
  zero: sketch.zeroCount,
  count: sketch.count,
});
/** The value sketchQuantile approximates: sorted[floor(q × (n − 1))]. */
const exactAtRank = (sorted: readonly number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;
/** The guarantee, plus the rounding of the mapping's logarithms. */
const bound = (exact: number) => Math.abs(exact) * SKETCH_RELATIVE_ACCURACY * (1 + 1e-12);
const QUANTILES = [0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

const DISTRIBUTIONS: Record<string, (random: () => number) => number> = {
  "uniform prices": (random) => 50 + random() * 100,
  "log-normal-ish latencies": (random) => Math.exp(random() * 10) * 0.01,
  "PnL of both signs and some zeros": (random) => (random() < 0.05 ? 0 : (random() < 0.4 ? -1 : 1) * 10 ** (random() * 8 - 2)),
  "only negative values": (random) => -(1 + random() * 1e6),
  "products up to the largest allowed": (random) => MAX_MEASURE_PRODUCT_MAGNITUDE * 10 ** (-random() * 17),
};

describe("value sketch", () => {
  describe("quantiles", () => {
    it.each(Object.entries(DISTRIBUTIONS))("answers every quantile of %s within the relative accuracy", (_, draw) => {
      const random = seeded(42);
      const values = Array.from({ length: 10_000 }, () => draw(random));
      const sorted = [...values].sort((a, b) => a - b);
      const sketch = sketchOf(values);
      for (const q of QUANTILES) {
        const exact = exactAtRank(sorted, q);
        const estimate = sketchQuantile(sketch, q)!;
        expect({ q, estimate, within: Math.abs(estimate - exact) <= bound(exact) }).toEqual({ q, estimate, within: true });
      }
    });

    it("answers null for an empty sketch, whatever the quantile", () => {
      for (const q of [0, 0.5, 1]) expect(sketchQuantile(emptySketch(), q)).toBeNull();
      expect(sketchQuantile(roundTrip(emptySketch()), 0.5)).toBeNull();
    });

    it("answers a single value at every quantile, and zero exactly", () => {
      for (const value of [1, -1, 0.001, 123_456.789, -MAX_MEASURE_MAGNITUDE, MAX_MEASURE_PRODUCT_MAGNITUDE]) {
        const sketch = sketchOf([value]);
        for (const q of [0, 0.5, 1]) expect(Math.abs(sketchQuantile(sketch, q)! - value)).toBeLessThanOrEqual(bound(value));
      }
      expect(sketchQuantile(sketchOf([0, 0, 0]), 0.5)).toBe(0);
    });

    it("counts values too small for its mapping as zeros", () => {
      const sketch = sketchOf([Number.MIN_VALUE, -Number.MIN_VALUE, 1e-310, 0]);
      expect(sketch.zeroCount).toBe(4);
      expect(sketchQuantile(roundTrip(sketch), 1)).toBe(0);
    });

    it("ranks negatives below zeros below positives", () => {
      const sketch = sketchOf([-5, 0, 5]);
      expect(sketchQuantile(sketch, 0)).toBeCloseTo(-5, 0);
      expect(sketchQuantile(sketch, 0.5)).toBe(0);
      expect(sketchQuantile(sketch, 1)).toBeCloseTo(5, 0);
    });
  });

  describe("stored form", () => {
    it("writes an empty sketch as its version and three zero counts", () => {
      expect([...sketchToBytes(emptySketch())]).toEqual([2, 0, 0, 0]);
    });

    it("writes only non-empty bins: key deltas and counts, one byte each when small", () => {
      // Key 0 holds values near 1; 2 is key 35 (zigzag 70); 0.5 is key −34 (zigzag 67).
      expect([...sketchToBytes(sketchOf([1]))]).toEqual([2, 0, 1, 0, 1, 0]);
      expect([...sketchToBytes(sketchOf([0, 1, 2, 2]))]).toEqual([2, 1, 2, 0, 1, 70, 2, 0]);
      expect([...sketchToBytes(sketchOf([-0.5]))]).toEqual([2, 0, 0, 1, 67, 1]);
      // Two values six orders of magnitude apart: two bins, not the hundreds between them.
      expect(sketchToBytes(sketchOf([1, 1e6])).length).toBeLessThan(12);
    });

    it("restores the same bins and counts, so every quantile answers the same", () => {
      for (const [name, draw] of Object.entries(DISTRIBUTIONS)) {
        const random = seeded(7);
        const sketch = sketchOf(Array.from({ length: 2_000 }, () => draw(random)));
        const restored = roundTrip(sketch);
        expect([name, binsOf(restored)]).toEqual([name, binsOf(sketch)]);
        for (const q of QUANTILES) expect([name, q, sketchQuantile(restored, q)]).toEqual([name, q, sketchQuantile(sketch, q)]);
        // Stable: encoding the restored sketch gives the same bytes.
        expect(sketchToBytes(restored)).toEqual(sketchToBytes(sketch));
      }
    });

    it("keeps counts at every varint byte boundary and beyond 32 bits", () => {
      const sketch = emptySketch();
      const counts = [127, 128, 16_383, 16_384, 2 ** 40, Number.MAX_SAFE_INTEGER - 2 ** 41];
      counts.forEach((count, i) => sketch.accept(10 ** i, count));
      sketch.accept(-42, 3);
      sketch.accept(0, 2 ** 33);
      const restored = roundTrip(sketch);
      expect(nonEmptyBins(restored.store).map(([, count]) => count)).toEqual(counts);
      expect(restored.count).toBe(sketch.count);
      expect(restored.zeroCount).toBe(2 ** 33);
      expect(binsOf(restored)).toEqual(binsOf(sketch));
    });

    it("refuses to store a fractional weight rather than round it", () => {
      const sketch = emptySketch();
      sketch.accept(10, 0.5);
      expect(() => sketchToBytes(sketch)).toThrow("whole numbers");
    });

    it("refuses bytes of another format version, and truncated bytes", () => {
      const bytes = sketchToBytes(sketchOf([1, 2, 3, -4, 0]));
      expect(() => sketchFromBytes(Buffer.from([1, ...bytes.subarray(1)]))).toThrow("format 1");
      for (let length = 0; length < bytes.length; length++) {
        expect(() => sketchFromBytes(bytes.subarray(0, length))).toThrow("truncated");
      }
    });
  });

  describe("merge", () => {
    it("merged from stored parts, equals the sketch of all values", () => {
      const random = seeded(5);
      const values = Array.from({ length: 6_000 }, () => DISTRIBUTIONS["PnL of both signs and some zeros"]!(random));
      const merged = emptySketch();
      for (let part = 0; part < 6; part++) mergeSketchInto(merged, roundTrip(sketchOf(values.slice(part * 1_000, (part + 1) * 1_000))));
      expect(binsOf(merged)).toEqual(binsOf(sketchOf(values)));
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of QUANTILES) expect(Math.abs(sketchQuantile(merged, q)! - exactAtRank(sorted, q))).toBeLessThanOrEqual(bound(exactAtRank(sorted, q)));
    });

    it("leaves a sketch unchanged when an empty one is merged into it, and fills an empty one", () => {
      const sketch = sketchOf([1, 2, 3]);
      const before = binsOf(sketch);
      mergeSketchInto(sketch, emptySketch());
      expect(binsOf(sketch)).toEqual(before);
      const filled = emptySketch();
      mergeSketchInto(filled, sketch);
      expect(binsOf(filled)).toEqual(before);
    });

    it("copies without sharing: merging into the copy leaves the original as it was", () => {
      const original = sketchOf([1, 2, 3, -1, 0]);
      const before = binsOf(original);
      const copy = copySketch(original);
      expect(binsOf(copy)).toEqual(before);
      mergeSketchInto(copy, sketchOf([1e6, -1e6, 0]));
      expect(binsOf(original)).toEqual(before);
      expect(copy.count).toBe(8);
    });
  });

  it("estimates more heap for a sketch with more bins", () => {
    const narrow = estimatedSketchBytes(sketchOf([100, 101, 102]));
    const wide = estimatedSketchBytes(sketchOf(Array.from({ length: 1_000 }, (_, i) => 1.05 ** i)));
    expect(estimatedSketchBytes(emptySketch())).toBeLessThanOrEqual(narrow);
    expect(narrow).toBeLessThan(wide);
  });
});
