import { BlockTextCache } from "./block-text-cache";

describe("BlockTextCache", () => {
  it("serves a text only for the version it was read at", () => {
    const cache = new BlockTextCache(100);
    cache.set("s", "d1", "v1", Buffer.from("abc"));
    expect(cache.get("s", "d1", "v1")?.toString()).toBe("abc");
    expect(cache.get("s", "d1", "v2")).toBeUndefined();
    expect(cache.get("t", "d1", "v1")).toBeUndefined();
    expect(cache.versions("s", ["d1", "d2"])).toEqual(new Map([["d1", "v1"]]));
    cache.set("s", "d1", "v2", Buffer.from("abcd"));
    expect(cache.get("s", "d1", "v1")).toBeUndefined();
    expect(cache.size).toEqual({ entries: 1, bytes: 4 });
  });

  it("drops the least recently used texts past its size, and never holds one larger than it", () => {
    const cache = new BlockTextCache(10);
    cache.set("s", "d1", "v", Buffer.from("aaaa"));
    cache.set("s", "d2", "v", Buffer.from("bbbb"));
    expect(cache.get("s", "d1", "v")?.toString()).toBe("aaaa"); // day 2 is now the least recently used
    cache.set("s", "d3", "v", Buffer.from("cccc"));
    expect(cache.versions("s", ["d1", "d2", "d3"])).toEqual(new Map([["d1", "v"], ["d3", "v"]]));
    cache.set("s", "d4", "v", Buffer.from("x".repeat(11)));
    expect(cache.versions("s", ["d4"])).toEqual(new Map());
    expect(cache.size).toEqual({ entries: 2, bytes: 8 });
  });
});
