import { DayTextCache } from "./day-text-cache";

describe("DayTextCache", () => {
  it("serves a text only for the version it was read at", () => {
    const cache = new DayTextCache(100);
    cache.set("s", 1, "v1", "abc");
    expect(cache.get("s", 1, "v1")).toBe("abc");
    expect(cache.get("s", 1, "v2")).toBeUndefined();
    expect(cache.get("t", 1, "v1")).toBeUndefined();
    expect(cache.versions("s", [1, 2])).toEqual(new Map([[1, "v1"]]));
    cache.set("s", 1, "v2", "abcd");
    expect(cache.get("s", 1, "v1")).toBeUndefined();
    expect(cache.size).toEqual({ entries: 1, chars: 4 });
  });

  it("drops the least recently used texts past its size, and never holds one larger than it", () => {
    const cache = new DayTextCache(10);
    cache.set("s", 1, "v", "aaaa");
    cache.set("s", 2, "v", "bbbb");
    expect(cache.get("s", 1, "v")).toBe("aaaa"); // day 2 is now the least recently used
    cache.set("s", 3, "v", "cccc");
    expect(cache.versions("s", [1, 2, 3])).toEqual(new Map([[1, "v"], [3, "v"]]));
    cache.set("s", 4, "v", "x".repeat(11));
    expect(cache.versions("s", [4])).toEqual(new Map());
    expect(cache.size).toEqual({ entries: 2, chars: 8 });
  });
});
