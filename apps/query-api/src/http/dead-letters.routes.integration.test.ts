import request from "supertest";
import { createLogger, createRedis, realtimeKeys, type RedisClient } from "@trading-analytics/core";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase, uniqueSuffix } from "@trading-analytics/core/testing";
import { createTestApp } from "../test-app";

// The ingesters count dead letters per minute and reason in Redis (RealtimeCounters.recordDeadLetters);
// the hashes are written here exactly as they write them.

describe("GET /api/v1/internal/dead-letters", () => {
  let db: TestDatabase;
  let redis: RedisClient;
  let app: ReturnType<typeof createTestApp>["app"];
  const keyPrefix = `test-${uniqueSuffix()}:`;
  let currentMinute = 0;

  beforeAll(async () => {
    // The minutes are the wall clock's: start early in one, so that the tests end in it too.
    if (Date.now() % 60_000 > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - (Date.now() % 60_000) + 50));
    currentMinute = Math.floor(Date.now() / 60_000);
    db = await createTestDatabase("dead_letters");
    redis = createRedis({ url: TEST_REDIS_URL, port: 6379, password: "", db: 0, key_prefix: keyPrefix, connect_timeout: 2000 }, createLogger({ level: "error", format: "json" }, "test"));
    await redis.connect();
    await redis.hSet(realtimeKeys.deadLetters(keyPrefix, currentMinute), { invalid_json: "2", schema_violation: "1" });
    await redis.hSet(realtimeKeys.deadLetters(keyPrefix, currentMinute - 3), { schema_violation: "4" });
    await redis.hSet(realtimeKeys.deadLetters(keyPrefix, currentMinute - 90), { invalid_json: "7" }); // outside the default hour
    app = createTestApp(db.sql, { redis, config: { redis: { url: TEST_REDIS_URL, key_prefix: keyPrefix } } }).app;
  });

  afterAll(async () => {
    if (redis?.isOpen) {
      for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 })) if (keys.length > 0) await redis.del(keys);
      await redis.quit();
    }
    await db?.drop();
  });

  it("sums the last hour per minute and by reason, oldest minute first", async () => {
    const res = await request(app).get("/api/v1/internal/dead-letters");
    expect(res.status).toBe(200);
    expect(res.body.minutes).toBe(60);
    const letters = res.body.dead_letters;
    expect(letters.total).toBe(7);
    expect(letters.by_reason).toEqual({ invalid_json: 2, schema_violation: 5 });
    expect(letters.per_minute).toHaveLength(60);
    expect(letters.per_minute.at(-1)).toEqual({ minute_start: new Date(currentMinute * 60_000).toISOString(), count: 3, by_reason: { invalid_json: 2, schema_violation: 1 } });
    expect(letters.per_minute.at(-4)).toMatchObject({ count: 4, by_reason: { schema_violation: 4 } });
    expect(letters.per_minute[0]).toEqual({ minute_start: new Date((currentMinute - 59) * 60_000).toISOString(), count: 0, by_reason: {} });
  });

  it("looks as far back as asked", async () => {
    const res = await request(app).get("/api/v1/internal/dead-letters").query({ minutes: "120" });
    expect(res.body.dead_letters).toMatchObject({ total: 14, by_reason: { invalid_json: 9, schema_violation: 5 } });
    const recent = await request(app).get("/api/v1/internal/dead-letters").query({ minutes: "1" });
    expect(recent.body.dead_letters).toMatchObject({ total: 3, per_minute: [{ count: 3 }] });
  });

  it("names a bad minutes parameter", async () => {
    for (const minutes of ["0", "1441", "ten"]) {
      const res = await request(app).get("/api/v1/internal/dead-letters").query({ minutes });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: "invalid_parameter", field: "minutes" });
    }
    const unknown = await request(app).get("/api/v1/internal/dead-letters").query({ minute: "5" });
    expect(unknown.body).toMatchObject({ field: "minute" });
  });

  it("answers null without Redis", async () => {
    const withoutRedis = createTestApp(db.sql).app;
    const res = await request(withoutRedis).get("/api/v1/internal/dead-letters");
    expect(res.status).toBe(200);
    expect(res.body.dead_letters).toBeNull();
  });
});
