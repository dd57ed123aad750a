import { ApiKeysRepository, createLogger, createRedis, type RedisClient } from "@trading-analytics/core";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase, uniqueSuffix } from "@trading-analytics/core/testing";
import request from "supertest";
import { securityConfig, securityTestApp } from "./security-test-app";

/**
 * The rate limit cannot be bypassed by spoofing X-Forwarded-For while trusted proxies are
 * configured: a client that is not a trusted proxy gets its forwarded addresses ignored, and
 * a client behind a trusted proxy is limited by the address that proxy saw, whatever it
 * wrote to the left of it.
 */
describe("X-Forwarded-For spoofing with trusted proxies configured", () => {
  let db: TestDatabase;
  let redis: RedisClient;

  const appWith = (trustedProxies: string[]) =>
    securityTestApp({
      config: securityConfig({ api_key_enabled: false, trusted_proxies: trustedProxies, rate_limit: { requests_per_minute: 60, burst: 2 } }),
      keys: new ApiKeysRepository(db.sql),
      redis,
      redisKeyPrefix: `test:${uniqueSuffix()}:`,
    }).app;

  beforeAll(async () => {
    db = await createTestDatabase("query_api_xff_spoof");
    redis = createRedis({ url: TEST_REDIS_URL, port: 6379, password: "", db: 0, key_prefix: "", connect_timeout: 2000 }, createLogger({ level: "error", format: "json" }, "test"));
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.quit();
    await db?.drop();
  });

  it("ignores X-Forwarded-For from a client that is not one of the trusted proxies", async () => {
    // The tests connect from loopback; the only trusted proxy is elsewhere.
    const app = appWith(["203.0.113.7"]);
    const statuses: number[] = [];
    for (const spoofed of ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"]) {
      const response = await request(app).get("/api/v1/events").set("X-Forwarded-For", spoofed);
      statuses.push(response.status);
      if (response.status === 200) expect(response.body.ip).not.toBe(spoofed);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it("limits a client behind a trusted proxy by the address the proxy appended, not by what the client wrote before it", async () => {
    const app = appWith(["loopback"]);
    const statuses: number[] = [];
    // The client rotates a forged left part; the proxy appends the address it really saw.
    for (const forged of ["10.0.0.1", "10.0.0.2", "10.0.0.3", "1.2.3.4, 5.6.7.8"]) {
      const response = await request(app).get("/api/v1/events").set("X-Forwarded-For", `${forged}, 198.51.100.9`);
      statuses.push(response.status);
      if (response.status === 200) expect(response.body.ip).toBe("198.51.100.9");
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
  });
});
