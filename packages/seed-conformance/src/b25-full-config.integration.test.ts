import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { testKafka, waitFor } from "@trading-analytics/core/testing";
import { expectDashboardShape, ISO } from "./harness/seed-shapes";
import { freshLoopbackAddress, SeedClient } from "./harness/seed-http";
import { psql, waitForStoredEvents } from "./harness/seed-psql";
import { SeedStack } from "./harness/seed-stack";
import { orderTraffic, type TrafficEvent } from "./harness/order-traffic";

const run = promisify(execFile);
const HOUR_MS = 3_600_000;

// Seed 002 (002_698a8d16ef945031.txt) "Configuration": the full config.yaml verbatim, all three
// apps on it. It sets api_key_enabled: true, which is honoured here (docs/seed-compatibility.md
// B-C30), so the calls carry a key made with `pnpm api-key create`. Trading traffic goes to
// order.events with a plain kafkajs producer, as B25's Order Execution Service would send it.
describe("seed 002 full config.yaml, 001's examples and 003's trading metrics", () => {
  let stack: SeedStack;
  let api: SeedClient;
  let key: Record<string, string>;
  let traffic: TrafficEvent[];
  let from: Date;
  let to: Date;

  beforeAll(async () => {
    stack = await SeedStack.start({ config: "b25/002-config.yaml", apps: ["ingester", "aggregator", "query-api"] });
    const { stdout } = await run(process.execPath, [require.resolve("@trading-analytics/cli"), "api-key", "create", "--name", "seeds", "--scopes", "read,write,admin", "--json"], {
      env: { ...process.env, CONFIG_FILE: path.join(__dirname, "fixtures/b25/002-config.yaml"), ...stack.seedEnv(), LOG_LEVEL: "warn" },
    });
    key = { "X-API-Key": JSON.parse(stdout).secret as string };
    api = new SeedClient(stack.url("query-api"), freshLoopbackAddress());

    const now = Date.now();
    // A UTC midnight, so every interval's first bucket (1d included) starts at from: a 1d bucket
    // starting before it would hold events the plain-SQL side leaves out, at some hours of the day.
    from = new Date(Math.floor((now - 6 * HOUR_MS) / (24 * HOUR_MS)) * 24 * HOUR_MS);
    to = new Date(now + 60_000);
    traffic = orderTraffic(new Date(now - 3 * HOUR_MS), 40);
    const producer = testKafka("seeds-order-execution").producer();
    await producer.connect();
    await producer.send({ topic: stack.topics["order.events"], messages: traffic.map((event) => ({ key: event.user_id, value: JSON.stringify(event) })) });
    await producer.disconnect();
    await waitForStoredEvents(stack.db.url, traffic.length);
  });

  afterAll(async () => {
    api?.close();
    await stack?.stop();
  });

  it("002 config.yaml starts every app, one warning line per key without effect here (B-C7, B-C10, B-C14, B-C19, B-C23, B-C27)", () => {
    const output = [...stack.apps.values()].map((app) => app.output()).join("\n");
    const warned = output.split("\n").filter((line) => /warn/i.test(line));
    for (const key of ["database.max_idle_connections", "redis.pool_size", "redis.min_idle_conns", "kafka.enable_auto_commit", "analytics.aggregation.workers", "metrics.port", "health"]) {
      expect([key, warned.some((line) => line.includes(key))]).toEqual([key, true]);
    }
  });

  it("api_key_enabled: true is honoured: a keyless call is a 401 a seed client can read (B-C30, B-S5, B-F7)", async () => {
    const refused = await api.get("/api/v1/events/stats");
    expect(refused.status).toBe(401);
    expect(typeof refused.body.error).toBe("string");
    expect(typeof refused.body.code).toBe("string");
    expect(typeof refused.body.request_id).toBe("string");
  });

  it("CORS: the seed's two origins are allowed, another is not (B-H3, B-H4)", async () => {
    for (const origin of ["http://localhost:3000", "http://localhost:8080"]) {
      const preflight = await api.request("/api/v1/events", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Content-Type,Authorization" },
      });
      expect([origin, preflight.headers["access-control-allow-origin"]]).toEqual([origin, origin]);
      expect(String(preflight.headers["access-control-allow-methods"])).toEqual(expect.stringContaining("POST"));
    }
    const other = await api.get("/health", { Origin: "http://evil.example" });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("001 POST /api/v1/events: the example body as written is refused naming timestamp (2025-10-03 is past retention), and accepted with today's time (B-Q2, B-R1)", async () => {
    const example = {
      event_type: "order.placed",
      user_id: "user123",
      session_id: "session456",
      properties: { symbol: "BTCUSDT", price: 50000, quantity: 0.1 },
      timestamp: "2025-10-03T12:00:00Z",
    };
    const refused = await api.post("/api/v1/events", example, key);
    expect(refused.status).toBe(400);
    expect(typeof refused.body.error).toBe("string");
    expect(refused.body.field).toBe("timestamp");
    const accepted = await api.post("/api/v1/events", { ...example, timestamp: new Date().toISOString() }, key);
    expect(accepted.status).toBe(202);
    expect(accepted.body.success).toBe(true);
    // The config's batch_timeout (5 s) is honoured: a lone event waits up to that long to be stored.
    await waitForStoredEvents(stack.db.url, traffic.length + 1);
  });

  it("001 GET /api/v1/events with start_time, end_time, event_type and limit (B-R2, B-Q3, B-Q4)", async () => {
    const old = await api.get("/api/v1/events?start_time=2025-10-01T00:00:00Z&end_time=2025-10-03T23:59:59Z&event_type=order.placed&limit=100", key);
    expect(old.status).toBe(200);
    expect(old.body.events).toEqual([]);
    const recent = await api.get(`/api/v1/events?start_time=${from.toISOString()}&end_time=${to.toISOString()}&event_type=order.placed&limit=100`, key);
    expect(recent.status).toBe(200);
    // The traffic's orders and 001's example, posted above.
    expect(recent.body.events).toHaveLength(traffic.filter((event) => event.event_type === "order.placed").length + 1);
  });

  it("001 GET /api/v1/metrics?metric_name=events.count.order.placed&interval=1h&start_time=… (B-R4, B-F9, B-M8)", async () => {
    const placed = traffic.filter((event) => event.event_type === "order.placed").length + 1; // and 001's example
    const answer = await waitFor(
      () => api.get(`/api/v1/metrics?metric_name=events.count.order.placed&interval=1h&start_time=${from.toISOString()}`, key),
      (response) => response.status !== 200 || sumOf(response.body.points, "count") >= placed,
      { what: "order.placed folded" },
    );
    expect(answer.status).toBe(200);
    expect(sumOf(answer.body.points, "count")).toBe(placed);
    // A count carries count alone (B-F9's deviation); a measure carries every field of the seed's row.
    expect(Object.keys(answer.body.points[0])).toEqual(["bucket_start", "count"]);
    const prices = await api.get(`/api/v1/metrics?metric_name=events.price.order.placed&interval=1h&start_time=${from.toISOString()}`, key);
    expect(prices.status).toBe(200);
    for (const field of ["count", "sum", "avg", "min", "max", "p50", "p95", "p99"]) expect(Object.keys(prices.body.points[0])).toContain(field);
  });

  it("001 dashboard and stats JSON: the seed's fields and types (B-F4, B-F3)", async () => {
    const dashboard = await api.get("/api/v1/dashboard/metrics", key);
    expect(dashboard.status).toBe(200);
    expectDashboardShape(dashboard.body);
    const stats = await api.get(`/api/v1/events/stats?start_time=${from.toISOString()}&end_time=${to.toISOString()}`, key);
    expect(stats.body).toMatchObject({ total_events: expect.any(Number), by_type: expect.any(Object) });
    expect(stats.body.start_time).toMatch(ISO);
    expect(stats.body.by_type["order.placed"]).toBe(traffic.filter((event) => event.event_type === "order.placed").length + 1);
  });

  it("001 POST /api/v1/custom-events with the README's body (schema without a type) (B-R6, B-Q7)", async () => {
    const definition = {
      name: "custom.trading.signal",
      display_name: "Trading Signal",
      description: "Custom trading signal event",
      schema: { properties: { signal_strength: { type: "number" }, strategy: { type: "string" } } },
      is_active: true,
    };
    const created = await api.post("/api/v1/custom-events", definition, key);
    expect([200, 201]).toContain(created.status);
    expect(created.body).toMatchObject(definition);
  });

  it.each(["30m", "1h", "4h", "1d"])(
    "003 trading.order_fill_rate at %s: per order, at most 100, equal to plain SQL over the raw events (B-T1, B-Q5)",
    async (interval) => {
      const expected = await fillRateBySql(stack.db.url, interval, from, to);
      expect(expected.size).toBeGreaterThan(0);
      const answer = await waitFor(
        () => api.get(`/api/v1/metrics?metric_name=trading.order_fill_rate&interval=${interval}&start_time=${from.toISOString()}&end_time=${to.toISOString()}`, key),
        (response) => response.status !== 200 || matchesBuckets(response.body.points, expected),
        { what: `fill rate at ${interval}`, timeoutMs: 20_000 },
      ).catch((error: Error) => ({ status: -1, body: { error: error.message } }));
      expect(answer.status).toBe(200);
      for (const point of answer.body.points as Point[]) expect(valueOf(point)).toBeLessThanOrEqual(100);
      expect(bucketValues(answer.body.points)).toEqual(Object.fromEntries(expected));
    },
  );

  it("the traffic's naive fill-event rate exceeds 100, so the per-order figure above is the one that holds (B-T1)", () => {
    const placed = traffic.filter((event) => event.event_type === "order.placed").length;
    const fills = traffic.filter((event) => event.event_type === "order.filled").length;
    expect((100 * fills) / placed).toBeGreaterThan(100);
  });

  it.each(["30m", "1h", "4h", "1d"])("003 trading.total_volume at %s equals SUM(quantity * price) of fills (B-T2, B-Q5)", async (interval) => {
    const expected = await volumeBySql(stack.db.url, interval, from, to);
    const answer = await waitFor(
      () => api.get(`/api/v1/metrics?metric_name=trading.total_volume&interval=${interval}&start_time=${from.toISOString()}&end_time=${to.toISOString()}`, key),
      (response) => response.status !== 200 || matchesBuckets(response.body.points, expected),
      { what: `total volume at ${interval}`, timeoutMs: 20_000 },
    ).catch((error: Error) => ({ status: -1, body: { error: error.message } }));
    expect(answer.status).toBe(200);
    expect(bucketValues(answer.body.points)).toEqual(Object.fromEntries(expected));
  });

  it('`dimensions={"symbol":"ETHUSDT"}` selects the breakdown of metric_aggregations.dimensions (B-Q6)', async () => {
    const dimensions = encodeURIComponent(JSON.stringify({ symbol: "ETHUSDT" }));
    const answer = await api.get(`/api/v1/metrics?metric_name=events.count.order.placed&interval=1h&start_time=${from.toISOString()}&dimensions=${dimensions}`, key);
    expect(answer.status).toBe(200);
    const eth = traffic.filter((event) => event.event_type === "order.placed" && event.properties.symbol === "ETHUSDT").length;
    expect(sumOf(answer.body.points, "count")).toBe(eth);
    const unsupported = await api.get(`/api/v1/metrics?metric_name=events.count.order.placed&interval=1h&dimensions=${encodeURIComponent("[1,2]")}`, key);
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.field).toBe("dimensions");
  });

  it("metric_aggregations carries trading.total_volume and trading.order_fill_rate like the API (B-D4, B-T1, B-T2)", async () => {
    const rows = await psql(
      stack.db.url,
      `SELECT metric_name, SUM(sum) AS total FROM metric_aggregations WHERE metric_name IN ('trading.total_volume', 'trading.order_fill_rate') AND interval = '1h' AND dimensions = '{}' GROUP BY metric_name ORDER BY metric_name`,
    );
    expect(rows.map((row) => row.metric_name)).toEqual(["trading.order_fill_rate", "trading.total_volume"]);
    const volume = [...(await volumeBySql(stack.db.url, "1d", from, to)).values()].reduce((sum, value) => sum + value, 0);
    expect(Number(rows[1]!.total)).toBeCloseTo(volume, 6);
  });

  it("001 Data Retention: SELECT cleanup_old_data(); runs the retention job (B-D9)", async () => {
    const rows = await psql(stack.db.url, "SELECT cleanup_old_data();");
    expect(rows).toHaveLength(1);
    expect(await psql(stack.db.url, "SELECT COUNT(*) AS n FROM events")).toEqual([{ n: String(traffic.length + 1) }]);
  });
});

