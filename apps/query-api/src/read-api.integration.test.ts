import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import {
  type AnalyticsEvent,
  createLogger,
  createRedis,
  dashboardMetricsKey,
  EventPartitionsRepository,
  EventsRepository,
  type RedisClient,
  type Sql,
} from "@trading-analytics/core";
import {
  appMain,
  type AppProcess,
  createTestDatabase,
  freePort,
  startAppProcess,
  TEST_KAFKA_BROKERS,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueSuffix,
  waitFor,
} from "@trading-analytics/core/testing";
import { createTestApp } from "./test-app";

// The read side on the real stack: events stored in PostgreSQL, folded by the aggregator
// process, served by the API, with Redis caching in between.

const AGGREGATOR_MAIN = appMain(require, "aggregator");
// Two minutes ago: inside the lateness bound (every event is folded) and the dashboard window.
const MINUTE = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;

function at(second: number, eventType: string, properties: Record<string, unknown>, userId = "trader-1"): AnalyticsEvent {
  return {
    eventId: randomUUID(),
    eventType,
    userId,
    sessionId: "s-1",
    properties,
    timestamp: new Date(MINUTE + second * 1000),
    receivedAt: new Date(),
    source: null,
  };
}
const tick = (second: number, price: number, volume: number) => at(second, "market.data.update", { symbol: "BTCUSDT", price, volume });
const order = (second: number, type: string, strategy: string, extra: Record<string, unknown> = {}) =>
  at(second, type, { order_id: randomUUID(), symbol: "BTCUSDT", side: "BUY", strategy_id: strategy, ...extra });
const ofOrder = (orderId: string) => ({ order_id: orderId });

const FIXTURE = [
  tick(3, 98, 3),
  tick(1, 100, 2),
  tick(4, 101, 4),
  tick(2, 105, 1),
  tick(5, 50, 7),
  order(10, "order.placed", "alpha", { ...ofOrder("o1"), price: 100, quantity: 1 }),
  order(11, "order.placed", "alpha", { ...ofOrder("o2"), price: 100, quantity: 2 }),
  order(12, "order.placed", "alpha", { ...ofOrder("o3"), price: 100, quantity: 1 }),
  order(13, "order.placed", "beta", { ...ofOrder("o4"), price: 100, quantity: 1 }),
  order(14, "order.filled", "alpha", { ...ofOrder("o1"), price: 100.5, quantity: 1, is_partial: false, latency_ms: 12 }),
  order(15, "order.filled", "alpha", { ...ofOrder("o2"), price: 101, quantity: 2, is_partial: false, latency_ms: 20 }),
  order(16, "order.filled", "beta", { ...ofOrder("o4"), price: 99, quantity: 1, is_partial: false, latency_ms: 40 }),
  order(17, "order.canceled", "alpha", ofOrder("o3")),
  at(20, "signal.generated", { strategy_id: "alpha", symbol: "BTCUSDT", direction: "LONG" }),
  at(21, "position.closed", { position_id: "p1", symbol: "BTCUSDT", side: "LONG", strategy_id: "alpha", quantity: 1, entry_price: 100, exit_price: 103, realized_pnl: 3 }),
  at(30, "page.view", { path: "/orders" }, "viewer-2"),
];

async function store(sql: Sql, events: readonly AnalyticsEvent[]): Promise<void> {
  await new EventPartitionsRepository(sql).ensureForTimes(events.map((event) => event.timestamp));
  await new EventsRepository(sql).copyMany(events);
}

