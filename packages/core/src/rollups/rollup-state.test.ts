import { emptyCountState, emptyValueState, estimatedStateBytes, mergeAll, observe, type RollupPoint, type RollupState } from "./rollup-state";
import { sketchFromBytes, sketchQuantile, sketchToBytes } from "./value-sketch";


// A deterministic pseudo-random source, so a failure reproduces.
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function points(n: number, seed = 7): RollupPoint[] {
  const random = seeded(seed);
  return Array.from({ length: n }, (_, i) => ({
    timeMs: 1_699_999_200_000 + Math.floor(random() * 3_600_000),
    eventId: `id-${String(i).padStart(6, "0")}`,
    // Log-normal-ish prices spanning several orders of magnitude, some negative (PnL-like).
    value: (random() < 0.1 ? -1 : 1) * Math.exp(random() * 8) * 0.37,
  }));
}

function stateOf(values: readonly RollupPoint[]): RollupState {
  const state = emptyValueState();
  for (const point of values) observe(state, point);
  return state;
}

function exactAtRank(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

describe("rollup state", () => {
  const all = points(20_000);

  it("answers p50/p95/p99 within 1% of the exact value at the same rank", () => {
    const state = stateOf(all);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactAtRank(all.map((p) => p.value), q);
      const estimate = sketchQuantile(state.sketch!, q)!;
      expect(Math.abs(estimate - exact) / Math.abs(exact)).toBeLessThanOrEqual(0.01);
    }
  });

  it("merges sixty per-minute states into exactly the state built from all values at once", () => {
    const byMinute = new Map<number, RollupPoint[]>();
    for (const point of all) {
      const minute = Math.floor(point.timeMs / 60_000);
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), point]);
    }
    expect(byMinute.size).toBe(60);
    const merged = mergeAll([...byMinute.values()].map(stateOf));
    const direct = stateOf(all);

    expect(merged.count).toBe(direct.count);
    expect(merged.min).toBe(direct.min);
    expect(merged.max).toBe(direct.max);
    expect(merged.first).toEqual(direct.first);
    expect(merged.last).toEqual(direct.last);
    // Floating-point addition in another order: equal to within rounding.
    expect(merged.sum).toBeCloseTo(direct.sum, 6);
    // Same bins: the same answer at every quantile, not just within the error bound.
    for (let q = 0; q <= 1; q += 0.01) expect(sketchQuantile(merged.sketch!, q)).toBe(sketchQuantile(direct.sketch!, q));
  });

  it("opens with the earliest and closes with the latest point, ties broken by event id", () => {
    const t = 1_700_000_000_000;
    const state = stateOf([
      { timeMs: t + 5, eventId: "b", value: 2 },
      { timeMs: t, eventId: "z", value: 1 },
      { timeMs: t, eventId: "a", value: 3 },
      { timeMs: t + 5, eventId: "c", value: 4 },
    ]);
    expect(state.first).toEqual({ timeMs: t, eventId: "a", value: 3 });
    expect(state.last).toEqual({ timeMs: t + 5, eventId: "c", value: 4 });
  });

  it("stores a one-value sketch in a few bytes", () => {
    expect(sketchToBytes(stateOf(all.slice(0, 1)).sketch!).length).toBeLessThan(12);
  });

  it("merges a sketch whose largest bin is key 0 (values near 1) into one below it", () => {
    // The library took a second key of 0 for a missing argument and did not grow its bins.
    const target = stateOf([{ timeMs: 0, eventId: "a", value: 0.5 }]);
    const source = stateOf([{ timeMs: 1, eventId: "b", value: 0.3 }, { timeMs: 2, eventId: "c", value: 1 }]);
    const merged = mergeAll([target, source]);
    expect(sketchQuantile(merged.sketch!, 1)).toBeCloseTo(1, 1);
    expect(sketchFromBytes(sketchToBytes(merged.sketch!)).count).toBe(3);
  });

  it("restores zeros, tiny and negative values and large counts exactly", () => {
    const values = [0, 0, 1e-6, -1e-6, -250, 3e9, ...Array<number>(70_000).fill(42.5)];
    const state = stateOf(values.map((value, i) => ({ timeMs: i, eventId: String(i), value })));
    const restored = sketchFromBytes(sketchToBytes(state.sketch!));
    expect(restored.count).toBe(values.length);
    for (let q = 0; q <= 1; q += 0.05) expect(sketchQuantile(restored, q)).toBe(sketchQuantile(state.sketch!, q));
  });

  it("keeps a sketch's answers and mergeability through its stored bytes", () => {
    const half = all.length / 2;
    const restored = sketchFromBytes(sketchToBytes(stateOf(all.slice(0, half)).sketch!));
    restored.merge(stateOf(all.slice(half)).sketch!);
    const direct = stateOf(all).sketch!;
    for (let q = 0; q <= 1; q += 0.01) expect(sketchQuantile(restored, q)).toBe(sketchQuantile(direct, q));
  });

  it("estimates the heap of a state by its sketch's bins: more spread values, more bytes", () => {
    const counted = estimatedStateBytes({ ...emptyCountState(), count: 5 });
    const narrow = estimatedStateBytes(stateOf(points(1000).map((p) => ({ ...p, value: 100 + (p.value % 1) }))));
    const wide = estimatedStateBytes(stateOf(points(1000)));
    expect(counted).toBeLessThan(narrow);
    expect(narrow).toBeLessThan(wide);
    // A thousand values spread over eight orders of magnitude keep some hundreds of bins.
    expect(wide).toBeGreaterThan(4_000);
    expect(wide).toBeLessThan(40_000);
  });
});
