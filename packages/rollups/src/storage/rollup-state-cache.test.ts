import { emptyCountState, emptyValueState, estimatedStateBytes, observe, type RollupState } from "@trading-analytics/core";
import { RollupStateCache } from "./rollup-state-cache";

const state = (count: number): RollupState => ({ ...emptyCountState(), count });
/** What one count-only entry under a one-letter key is charged. */
const ENTRY = new RollupStateCache(Infinity);
ENTRY.remember("v", [["a", state(1)]]);
const COUNT_ENTRY_BYTES = ENTRY.bytes;

describe("RollupStateCache", () => {
  it("serves what was remembered only while the cursor is at the version it was remembered at", () => {
    const cache = new RollupStateCache(1024 * 1024);
    expect(cache.validAt("0@t0")).toBe(false);
    cache.remember("5@t1", [["a", state(5)]]);
    expect(cache.validAt("5@t1")).toBe(true);
    expect(cache.get("a")?.count).toBe(5);
    // Someone else moved the cursor: everything remembered may be stale.
    expect(cache.validAt("9@t2")).toBe(false);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it("keeps its estimated bytes under the cap, dropping the least recently remembered", () => {
    const cache = new RollupStateCache(3 * COUNT_ENTRY_BYTES);
    cache.remember("v1", [["a", state(1)], ["b", state(1)], ["c", state(1)]]);
    cache.remember("v2", [["a", state(2)], ["d", state(1)]]);
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBe(3 * COUNT_ENTRY_BYTES);
    expect(cache.get("b")).toBeUndefined();
    expect(["a", "c", "d"].map((key) => cache.get(key)?.count)).toEqual([2, 1, 1]);
  });

  it("charges a state what it holds when remembered, sketch and all, and re-measures it each time", () => {
    const cache = new RollupStateCache(Infinity);
    const grown = emptyValueState();
    cache.remember("v1", [["a", grown]]);
    const before = cache.bytes;
    // Merged into in place by the next cycle, then remembered again: values far apart widen the sketch's bins.
    for (const [i, value] of [1, 10, 1000, 100_000].entries()) observe(grown, { timeMs: i, eventId: `e${i}`, value });
    cache.remember("v2", [["a", grown]]);
    expect(cache.bytes).toBeGreaterThan(before + 1000);
    expect(cache.bytes - COUNT_ENTRY_BYTES).toBe(estimatedStateBytes(grown) - estimatedStateBytes(state(1)));
    expect(cache.size).toBe(1);
  });

  it("forgets everything on clear", () => {
    const cache = new RollupStateCache(Infinity);
    cache.remember("v1", [["a", state(1)]]);
    cache.clear();
    expect(cache.validAt("v1")).toBe(false);
    expect(cache.bytes).toBe(0);
  });
});
