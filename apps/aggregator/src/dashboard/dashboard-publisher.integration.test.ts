import { randomUUID } from "node:crypto";
import { type AnalyticsEvent, createLogger, createRedis, dashboardMetricsKey, DashboardMetricsReader, type RedisClient } from "@trading-analytics/core";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase, uniqueSuffix } from "@trading-analytics/core/testing";
import { drain, storeEvents, testCycle } from "@trading-analytics/rollups/testing";
import { DashboardPublisher } from "./dashboard-publisher";

describe("dashboard metrics in Redis", () => {
  let db: TestDatabase;
  let redis: RedisClient;
  const prefix = `test:${uniqueSuffix()}:`;
  const logger = createLogger({ level: "error", format: "json" }, "test");

  beforeAll(async () => {
    db = await createTestDatabase("dashboard");
    redis = createRedis({ url: TEST_REDIS_URL, port: 6379, password: "", db: 0, key_prefix: prefix, connect_timeout: 2000 }, logger);
    await redis.connect();
  });

  afterAll(async () => {
    await redis.del(dashboardMetricsKey(prefix));
    await redis.quit();
    await db.drop();
  });

  it("publishes figures computed from rollups and the order lifecycle (per order, partial fills not counted), and rebuilds them after the key is flushed", async () => {
    // At least two minutes into the UTC day, so "30 s ago" is today.
    const now = Math.max(Date.now(), Math.floor(Date.now() / 86_400_000) * 86_400_000 + 120_000);
    const event = (eventType: string, userId: string, properties: Record<string, unknown>, agoMs = 30_000): AnalyticsEvent => ({
      eventId: randomUUID(), eventType, userId, sessionId: null, properties,
      timestamp: new Date(now - agoMs), receivedAt: new Date(now - agoMs), source: null,
    });
    await storeEvents(db.sql, [
      event("order.placed", "u1", { order_id: "o1", symbol: "BTC", side: "BUY", strategy_id: "alpha", price: 10, quantity: 2 }),
      event("order.placed", "u2", { order_id: "o2", symbol: "BTC", side: "BUY", strategy_id: "beta", price: 10, quantity: 1 }),
      event("order.placed", "u2", { order_id: "o3", symbol: "ETH", side: "SELL", strategy_id: "beta", price: 5, quantity: 1 }),
      event("order.placed", "u2", { order_id: "o4", symbol: "BTC", side: "BUY", strategy_id: "beta", price: 10, quantity: 2 }),
      event("order.rejected", "u2", { order_id: "o3", symbol: "ETH", strategy_id: "beta", reason: "risk" }),
      event("order.filled", "u1", { order_id: "o1", symbol: "BTC", side: "BUY", strategy_id: "alpha", price: 10, quantity: 2, is_partial: false, latency_ms: 4 }),
      event("order.filled", "u2", { order_id: "o2", symbol: "BTC", side: "BUY", strategy_id: "beta", price: 11, quantity: 1, is_partial: false, latency_ms: 8 }),
      // Two partial fills of one order: four fill events for four orders, yet two orders filled.
      event("order.filled", "u2", { order_id: "o4", symbol: "BTC", side: "BUY", strategy_id: "beta", price: 10, quantity: 0.5, is_partial: true }),
      event("order.filled", "u2", { order_id: "o4", symbol: "BTC", side: "BUY", strategy_id: "beta", price: 10, quantity: 0.5, is_partial: true }),
      event("page.view", "u3", { path: "/" }),
    ]);
    await drain(testCycle(db.sql));

    const publisher = new DashboardPublisher(new DashboardMetricsReader(db.sql, "1m"), redis, { keyPrefix: prefix, logger, intervalMs: 60_000 });
    const read = async () => JSON.parse((await redis.get(dashboardMetricsKey(prefix))) ?? "null");
    expect(await publisher.publish(new Date(now))).toBe(true);
    const published = await read();
    expect(published).toMatchObject({
      active_users: 3,
      orders_placed: 4,
      orders_filled: 2,
      order_fill_rate: 50,
      active_strategies: 2,
      total_volume: 10 * 2 + 11 * 1 + 10 * 0.5 * 2,
      average_latency: 6,
      error_rate: 1 / 4,
      custom_metrics: {},
      last_updated: expect.any(String),
    });
    expect(published.events_per_second).toBeGreaterThan(0);

    await redis.del(dashboardMetricsKey(prefix));
    expect(await read()).toBeNull();
    await publisher.publish(new Date(now));
    expect(await read()).toMatchObject({ orders_placed: 4, orders_filled: 2, total_volume: 41 });
  });

  it("counts each active custom event type's events of the window in custom_metrics, as plain SQL over the raw events does", async () => {
    const now = Date.now();
    await db.sql`insert into custom_event_definitions (name, version, schema) values ('custom.trading.signal', 1, '{}'), ('custom.unused', 1, '{}')`;
    await db.sql`insert into custom_event_definitions (name, version, schema, is_active) values ('custom.retired', 1, '{}', false)`;
    const signal = (agoMs: number, type = "custom.trading.signal"): AnalyticsEvent => ({
      eventId: randomUUID(), eventType: type, userId: "u7", sessionId: null, properties: { signal_strength: 0.85, strategy: "momentum-v1" },
      timestamp: new Date(now - agoMs), receivedAt: new Date(now - agoMs), source: null,
    });
    await storeEvents(db.sql, [signal(10_000), signal(20_000), signal(30_000), signal(15 * 60_000), signal(10_000, "custom.retired")]);
    await drain(testCycle(db.sql));
    const reader = new DashboardMetricsReader(db.sql, "1m");
    const figures = await reader.read(new Date(now));
    const windowStart = new Date(Math.floor((now - 5 * 60_000) / 60_000) * 60_000);
    const [expected] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from events where event_type = 'custom.trading.signal' and "timestamp" >= ${windowStart}`;
    expect(figures.custom_metrics).toEqual({ "custom.trading.signal": expected!.n });
    expect(expected!.n).toBe(3);
  });

  it("stops moving last_updated while stored events wait unfolded, and catches up once they are folded", async () => {
    const reader = new DashboardMetricsReader(db.sql, "1m");
    const receivedAt = new Date(Date.now() - 90_000);
    await storeEvents(db.sql, [
      { eventId: randomUUID(), eventType: "page.view", userId: "u9", sessionId: null, properties: { path: "/" }, timestamp: receivedAt, receivedAt, source: null },
    ]);
    expect((await reader.read(new Date())).last_updated).toBe(receivedAt.toISOString());
    await drain(testCycle(db.sql));
    const now = new Date();
    expect((await reader.read(now)).last_updated).toBe(now.toISOString());
  });
});
