import { createLogger, createRedis, REALTIME_TTL_SECONDS, realtimeKeys, type RedisClient } from "@trading-analytics/core";
import { TEST_REDIS_URL, uniqueSuffix, waitFor } from "@trading-analytics/core/testing";
import { RealtimeCounters } from "./realtime-counters";

describe("RealtimeCounters dead letters", () => {
  let redis: RedisClient;
  const prefix = `test-${uniqueSuffix()}:`;
  const logger = createLogger({ level: "error", format: "json" }, "test");

  beforeAll(async () => {
    redis = createRedis({ url: TEST_REDIS_URL, port: 6379, password: "", db: 0, key_prefix: prefix, connect_timeout: 2000 }, logger);
    await redis.connect();
  });

  afterAll(async () => {
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length > 0) await redis.del(keys);
    await redis.quit();
  });

  it("counts dead-lettered messages per minute of receipt and reason, kept as long as the other per-minute counters", async () => {
    const counters = new RealtimeCounters(redis, prefix, logger);
    const at = new Date("2025-10-03T12:34:56Z");
    const key = realtimeKeys.deadLetters(prefix, Math.floor(at.getTime() / 60_000));
    counters.recordDeadLetters(["invalid_json", "schema_violation", "invalid_json"], at);
    counters.recordDeadLetters(["invalid_json"], new Date(at.getTime() + 3_000));
    counters.recordDeadLetters([], at); // nothing to write

    const hash = await waitFor(() => redis.hGetAll(key), (h) => h.invalid_json === "3", { what: "the dead-letter counters" });
    expect(hash).toEqual({ invalid_json: "3", schema_violation: "1" });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(REALTIME_TTL_SECONDS.perMinute - 60);
    expect(ttl).toBeLessThanOrEqual(REALTIME_TTL_SECONDS.perMinute);
  });
});