async function foldedCount(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select events_folded::text as n from aggregation_cursors where name = 'rollups'`;
  return Number(row?.n ?? 0);
}

describe("the read API over rollups the aggregator process folded", () => {
  let db: TestDatabase;
  let aggregator: AppProcess;
  let redis: RedisClient;
  let app: ReturnType<typeof createTestApp>["app"];
  const keyPrefix = `test-${uniqueSuffix()}:`;
  const range = { start_time: new Date(MINUTE - 3_600_000).toISOString(), end_time: new Date(MINUTE + 3_600_000).toISOString() };

  beforeAll(async () => {
    db = await createTestDatabase("read_api");
    await store(db.sql, FIXTURE);
    const dir = mkdtempSync(path.join(tmpdir(), "read-api-"));
    const configFile = path.join(dir, "config.yaml");
    writeFileSync(configFile, `redis:\n  key_prefix: "${keyPrefix}"\nanalytics:\n  aggregation:\n    poll_interval: 50ms\n    dashboard_refresh_interval: 200ms\n`);
    const port = await freePort();
    aggregator = await startAppProcess(
      AGGREGATOR_MAIN,
      { CONFIG_FILE: configFile, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","), AGGREGATOR_PORT: String(port), LOG_LEVEL: "warn" },
      port,
    );
    await waitFor(() => foldedCount(db.sql), (n) => n === FIXTURE.length, { what: "the aggregator to fold the fixture" });
    redis = createRedis({ url: TEST_REDIS_URL, port: 6379, password: "", db: 0, key_prefix: keyPrefix, connect_timeout: 2000 }, createLogger({ level: "error", format: "json" }, "test"));
    await redis.connect();
    app = createTestApp(db.sql, { redis, config: { redis: { url: TEST_REDIS_URL, key_prefix: keyPrefix } } }).app;
  });

  afterAll(async () => {
    await aggregator?.stop("SIGTERM");
    if (redis?.isOpen) {
      for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 })) if (keys.length > 0) await redis.del(keys);
      await redis.quit();
    }
    await db?.drop();
  });

  it("counts stored events in total and by type", async () => {
    const res = await request(app).get("/api/v1/events/stats").query({ ...range, limit: "100" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      start_time: range.start_time,
      end_time: range.end_time,
      total_events: FIXTURE.length,
      by_type: { "market.data.update": 5, "order.placed": 4, "order.filled": 3, "order.canceled": 1, "page.view": 1, "position.closed": 1, "signal.generated": 1 },
    });
    expect(Object.keys(res.body.by_type)[0]).toBe("market.data.update");
  });

  it("serves a metric's buckets and their merged summary", async () => {
    const res = await request(app).get("/api/v1/metrics").query({ metric_name: "events.price.order.filled", interval: "1m", ...range });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ metric_name: "events.price.order.filled", interval: "1m", dimension: null });
    expect(res.body.points).toEqual([
      expect.objectContaining({ bucket_start: new Date(MINUTE).toISOString().replace(".000", ""), count: 3, sum: 300.5, min: 99, max: 101, open: 100.5, close: 99 }),
    ]);
    expect(res.body.summary).toMatchObject({ count: 3, sum: 300.5, min: 99, max: 101 });
    expect(res.body.summary.p50).toBeCloseTo(100.5, 0);

    const hourly = await request(app).get("/api/v1/metrics").query({ metric_name: "events.count.order.placed", interval: "1h", ...range, dimension: "strategy" });
    expect(hourly.body.points.map((p: { dimension_value: string; count: number }) => [p.dimension_value, p.count])).toEqual([
      ["alpha", 3],
      ["beta", 1],
    ]);
    expect(hourly.body.summary).toBeNull();
  });

  it("serves the seed's 30m and 4h buckets merged exactly from 15m and 1h, as plain SQL over the raw events has them", async () => {
    const [expected] = await db.sql<{ n: number; sum: number; min: number; max: number }[]>`
      select count(*)::int as n, sum((properties->>'price')::float8) as sum, min((properties->>'price')::float8) as min, max((properties->>'price')::float8) as max
      from events where event_type = 'order.filled'`;
    for (const [interval, sizeMs] of [["30m", 30 * 60_000], ["4h", 4 * 3_600_000]] as const) {
      const start = Math.floor(MINUTE / sizeMs) * sizeMs;
      const window = { start_time: new Date(start).toISOString(), end_time: new Date(start + sizeMs).toISOString() };
      const res = await request(app).get("/api/v1/metrics").query({ metric_name: "events.price.order.filled", interval, ...window });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ interval, dimensions: {} });
      expect(res.body.points).toEqual([
        expect.objectContaining({
          bucket_start: new Date(start).toISOString().replace(".000", ""),
          count: expected!.n,
          sum: expected!.sum,
          min: expected!.min,
          max: expected!.max,
          open: 100.5,
          close: 99,
        }),
      ]);
      // Percentiles from the merged sketches: those of the same events summarised at 1m.
      const minutes = await request(app).get("/api/v1/metrics").query({ metric_name: "events.price.order.filled", interval: "1m", ...window });
      expect(res.body.points[0].p50).toBe(minutes.body.summary.p50);
      expect(res.body.points[0].p99).toBe(minutes.body.summary.p99);
      expect(res.body.summary).toEqual(minutes.body.summary);
    }
    const fourHours = Math.floor(MINUTE / 14_400_000) * 14_400_000;
    const counts = await request(app)
      .get("/api/v1/metrics")
      .query({ metric_name: "events.count.order.placed", interval: "4h", start_time: new Date(fourHours).toISOString(), end_time: new Date(fourHours + 14_400_000).toISOString(), dimension: "strategy" });
    expect(counts.body.points.map((p: { dimension_value: string; count: number }) => [p.dimension_value, p.count])).toEqual([
      ["alpha", 3],
      ["beta", 1],
    ]);
  });

  it("takes the seed's dimensions JSON as a breakdown by one dimension value, and names it when it cannot", async () => {
    const seed = await request(app).get("/api/v1/metrics").query({ metric_name: "events.count.order.placed", interval: "1h", ...range, dimensions: '{"strategy":"alpha"}' });
    const ours = await request(app).get("/api/v1/metrics").query({ metric_name: "events.count.order.placed", interval: "1h", ...range, dimension: "strategy", dimension_value: "alpha" });
    expect(seed.status).toBe(200);
    expect(seed.body).toEqual({ ...ours.body });
    expect(seed.body).toMatchObject({ dimension: "strategy", dimension_value: "alpha", dimensions: { strategy: "alpha" }, summary: { count: 3 } });
    const overall = await request(app).get("/api/v1/metrics").query({ metric_name: "events.count.order.placed", interval: "15m", ...range, dimensions: "{}" });
    expect(overall.body.summary.count).toBe(4);
    for (const dimensions of ['{"strategy":"alpha","symbol":"BTCUSDT"}', "strategy=alpha", '{"strategy":["alpha"]}']) {
      const refused = await request(app).get("/api/v1/metrics").query({ metric_name: "events.count.order.placed", ...range, dimensions });
      expect([dimensions, refused.status, refused.body.field]).toEqual([dimensions, 400, "dimensions"]);
    }
    const both = await request(app).get("/api/v1/metrics").query({ metric_name: "events.count.order.placed", ...range, dimensions: "{}", dimension: "strategy" });
    expect([both.status, both.body.field]).toEqual([400, "dimensions"]);
  });

  it("counts a per-value series' points (buckets × values) against max_points", async () => {
    const capped = createTestApp(db.sql, { config: { analytics: { query: { max_points: 1 } } } }).app;
    const minute = { start_time: new Date(MINUTE).toISOString(), end_time: new Date(MINUTE + 60_000).toISOString(), interval: "1m" };
    // One bucket, one value: one point.
    const single = await request(capped).get("/api/v1/metrics").query({ metric_name: "events.count.order.placed", ...minute, dimension: "strategy", dimension_value: "alpha" });
    expect(single.status).toBe(200);
    // One bucket, two strategies: two points.
    const perValue = await request(capped).get("/api/v1/metrics").query({ metric_name: "events.count.order.placed", ...minute, dimension: "strategy" });
    expect(perValue.status).toBe(400);
    expect(perValue.body).toMatchObject({ code: "invalid_parameter", field: "dimension", error: expect.stringContaining("more than 1 points") });
    const allowed = createTestApp(db.sql, { config: { analytics: { query: { max_points: 2 } } } }).app;
    expect((await request(allowed).get("/api/v1/metrics").query({ metric_name: "events.count.order.placed", ...minute, dimension: "strategy" })).body.points).toHaveLength(2);
  });

  it("answers trading questions: rates, volume, candles, strategies", async () => {
    const rates = await request(app).get("/api/v1/trading/fill-rate").query(range);
    expect(rates.body).toMatchObject({
      orders_placed: 4, orders_filled: 3, orders_partially_filled: 0, orders_canceled: 1, orders_rejected: 0, orders_open: 0,
      fill_rate: 75, cancel_rate: 25, reject_rate: 0, ordered_quantity: 5, filled_quantity: 4, quantity_fill_rate: 80,
    });
    const alpha = await request(app).get("/api/v1/trading/fill-rate").query({ ...range, strategy: "alpha" });
    expect(alpha.body).toMatchObject({ strategy: "alpha", orders_placed: 3, orders_filled: 2 });

    const volume = await request(app).get("/api/v1/trading/volume").query({ ...range, by: "strategy" });
    expect(volume.body).toMatchObject({
      by: "strategy",
      total_fills: 3,
      total_quantity: 4,
      total_notional: 100.5 + 202 + 99,
      breakdown: [
        { strategy: "alpha", fills: 2, quantity: 3, notional: 302.5 },
        { strategy: "beta", fills: 1, quantity: 1, notional: 99 },
      ],
    });

    const candles = await request(app).get("/api/v1/trading/ohlcv").query({ ...range, symbol: "BTCUSDT", interval: "1m" });
    expect(candles.body.candles).toHaveLength(1);
    expect(candles.body.candles[0]).toMatchObject({ open: 100, high: 105, low: 50, close: 50, volume: 17, updates: 5 });
    expect(candles.body.candles[0].vwap).toBeCloseTo(1353 / 17, 9);

    const strategies = await request(app).get("/api/v1/trading/strategies").query(range);
    expect(strategies.body.strategies).toEqual([
      { strategy: "alpha", signals: 1, orders: 3, fills: 2, orders_filled: 2, fill_rate: 200 / 3, filled_notional: 302.5, realized_pnl: 3, closed_positions: 1 },
      { strategy: "beta", signals: 0, orders: 1, fills: 1, orders_filled: 1, fill_rate: 100, filled_notional: 99, realized_pnl: 0, closed_positions: 0 },
    ]);
    const one = await request(app).get("/api/v1/trading/strategies/beta/performance").query(range);
    expect(one.body).toMatchObject({ strategy: "beta", orders: 1, fills: 1 });
  });

  it("serves trading.order_fill_rate and trading.total_volume through /api/v1/metrics at every interval, 30m and 4h too", async () => {
    // Buckets starting in the range are served: a day either side holds a 4h and a 1d bucket start before the orders.
    const days = { start_time: new Date(MINUTE - 86_400_000).toISOString(), end_time: new Date(MINUTE + 86_400_000).toISOString() };
    for (const interval of ["1m", "5m", "15m", "30m", "1h", "4h", "1d"]) {
      const query = { interval, ...(interval === "1m" ? range : days) };
      const fill = await request(app).get("/api/v1/metrics").query({ metric_name: "trading.order_fill_rate", ...query });
      expect(fill.status).toBe(200);
      expect(fill.body).toMatchObject({ metric_name: "trading.order_fill_rate", interval, summary: { count: 4, sum: 3, value: 75, fill_rate: 75, orders_placed: 4 } });
      expect(fill.body.points).toEqual([expect.objectContaining({ count: 4, sum: 3, avg: 75, value: 75, orders_canceled: 1 })]);
      const volume = await request(app).get("/api/v1/metrics").query({ metric_name: "trading.total_volume", ...query });
      expect(volume.status).toBe(200);
      expect(volume.body.summary).toEqual({ count: 3, sum: 100.5 + 202 + 99, avg: (100.5 + 202 + 99) / 3, value: 100.5 + 202 + 99 });
      expect(volume.body.points.map((point: { sum: number }) => point.sum)).toEqual([100.5 + 202 + 99]);
    }
    const refused = await request(app).get("/api/v1/metrics").query({ metric_name: "trading.order_fill_rate", interval: "2h" });
    expect(refused.status).toBe(400);
    // Overall only: a breakdown in the seed's spelling is refused rather than answered with the overall figure.
    const overall = await request(app).get("/api/v1/metrics").query({ metric_name: "trading.total_volume", interval: "1h", dimensions: "{}", ...range });
    expect(overall.status).toBe(200);
    const breakdown = await request(app).get("/api/v1/metrics").query({ metric_name: "trading.total_volume", dimensions: '{"symbol":"BTCUSDT"}', ...range });
    expect(breakdown.status).toBe(400);
    expect(breakdown.body).toMatchObject({ code: "invalid_parameter", field: "dimensions" });
  });

  it("caches rollup answers until the next fold changes the rollups", async () => {
    const query = { metric_name: "events.count.order.canceled", interval: "1m", ...range };
    const first = await request(app).get("/api/v1/metrics").query(query);
    const second = await request(app).get("/api/v1/metrics").query({ ...query });
    expect([first.headers["x-cache"], second.headers["x-cache"]]).toEqual(["MISS", "HIT"]);
    expect(second.body).toEqual(first.body);
    expect(first.body.summary.count).toBe(1);

    await store(db.sql, [order(40, "order.canceled", "beta")]);
    await waitFor(() => foldedCount(db.sql), (n) => n === FIXTURE.length + 1, { what: "the late cancel to be folded" });
    const after = await waitFor(
      () => request(app).get("/api/v1/metrics").query(query),
      (res) => res.body.summary?.count === 2,
      { what: "the cached answer to be replaced", timeoutMs: 10_000 },
    );
    expect(after.headers["x-cache"]).toBe("MISS");
  });

  it("serves the dashboard from Redis, and from the rollups when Redis lost it", async () => {
    const key = dashboardMetricsKey(keyPrefix);
    await waitFor(() => redis.get(key), (value) => value !== null, { what: "the aggregator to publish the dashboard" });
    const cached = await request(app).get("/api/v1/dashboard/metrics");
    expect(cached.status).toBe(200);
    expect(cached.headers["x-cache"]).toBe("HIT");
    expect(cached.body).toMatchObject({ active_users: 2, active_strategies: 2 });
    expect(cached.headers["content-type"]).toBe("application/json; charset=utf-8");
    // A client holding the current figures gets 304 (retried: the aggregator rewrites them every second).
    const revalidations: number[] = [];
    for (let attempt = 0; attempt < 5 && !revalidations.includes(304); attempt++) {
      const fresh = await request(app).get("/api/v1/dashboard/metrics");
      revalidations.push((await request(app).get("/api/v1/dashboard/metrics").set("If-None-Match", fresh.headers["etag"]!)).status);
    }
    expect(revalidations).toContain(304);

    const withoutRedis = createTestApp(db.sql, { config: { redis: { url: TEST_REDIS_URL, key_prefix: keyPrefix } } }).app;
    const computed = await request(withoutRedis).get("/api/v1/dashboard/metrics");
    expect(computed.status).toBe(200);
    expect(computed.headers["x-cache"]).toBe("MISS");
    expect(computed.body).toMatchObject({ active_users: 2, active_strategies: 2 });
  });

  it("still answers every read with Redis unreachable", async () => {
    const dead = createRedis(
      { url: "redis://127.0.0.1:1", port: 1, password: "", db: 0, key_prefix: keyPrefix, connect_timeout: 200 },
      createLogger({ level: "error", format: "json" }, "test"),
    );
    dead.connect().catch(() => undefined);
    try {
      const offline = createTestApp(db.sql, { redis: dead }).app;
      for (const [route, query] of [
        ["/api/v1/metrics", { metric_name: "events.count.order.placed", ...range }],
        ["/api/v1/events/stats", range],
        ["/api/v1/dashboard/metrics", {}],
        ["/api/v1/trading/fill-rate", range],
        ["/api/v1/internal/ingestion-metrics", {}],
      ] as const) {
        const res = await request(offline).get(route).query(query);
        expect({ route, status: res.status }).toEqual({ route, status: 200 });
      }
    } finally {
      await dead.disconnect().catch(() => undefined);
    }
  });

  it("reports aggregation progress with the live ingest counters", async () => {
    const res = await request(app).get("/api/v1/internal/ingestion-metrics");
    expect(res.status).toBe(200);
    expect(res.body.aggregation.events_aggregated).toBeGreaterThanOrEqual(FIXTURE.length);
    expect(res.body.live).toMatchObject({ events_per_second: expect.any(Number), events_last_minute_by_type: expect.any(Object) });
  });

  it.each([
    [{}, "metric_name"],
    [{ metric_name: "Order Placed" }, "metric_name"],
    [{ metric_name: "events.count.order.placed", interval: "2m" }, "interval"],
    [{ metric_name: "events.count.order.placed", interval: "1m", start_time: "2020-01-01T00:00:00Z" }, "interval"],
    [{ metric_name: "events.count.order.placed", dimension_value: "alpha" }, "dimension_value"],
    [{ metric_name: "events.count.order.placed", end_time: "tomorrow" }, "end_time"],
    [{ metric_name: "events.count.order.placed", colour: "red" }, "colour"],
  ])("rejects metrics query %j with a 400 naming %s", async (query, field) => {
    const res = await request(app).get("/api/v1/metrics").query(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_parameter", field, request_id: expect.any(String) });
  });

  it.each([
    ["/api/v1/trading/ohlcv", {}, "symbol"],
    ["/api/v1/trading/fill-rate", { symbol: "BTCUSDT", strategy: "alpha" }, "strategy"],
    ["/api/v1/trading/volume", { by: "colour" }, "by"],
    ["/api/v1/events/stats", { limit: "0" }, "limit"],
    ["/api/v1/events/stats", { start_time: "2020-01-01T00:00:00Z", end_time: "2020-06-01T00:00:00Z" }, "start_time"],
  ])("rejects %s %j with a 400 naming %s", async (route, query, field) => {
    const res = await request(app).get(route).query(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_parameter", field });
  });
});
