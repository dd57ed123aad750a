import { emptyCountState, type RollupState } from "@trading-analytics/core";
import { RollupStateCache } from "./rollup-state-cache";

const state = (count: number): RollupState => ({ ...emptyCountState(), count });

describe("RollupStateCache", () => {
  it("serves what was remembered only while the cursor is at the version it was remembered at", () => {
    const cache = new RollupStateCache(10);
    expect(cache.validAt("0@t0")).toBe(false);
    cache.remember("5@t1", [["a", state(5)]]);
    expect(cache.validAt("5@t1")).toBe(true);
    expect(cache.get("a")?.count).toBe(5);
    // Someone else moved the cursor: everything remembered may be stale.
    expect(cache.validAt("9@t2")).toBe(false);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("keeps at most maxEntries, dropping the least recently remembered", () => {
    const cache = new RollupStateCache(3);
    cache.remember("v1", [["a", state(1)], ["b", state(1)], ["c", state(1)]]);
    cache.remember("v2", [["a", state(2)], ["d", state(1)]]);
    expect(cache.size).toBe(3);
    expect(cache.get("b")).toBeUndefined();
    expect(["a", "c", "d"].map((key) => cache.get(key)?.count)).toEqual([2, 1, 1]);
  });

  it("forgets everything on clear", () => {
    const cache = new RollupStateCache(3);
    cache.remember("v1", [["a", state(1)]]);
    cache.clear();
    expect(cache.validAt("v1")).toBe(false);
  });
});