interface Point {
  bucket_start: string;
  [field: string]: unknown;
}

/** The figure of a trading.* point: `value` when the route names it so, else the seed's `avg`/`sum` columns. */
function valueOf(point: Point): number {
  return Number(point.value ?? point.avg ?? point.sum);
}

function sumOf(points: Point[] | undefined, field: string): number {
  return (points ?? []).reduce((sum, point) => sum + Number(point[field] ?? 0), 0);
}

/** Buckets that have a figure, rounded to 1e-6 so doubles summed in another order compare equal. */
function bucketValues(points: Point[]): Record<string, number> {
  return Object.fromEntries(
    points.filter((point) => point.value !== null && point.value !== undefined ? true : Number(point.count ?? 0) > 0).map((point) => [new Date(point.bucket_start).toISOString(), round(valueOf(point))]),
  );
}

function matchesBuckets(points: Point[] | undefined, expected: Map<string, number>): boolean {
  return JSON.stringify(bucketValues(points ?? [])) === JSON.stringify(Object.fromEntries(expected));
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;
const WIDTH: Record<string, string> = { "30m": "30 minutes", "1h": "1 hour", "4h": "4 hours", "1d": "1 day" };

/** Orders placed per bucket (cohort by placement time) and how many got fully filled, in plain SQL. */
async function fillRateBySql(url: string, interval: string, from: Date, to: Date): Promise<Map<string, number>> {
  const rows = await psql(
    url,
    `WITH placed AS (
       -- An order is its order_id; an order.placed without one (001's example) an order of its own (docs/trading.md).
       SELECT coalesce(nullif(properties->>'order_id', ''), id::text) AS order_id, date_bin('${WIDTH[interval]}', "timestamp", TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket
       FROM events WHERE event_type = 'order.placed' AND "timestamp" >= '${from.toISOString()}' AND "timestamp" < '${to.toISOString()}'),
     filled AS (
       SELECT DISTINCT properties->>'order_id' AS order_id FROM events
       WHERE event_type = 'order.filled' AND (properties->>'is_partial')::boolean = false)
     SELECT to_char(bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') AS bucket, 100.0 * COUNT(filled.order_id) / COUNT(*) AS rate
     FROM placed LEFT JOIN filled USING (order_id) GROUP BY bucket ORDER BY bucket`,
  );
  return new Map(rows.map((row) => [row.bucket!, round(Number(row.rate))]));
}

/** SUM(price * quantity) of fills per bucket of fill time, in plain SQL. */
async function volumeBySql(url: string, interval: string, from: Date, to: Date): Promise<Map<string, number>> {
  const rows = await psql(
    url,
    `SELECT to_char(date_bin('${WIDTH[interval]}', "timestamp", TIMESTAMPTZ '1970-01-01 00:00:00+00') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') AS bucket,
            SUM((properties->>'price')::float8 * (properties->>'quantity')::float8) AS volume
     FROM events WHERE event_type = 'order.filled' AND "timestamp" >= '${from.toISOString()}' AND "timestamp" < '${to.toISOString()}'
     GROUP BY 1 ORDER BY 1`,
  );
  return new Map(rows.map((row) => [row.bucket!, round(Number(row.volume))]));
}
