import { randomUUID } from "node:crypto";
import { testKafka, waitFor } from "@trading-analytics/core/testing";
import { freshLoopbackAddress, inParallel, SeedClient } from "./harness/seed-http";
import { psql, waitForStoredEvents } from "./harness/seed-psql";
import { SeedStack } from "./harness/seed-stack";
import { scrape, total } from "./harness/prometheus-scrape";
import { expectDashboardShape, ISO, UUID } from "./harness/seed-shapes";

// Seed 002 (002_698a8d16ef945031.txt), "Testing in Isolation", Steps 5-14, run against the three
// apps started with Step 2's config.test.yaml verbatim. The environment says where the test
// database, Redis and Kafka are (002 "Environment Variable Overrides"), turns the seed's rate
// limit on (RATE_LIMIT_ENABLED: 003's 1,000/minute, which Step 2's file disables) and API keys off
// (docs/seed-compatibility.md B-C30: the walk-through's curls send none).
const STEP8_EVENTS = 1_000;
// Enough past the bucket that no machine refills the difference while they are sent.
const RATE_PROBE_REQUESTS = 1_300;
/** 002 Step 11 sends 10,000 from one address; the seed's own limit admits 1,000 a minute, so 1,000. */
const STEP11_EVENTS = 1_000;

describe("seed 002 walk-through (Steps 5-14) on config.test.yaml", () => {
  let stack: SeedStack;
  let curl: SeedClient;
  let step6EventId: string;
  let posted = 0;

  beforeAll(async () => {
    stack = await SeedStack.start({
      config: "b25/002-step2-config.test.yaml",
      apps: ["query-api", "ingester", "aggregator"],
      env: { RATE_LIMIT_ENABLED: "true", API_KEY_ENABLED: "false" },
    });
    curl = new SeedClient(stack.url("query-api"), freshLoopbackAddress());
  });

  afterAll(async () => {
    curl?.close();
    await stack?.stop();
  });

  it("Step 5: /health answers status, database, cache, timestamp and service (B-R8, B-F5)", async () => {
    const health = await curl.get("/health");
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: "healthy", database: "connected", cache: "connected", service: "analytics" });
    expect(health.body.timestamp).toMatch(ISO);
  });

  it("Step 6: POST /api/v1/events answers {success, event_id} (B-R1, B-F1)", async () => {
    const response = await curl.post("/api/v1/events", {
      event_type: "order.placed",
      user_id: "test-user-001",
      session_id: "test-session-001",
      properties: { symbol: "BTCUSDT", side: "BUY", price: 50000, quantity: 0.1 },
    });
    expect(response.status).toBe(202); // B-R1: 202 Accepted
    expect(response.body.success).toBe(true);
    expect(response.body.event_id).toMatch(UUID);
    step6EventId = response.body.event_id;
    posted += 1;
  });

  it("Step 7: the psql SELECT finds the event by id with its symbol, and GET /api/v1/events?limit=10 returns it (B-D1, B-R2)", async () => {
    await waitForStoredEvents(stack.db.url, posted);
    const rows = await psql(
      stack.db.url,
      `
  SELECT id, event_type, user_id, properties->>'symbol' as symbol
  FROM events
  ORDER BY timestamp DESC
  LIMIT 10;
`,
    );
    expect(rows).toContainEqual({ id: step6EventId, event_type: "order.placed", user_id: "test-user-001", symbol: "BTCUSDT" });

    const listed = await curl.get("/api/v1/events?limit=10");
    expect(listed.status).toBe(200);
    const event = listed.body.events.find((candidate: { id?: string }) => candidate.id === step6EventId);
    expect(event).toMatchObject({
      id: step6EventId,
      event_type: "order.placed",
      user_id: "test-user-001",
      session_id: "test-session-001",
      properties: { symbol: "BTCUSDT", side: "BUY", price: 50000, quantity: 0.1 },
    });
    expect(event.timestamp).toMatch(ISO);
    expect(event.created_at).toMatch(ISO);
  });

  it("Step 8: 1,000 parallel POSTs from one address are all accepted under the seed's 1,000/minute limit (B-C28, B-C29, B-H1)", async () => {
    const answers = await inParallel(STEP8_EVENTS, STEP8_EVENTS, (i) =>
      curl.post("/api/v1/events", { event_type: "order.placed", user_id: `user-${i + 1}`, properties: { test_index: i + 1 } }),
    );
    const statuses = countBy(answers.map((answer) => answer.status));
    expect(statuses).toEqual({ 202: STEP8_EVENTS });
    expect(answers.every((answer) => answer.headers["x-ratelimit-limit"] === "1000")).toBe(true);
    posted += STEP8_EVENTS;
    await waitForStoredEvents(stack.db.url, posted);
    const page = await curl.get(`/api/v1/events?limit=1000`);
    expect(page.status).toBe(200);
    expect(page.body.events).toHaveLength(1000);
  });

  it("003 Rate Limiting: past the 1,000 a client may send at once, it is refused with the seed's body and headers, and no faster than 1,000 a minute gets through (B-S3, B-F8, B-H1, B-F7)", async () => {
    // A token bucket (B-S3): the seed's 1,000 at once, then one more per 60 ms, where the seed's
    // counter refused the rest of its minute. An unknown route is limited like any other and costs
    // no database work, so 1,300 requests take far less than the 18 s that would refill 300.
    const client = new SeedClient(stack.url("query-api"), freshLoopbackAddress());
    const started = Date.now();
    const answers = await inParallel(RATE_PROBE_REQUESTS, 100, () => client.get("/api/v1/rate-limit-probe"));
    const elapsedMs = Date.now() - started;
    client.close();
    const refused = answers.filter((answer) => answer.status === 429);
    const admitted = answers.length - refused.length;
    expect(admitted).toBeGreaterThanOrEqual(1000);
    expect(admitted).toBeLessThanOrEqual(1000 + Math.ceil(elapsedMs / 60) + 1);
    expect(refused.length).toBeGreaterThan(0);
    const first = refused[0]!;
    expect(first.body.error).toBe("rate limit exceeded");
    expect(typeof first.body.retry_after).toBe("number");
    expect(first.body.retry_after).toBeGreaterThan(0);
    expect(first.body.retry_after).toBeLessThanOrEqual(60);
    expect(first.body.code).toBe("rate_limited");
    expect(first.headers["x-ratelimit-limit"]).toBe("1000");
    expect(first.headers["x-ratelimit-remaining"]).toBe("0");
  });

  it("Step 9: the dashboard answers every field with the seed's type (B-R5, B-F4)", async () => {
    // Every order.placed posted so far is an order placed today, though the seed's carry no order_id.
    const client = new SeedClient(stack.url("query-api"), freshLoopbackAddress());
    const dashboard = await waitFor(
      () => client.get("/api/v1/dashboard/metrics"),
      (answer) => answer.status !== 200 || answer.body.orders_placed === posted,
      { what: `orders_placed ${posted}` },
    );
    client.close();
    expect(dashboard.status).toBe(200);
    expectDashboardShape(dashboard.body);
    expect(dashboard.body).toMatchObject({ orders_placed: posted, orders_filled: 0 });
  });

  it("Step 10: /api/v1/events/stats?limit=100 answers start_time, end_time, total_events and by_type (B-R3, B-F3)", async () => {
    const client = new SeedClient(stack.url("query-api"), freshLoopbackAddress());
    const stats = await client.get("/api/v1/events/stats?limit=100");
    expect(stats.status).toBe(200);
    expect(Object.keys(stats.body).sort()).toEqual(expect.arrayContaining(["by_type", "end_time", "start_time", "total_events"]));
    expect(stats.body.start_time).toMatch(ISO);
    expect(stats.body.end_time).toMatch(ISO);
    expect(stats.body.total_events).toBe(posted);
    expect(stats.body.by_type).toEqual({ "order.placed": posted });
  });

  it(`Step 11: a load of ${STEP11_EVENTS} events, 10 at a time, is all accepted and counted in analytics_events_ingested_total (B-M1)`, async () => {
    const loader = new SeedClient(stack.url("query-api"), freshLoopbackAddress());
    const answers = await inParallel(STEP11_EVENTS, 10, (i) =>
      loader.post("/api/v1/events", {
        event_type: "order.placed",
        user_id: `user-${i % 100}`,
        session_id: `session-${i % 20}`,
        properties: { symbol: "BTCUSDT", price: 50000 + Math.floor(Math.random() * 1000), quantity: 0.1, index: i + 1 },
      }),
    );
    expect(countBy(answers.map((answer) => answer.status))).toEqual({ 202: STEP11_EVENTS });
    posted += STEP11_EVENTS;
    await waitForStoredEvents(stack.db.url, posted);
    // "curl http://localhost:9098/metrics | grep analytics_events_ingested_total": the ingester's port.
    const { samples } = await scrape(stack.url("ingester", "/metrics"));
    expect(total(samples, "analytics_events_ingested_total")).toBe(posted);
    loader.close();
  });

  it("Step 12: a repeated dashboard read is a cache hit, counted in analytics_cache_hits_total / _misses_total on the query-api's /metrics (B-M6, B-R11)", async () => {
    const client = new SeedClient(stack.url("query-api"), freshLoopbackAddress());
    const before = await scrape(stack.url("query-api", "/metrics"));
    await client.get("/api/v1/dashboard/metrics");
    await client.get("/api/v1/dashboard/metrics");
    const after = await scrape(stack.url("query-api", "/metrics"));
    for (const name of ["analytics_cache_hits_total", "analytics_cache_misses_total"]) expect(after.families.get(name)).toBe("counter");
    const served = (s: typeof after) => total(s.samples, "analytics_cache_hits_total") + total(s.samples, "analytics_cache_misses_total");
    expect(served(after) - served(before)).toBeGreaterThanOrEqual(2);
    expect(total(after.samples, "analytics_cache_hits_total")).toBeGreaterThan(0);
  });

  it("Step 13: a custom event type is created, read back, and its event accepted and stored (B-R6, B-R7, B-Q7, B-F6)", async () => {
    const client = new SeedClient(stack.url("query-api"), freshLoopbackAddress());
    const definition = {
      name: "custom.trading.signal",
      display_name: "Trading Signal",
      description: "Custom trading signal event",
      schema: { type: "object", properties: { signal_strength: { type: "number" }, strategy: { type: "string" } } },
      is_active: true,
    };
    const created = await client.post("/api/v1/custom-events", definition);
    expect([200, 201]).toContain(created.status);
    expect(created.body).toMatchObject(definition);
    const read = await client.get("/api/v1/custom-events/custom.trading.signal");
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject(definition);
    const sent = await client.post("/api/v1/events", { event_type: "custom.trading.signal", properties: { signal_strength: 0.85, strategy: "momentum-v1" } });
    expect(sent.status).toBe(202);
    expect(sent.body.success).toBe(true);
    posted += 1;
    await waitForStoredEvents(stack.db.url, posted);
    const rows = await psql(stack.db.url, `SELECT properties->>'strategy' AS strategy FROM events WHERE id = '${sent.body.event_id}'`);
    expect(rows).toEqual([{ strategy: "momentum-v1" }]);
  });

  it("003 Request ID: X-Request-ID is echoed and the request log line at the default level carries it (B-H2)", async () => {
    const requestId = `seeds-${randomUUID()}`;
    const answer = await new SeedClient(stack.url("query-api"), freshLoopbackAddress()).get("/api/v1/events/stats", { "X-Request-ID": requestId });
    expect(answer.headers["x-request-id"]).toBe(requestId);
    // Written when the response has gone, so it may reach the process's stdout a moment later.
    const line = await waitFor(
      async () => stack.apps.get("query-api")!.output().split("\n").find((text) => text.includes(requestId)),
      (found) => found !== undefined,
      { what: "the request log line", timeoutMs: 10_000 },
    );
    expect(line).toBeDefined();
    expect(line).toMatch(/GET/);
    expect(line).toMatch(/\/api\/v1\/events\/stats/);
    expect(line).toMatch(/200/);
  });

  it("002 Database Performance: the three queries run unchanged and agree with the API (B-D10, B-D4, B-M8)", async () => {
    const byType = await psql(stack.db.url, "SELECT event_type, COUNT(*) FROM events\nWHERE timestamp > NOW() - INTERVAL '1 hour'\nGROUP BY event_type;");
    expect(byType).toEqual(expect.arrayContaining([{ event_type: "order.placed", count: String(posted - 1) }]));
    const recent = await psql(stack.db.url, "SELECT * FROM events\nWHERE timestamp > NOW() - INTERVAL '24 hours'\nORDER BY timestamp DESC LIMIT 100;");
    expect(recent).toHaveLength(100);
    expect(Object.keys(recent[0]!)).toEqual(expect.arrayContaining(["id", "event_type", "user_id", "session_id", "properties", "timestamp", "created_at"]));
    // The aggregator folds within a second or so; the 1h bucket then holds every order.placed.
    const placed = posted - 1;
    let rows: Awaited<ReturnType<typeof psql>> = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      rows = await psql(
        stack.db.url,
        "SELECT * FROM metric_aggregations\nWHERE metric_name = 'events.count.order.placed'\n  AND interval = '1h'\n  AND time_bucket > NOW() - INTERVAL '1 day'\nORDER BY time_bucket;",
      );
      if (rows.filter((row) => row.dimensions === "{}").reduce((sum, row) => sum + Number(row.count), 0) >= placed) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const overall = rows.filter((row) => row.dimensions === "{}");
    expect(overall.reduce((sum, row) => sum + Number(row.count), 0)).toBe(placed);
    expect(Object.keys(rows[0]!)).toEqual(
      expect.arrayContaining(["metric_name", "interval", "time_bucket", "count", "sum", "avg", "min", "max", "p50", "p95", "p99", "dimensions"]),
    );
  });

  it("002 Health Checks: the database health SQL runs unchanged (B-D10, B-D2)", async () => {
    expect(await psql(stack.db.url, "SELECT 1;")).toEqual([{ "?column?": "1" }]);
    const counts = await psql(
      stack.db.url,
      "\n  SELECT\n    (SELECT COUNT(*) FROM events) as events_count,\n    (SELECT COUNT(*) FROM metric_aggregations) as aggregations_count;\n",
    );
    expect(Number(counts[0]!.events_count)).toBe(posted);
    expect(Number(counts[0]!.aggregations_count)).toBeGreaterThan(0);
    const partitions = await psql(
      stack.db.url,
      "\n  SELECT schemaname, tablename\n  FROM pg_tables\n  WHERE tablename LIKE 'events_%' OR tablename LIKE 'metric_aggregations_%';\n",
    );
    expect(partitions.some((row) => /^events_\d{8}$/.test(row.tablename!))).toBe(true);
  });

  it("002 Kafka Health: the consumer group is described with members on the seed's topics (B-K3, B-K4)", async () => {
    const admin = testKafka("seeds-admin").admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([stack.group]);
      expect(groups[0]!.state).toBe("Stable");
      expect(groups[0]!.members.length).toBeGreaterThan(0);
      const committed = async () => {
        const offsets = await admin.fetchOffsets({ groupId: stack.group, topics: [stack.topics["trading.events"]] });
        return offsets[0]!.partitions.reduce((sum, partition) => sum + Math.max(0, Number(partition.offset)), 0);
      };
      expect(await waitFor(committed, (count) => count === posted, { timeoutMs: 15_000, what: "offsets committed" })).toBe(posted);
    } finally {
      await admin.disconnect();
    }
  });

  it("Step 14: the clean-up DELETEs run unchanged (B-D11)", async () => {
    await psql(stack.db.url, "\n  DELETE FROM events;\n  DELETE FROM metric_aggregations;\n  DELETE FROM custom_event_definitions;\n");
    expect(await psql(stack.db.url, "SELECT COUNT(*) AS n FROM events")).toEqual([{ n: "0" }]);
  });
});

function countBy(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
