import { Agent, get as httpGet } from "node:http";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { ApiKeysRepository, createLogger, createRedis, type RedisClient } from "@trading-analytics/core";
import { createTestDatabase, freePort, TEST_REDIS_URL, type TestDatabase, uniqueSuffix } from "@trading-analytics/core/testing";
import type { Registry } from "prom-client";
import request from "supertest";
import { securityConfig, securityTestApp } from "./security-test-app";

const quiet = createLogger({ level: "error", format: "json" }, "test");
const redisAt = (url: string) => createRedis({ url, port: 6379, password: "", db: 0, key_prefix: "", connect_timeout: 500 }, quiet);

async function fallbacks(registry: Registry): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((entry) => entry.name === "analytics_rate_limit_fallback_total");
  return (metric?.values ?? []).reduce((sum, value) => sum + value.value, 0);
}

describe("rate limiting", () => {
  let db: TestDatabase;
  let keys: ApiKeysRepository;
  let redis: RedisClient;

  const appWith = (raw: Record<string, unknown>, options: { redis?: RedisClient; prefix?: string } = {}) =>
    securityTestApp({
      config: securityConfig({ api_key_enabled: false, ...raw }),
      keys,
      redis: options.redis ?? redis,
      redisKeyPrefix: options.prefix ?? `test:${uniqueSuffix()}:`,
    });

  beforeAll(async () => {
    db = await createTestDatabase("query_api_rate_limit");
    keys = new ApiKeysRepository(db.sql);
    redis = redisAt(TEST_REDIS_URL);
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.quit();
    await db?.drop();
  });

  it("allows a burst, then answers 429 rate_limited with Retry-After; every answer carries X-RateLimit-*", async () => {
    const { app } = appWith({ rate_limit: { requests_per_minute: 60, burst: 3 } });
    const before = Math.floor(Date.now() / 1000);
    for (const remaining of [2, 1, 0]) {
      const ok = await request(app).get("/api/v1/events").expect(200);
      expect(ok.headers["x-ratelimit-limit"]).toBe("3");
      expect(ok.headers["x-ratelimit-remaining"]).toBe(String(remaining));
      expect(Number(ok.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(before);
    }
    const limited = await request(app).get("/api/v1/events").expect(429);
    // The seed's body: its clients read error and retry_after.
    expect(limited.body).toEqual({
      error: "rate limit exceeded",
      retry_after: 1,
      code: "rate_limited",
      rate_limit: expect.stringContaining("60 requests per minute"),
      request_id: "req-test",
    });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(1);
    expect(limited.headers["x-ratelimit-remaining"]).toBe("0");
    // About three seconds until the three tokens are back.
    expect(Number(limited.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(before + 2);
    // Health and metrics have their own bucket: the API's limit does not refuse them.
    await request(app).get("/health").expect(200);
  });

  it("limits public paths per address with their own, larger bucket", async () => {
    const { app } = appWith({ rate_limit: { requests_per_minute: 60, burst: 3, public_requests_per_minute: 600 } });
    for (let index = 0; index < 3; index++) await request(app).get("/health").expect(200);
    const limited = await request(app).get("/metrics").expect(429);
    expect(limited.body).toMatchObject({ code: "rate_limited", rate_limit: expect.stringContaining("600 requests per minute") });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // The API's own bucket is untouched by the probes.
    const api = await request(app).get("/api/v1/events").expect(200);
    expect(api.headers["x-ratelimit-remaining"]).toBe("2");
  });

  it("does not let a rotating X-Forwarded-For pick a fresh bucket when no proxy is trusted", async () => {
    const { app } = appWith({ rate_limit: { requests_per_minute: 60, burst: 2 } });
    await request(app).get("/api/v1/events").set("X-Forwarded-For", "198.51.100.1").expect(200);
    await request(app).get("/api/v1/events").set("X-Forwarded-For", "198.51.100.2").expect(200);
    const third = await request(app).get("/api/v1/events").set("X-Forwarded-For", "198.51.100.3").expect(429);
    expect(third.body.code).toBe("rate_limited");
  });

  it("limits per forwarded client when the proxy in front is trusted", async () => {
    const { app } = appWith({ trusted_proxies: ["loopback"], rate_limit: { requests_per_minute: 60, burst: 1 } });
    const first = await request(app).get("/api/v1/events").set("X-Forwarded-For", "198.51.100.1").expect(200);
    expect(first.body.ip).toBe("198.51.100.1");
    await request(app).get("/api/v1/events").set("X-Forwarded-For", "198.51.100.1").expect(429);
    await request(app).get("/api/v1/events").set("X-Forwarded-For", "198.51.100.2").expect(200);
  });

  it("limits an authenticated key by its own rate, whatever address it comes from", async () => {
    const { secret } = await keys.create({ name: "slow", scopes: ["read"], rateLimitPerMinute: 2 });
    const other = await keys.create({ name: "other", scopes: ["read"] });
    const { app } = appWith({ api_key_enabled: true, rate_limit: { requests_per_minute: 1000, burst: 100 } });
    await request(app).get("/api/v1/events").set("X-API-Key", secret).expect(200);
    const second = await request(app).get("/api/v1/events").set("X-API-Key", secret).expect(200);
    expect(second.headers["x-ratelimit-limit"]).toBe("2");
    const limited = await request(app).get("/api/v1/events").set("X-API-Key", secret).expect(429);
    expect(limited.body.rate_limit).toMatch(/2 requests per minute .* for API key ta_[0-9a-f]{8}/);
    // The same address with another key has its own bucket.
    await request(app).get("/api/v1/events").set("X-API-Key", other.secret).expect(200);
  });

  it("limits requests with a bad key per address before refusing them", async () => {
    const { app } = appWith({ api_key_enabled: true, rate_limit: { requests_per_minute: 60, burst: 2 } });
    const refused = await request(app).get("/api/v1/events").set("X-API-Key", "guess-1").expect(401);
    expect(refused.headers["x-ratelimit-remaining"]).toBe("1");
    await request(app).get("/api/v1/events").set("X-API-Key", "guess-2").expect(401);
    await request(app).get("/api/v1/events").set("X-API-Key", "guess-3").expect(429);
  });

  it("shares one bucket between replicas through Redis", async () => {
    const prefix = `test:${uniqueSuffix()}:`;
    const config = { rate_limit: { requests_per_minute: 60, burst: 2 } };
    const replicaA = appWith(config, { prefix }).app;
    const replicaB = appWith(config, { prefix }).app;
    await request(replicaA).get("/api/v1/events").expect(200);
    await request(replicaB).get("/api/v1/events").expect(200);
    await request(replicaA).get("/api/v1/events").expect(429);
    await request(replicaB).get("/api/v1/events").expect(429);
  });

  it("answers 200, not 5xx, when Redis is unreachable, and still limits with the process's own bucket", async () => {
    const closed = redisAt(`redis://127.0.0.1:${await freePort()}`);
    closed.connect().catch(() => undefined);
    try {
      const { app, registry } = appWith({ rate_limit: { requests_per_minute: 60, burst: 2 } }, { redis: closed });
      const first = await request(app).get("/api/v1/events").expect(200);
      expect(first.headers["x-ratelimit-remaining"]).toBe("1");
      await request(app).get("/api/v1/events").expect(200);
      await request(app).get("/api/v1/events").expect(429);
      expect(await fallbacks(registry)).toBe(3);
    } finally {
      closed.destroy();
    }
  });

  it("does not wait for a slow Redis longer than redis_timeout", async () => {
    const slow = await startDelayingProxy(new URL(TEST_REDIS_URL));
    const client = redisAt(`redis://127.0.0.1:${slow.port}`);
    await client.connect();
    try {
      const { app, registry } = appWith({ rate_limit: { requests_per_minute: 60, burst: 5, redis_timeout: "50ms" } }, { redis: client });
      await request(app).get("/api/v1/events").expect(200);
      expect(await fallbacks(registry)).toBe(0);
      slow.delayMs = 1000;
      await request(app).get("/api/v1/events").expect(200);
      const metric = (await registry.getMetricsAsJSON()).find((entry) => entry.name === "analytics_rate_limit_fallback_total");
      expect(metric?.values).toEqual([expect.objectContaining({ labels: { reason: "timeout" }, value: 1 })]);
    } finally {
      client.destroy();
      await slow.close();
    }
  });

  // Last: a thousand requests leave the machine busy for a moment, and the tests above count on quick answers.
  it("admits the seed's 1,000 parallel requests from one address in a fresh minute, then refuses past the refill", async () => {
    const { app } = appWith({ rate_limit: { requests_per_minute: 1000, burst: 1000 } });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const get = () =>
      new Promise<{ status: number; limit?: string; remaining?: string; body: string }>((resolve, reject) => {
        httpGet({ host: "127.0.0.1", port, path: "/api/v1/events", agent }, (res) => {
          let body = "";
          res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode!, limit: res.headers["x-ratelimit-limit"] as string, remaining: res.headers["x-ratelimit-remaining"] as string, body }),
          );
        }).on("error", reject);
      });
    try {
      const started = performance.now();
      const first = await Promise.all(Array.from({ length: 1000 }, get));
      expect(first.filter((answer) => answer.status === 200)).toHaveLength(1000);
      expect(new Set(first.map((answer) => answer.limit))).toEqual(new Set(["1000"]));
      // The bucket refills one request per 60 ms (the seed's window admits none until its minute
      // ends): past the first thousand, no more get through than have refilled meanwhile.
      let admitted = 0;
      let refused: { body: string } | undefined;
      for (let round = 0; round < 20 && !refused; round += 1) {
        const more = await Promise.all(Array.from({ length: 100 }, get));
        admitted += more.filter((answer) => answer.status === 200).length;
        refused = more.find((answer) => answer.status === 429);
      }
      expect(admitted).toBeLessThanOrEqual(Math.ceil((performance.now() - started) / 60) + 1);
      expect(JSON.parse(refused!.body)).toMatchObject({ error: "rate limit exceeded", retry_after: 1, code: "rate_limited" });
    } finally {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** A TCP proxy to the real Redis that can hold each answer back for delayMs: a slow Redis. */
async function startDelayingProxy(target: URL): Promise<{ port: number; delayMs: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { delayMs: 0 };
  const server: Server = createServer((client) => {
    const upstream = connect({ host: target.hostname, port: Number(target.port || 6379) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.once("close", () => sockets.delete(socket));
    }
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => {
      if (state.delayMs === 0) client.write(chunk);
      else setTimeout(() => client.writable && client.write(chunk), state.delayMs);
    });
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
