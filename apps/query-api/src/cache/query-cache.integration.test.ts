import { closeRedis, createLogger, createRedis, type RedisClient } from "@trading-analytics/core";
import { TEST_REDIS_URL, uniqueSuffix } from "@trading-analytics/core/testing";
import { createCacheMetrics } from "@trading-analytics/metrics";
import { Registry } from "prom-client";
import { MAX_CACHED_BODY_BYTES, QueryCache } from "./query-cache";

// QueryCache against the real Redis: what it stores, what it serves back, what it leaves out.

describe("QueryCache", () => {
  const keyPrefix = `test-${uniqueSuffix()}:`;
  let redis: RedisClient;
  let cache: QueryCache;

  beforeAll(async () => {
    redis = createRedis({ url: TEST_REDIS_URL, port: 6379, password: "", db: 0, key_prefix: keyPrefix, connect_timeout: 2000 }, createLogger({ level: "error", format: "json" }, "test"));
    await redis.connect();
    cache = new QueryCache(redis, keyPrefix, 60, createCacheMetrics(new Registry()));
  });

  afterAll(async () => {
    for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 })) if (keys.length > 0) await redis.del(keys);
    await closeRedis(redis);
  });

  const storedKeys = async () => {
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 })) keys.push(...([] as string[]).concat(batch));
    return keys;
  };
  const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    for (let tries = 0; ; tries++) {
      const value = await read();
      if (done(value) || tries === 50) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it("stores a body given in parts joined, and serves it back whole", async () => {
    const parts = [Buffer.from('{"points":['), Buffer.from('{"label":"é"}'), Buffer.from("]}")];
    const first = await cache.json("parts", { a: 1 }, "settled", async () => parts);
    expect(first.cache).toBe("miss");
    expect(first.body).toBe(parts);
    await eventually(storedKeys, (keys) => keys.length === 1);
    const second = await cache.json("parts", { a: 1 }, "settled", async () => "not computed again");
    expect(second).toEqual({ body: '{"points":[{"label":"é"}]}', cache: "hit" });
  });

  it("serves a body larger than it stores without storing it", async () => {
    const before = (await storedKeys()).length;
    const big = [Buffer.from('{"text":"'), Buffer.alloc(MAX_CACHED_BODY_BYTES, "x"), Buffer.from('"}')];
    let computed = 0;
    const compute = async () => {
      computed += 1;
      return big;
    };
    expect((await cache.json("big", { b: 1 }, "settled", compute)).cache).toBe("bypass");
    expect((await cache.json("big", { b: 1 }, "settled", compute)).cache).toBe("bypass");
    expect(computed).toBe(2);
    expect(await storedKeys()).toHaveLength(before);
  });

  it("counts the seed's cache hits and misses: a result asked of the cache, found or not; live results ask nothing", async () => {
    const registry = new Registry();
    const counted = new QueryCache(redis, keyPrefix, 60, createCacheMetrics(registry));
    const total = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.reduce((sum, value) => sum + value.value, 0);
    await counted.json("seed", { c: 1 }, "settled", async () => "{}");
    await eventually(storedKeys, (keys) => keys.some((key) => key.includes("seed")));
    await counted.json("seed", { c: 1 }, "settled", async () => "{}");
    await counted.json("seed", { c: 1 }, "settled", async () => "{}");
    await counted.json("seed", { c: 2 }, "live", async () => "{}");
    expect([await total("analytics_cache_hits_total"), await total("analytics_cache_misses_total")]).toEqual([2, 1]);
    // Redis away: asked for nothing it could answer, so a miss, as a failed GET is in the seed.
    const away = new Registry();
    await new QueryCache(undefined, keyPrefix, 60, createCacheMetrics(away)).json("seed", { c: 1 }, "settled", async () => "{}");
    expect((await away.getSingleMetric("analytics_cache_misses_total")!.get()).values[0]!.value).toBe(1);
  });
});
