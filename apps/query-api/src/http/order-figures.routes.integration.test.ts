import { randomUUID } from "node:crypto";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import request from "supertest";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { buildOpenApiDocument } from "../openapi/openapi-document";
import { createTestApp } from "../test-app";

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(buildOpenApiDocument(), "openapi");
const documented = ajv.compile({ $ref: "openapi#/paths/~1api~1v1~1trading~1orders/get/responses/200/content/application~1json/schema" });

const MINUTE = Date.UTC(2026, 10, 23, 14, 30, 0);
const range = { start_time: new Date(MINUTE).toISOString(), end_time: new Date(MINUTE + 60_000).toISOString() };
const t = (ms: number) => new Date(MINUTE + ms);

/** Orders as the aggregator leaves them in order_analytics (its fold is tested in the aggregator). */
const ORDERS = [
  { order_id: "a", symbol: "BTCUSDT", side: "BUY", strategy_id: "alpha", placed_at: t(0), quantity: 2, filled_quantity: 2, fill_count: 2, first_fill_at: t(100), last_fill_at: t(400), final_fill_at: t(400) },
  { order_id: "b", symbol: "BTCUSDT", side: "SELL", strategy_id: "alpha", placed_at: t(1000), quantity: 4, filled_quantity: 1, fill_count: 1, first_fill_at: t(1300), last_fill_at: t(1300), canceled_at: t(2000) },
  { order_id: "c", symbol: "ETHUSDT", side: "BUY", strategy_id: "beta", placed_at: t(2000), quantity: 1, rejected_at: t(2001) },
  { order_id: "d", symbol: "ETHUSDT", side: "BUY", strategy_id: null, placed_at: t(3000), quantity: 1, filled_quantity: 1, fill_count: 1, first_fill_at: t(2900), last_fill_at: t(2900), final_fill_at: t(2900) },
  { order_id: "e", symbol: "ETHUSDT", side: "SELL", strategy_id: "beta", placed_at: t(4000), quantity: 3 },
  { order_id: "z", symbol: "BTCUSDT", side: "BUY", strategy_id: "alpha", placed_at: t(-60_000), quantity: 1 }, // the minute before
];

describe("GET /api/v1/trading/orders", () => {
  let db: TestDatabase;
  let setup: ReturnType<typeof createTestApp>;
  // closeTo passes below 10^-digits / 2: 1 % of x.
  const withinOnePercent = (x: number) => expect.closeTo(x, -Math.log10(0.02 * Math.abs(x)));

  beforeAll(async () => {
    db = await createTestDatabase("order_figures_routes");
    for (const order of ORDERS) {
      const row = {
        filled_quantity: 0, fill_count: 0, first_fill_at: null, last_fill_at: null, final_fill_at: null, canceled_at: null, rejected_at: null,
        ...order,
        first_event_at: order.placed_at, last_event_at: order.placed_at, source_rank: 0, source_time: order.placed_at, source_event_id: randomUUID(),
      };
      await db.sql`insert into order_analytics ${db.sql(row)}`;
    }
    setup = createTestApp(db.sql);
  });

  afterAll(async () => {
    await setup?.live.close();
    await db?.drop();
  });

  it("serves the cohort's figures as trading_order_figures computes them, as documented", async () => {
    const res = await request(setup.app).get("/api/v1/trading/orders").query(range);
    expect(res.status).toBe(200);
    expect(documented(res.body) ? [] : documented.errors).toEqual([]);
    expect(res.body).toEqual({
      ...range,
      orders: { placed: 5, filled: 2, partially_filled: 0, canceled: 1, rejected: 1, open: 1 },
      fill_rate: 40,
      quantity_fill_ratio: (100 * 4) / 11,
      cancel_to_fill_ratio: 0.5,
      // a 100 ms, b 300 ms, d -100 ms (its fill timed before its placement: kept, not clamped); the value
      // at rank floor(q × (n − 1)) of [-100, 100, 300] is 100 for each q, within the bins' 1 %.
      time_to_first_fill_ms: { count: 3, p50: withinOnePercent(100), p95: withinOnePercent(100), p99: withinOnePercent(100) },
      // [-100, 400]: rank 0 for each q.
      time_to_fill_ms: { count: 2, p50: withinOnePercent(-100), p95: withinOnePercent(-100), p99: withinOnePercent(-100) },
    });
    const [sql] = await db.sql<Array<{ placed: string; time_to_fill_p95_ms: number }>>`
      select placed, time_to_fill_p95_ms from trading_order_figures(${new Date(range.start_time)}, ${new Date(range.end_time)})`;
    expect(Number(sql!.placed)).toBe(res.body.orders.placed);
    expect(sql!.time_to_fill_p95_ms).toBe(res.body.time_to_fill_ms.p95);
  });

  it("narrows to one strategy and breaks down by side or strategy, orders without one under null", async () => {
    const alpha = await request(setup.app).get("/api/v1/trading/orders").query({ ...range, strategy: "alpha", by: "side" });
    expect(documented(alpha.body) ? [] : documented.errors).toEqual([]);
    expect(alpha.body).toMatchObject({ strategy: "alpha", by: "side", orders: { placed: 2, filled: 1, canceled: 1 }, cancel_to_fill_ratio: 1 });
    expect(alpha.body.breakdown.map((group: { side: string; orders: { placed: number } }) => [group.side, group.orders.placed])).toEqual([["BUY", 1], ["SELL", 1]]);

    const byStrategy = await request(setup.app).get("/api/v1/trading/orders").query({ ...range, by: "strategy" });
    expect(documented(byStrategy.body) ? [] : documented.errors).toEqual([]);
    expect(byStrategy.body.breakdown.map((group: { strategy: string | null; fill_rate: number | null }) => [group.strategy, group.fill_rate])).toEqual([
      ["alpha", 50],
      ["beta", 0],
      [null, 100],
    ]);
    expect(byStrategy.body.breakdown[1]).toMatchObject({ cancel_to_fill_ratio: null, time_to_fill_ms: { count: 0, p50: null, p95: null, p99: null } });
  });

  it("answers an empty range with zeros and null ratios", async () => {
    const res = await request(setup.app).get("/api/v1/trading/orders").query({ start_time: "2020-01-01T00:00:00Z", end_time: "2020-01-02T00:00:00Z" });
    expect(res.status).toBe(200);
    expect(documented(res.body) ? [] : documented.errors).toEqual([]);
    expect(res.body).toMatchObject({ orders: { placed: 0 }, fill_rate: null, quantity_fill_ratio: null, cancel_to_fill_ratio: null, time_to_first_fill_ms: { count: 0, p50: null } });
  });

  it.each([
    [{ by: "venue" }, "by"],
    [{ by: "" }, "by"],
    [{ symbol: "BTC USDT" }, "symbol"],
    [{ symbol: "BTCUSDT", side: "BUY" }, "side"],
    [{ strategy: "x".repeat(200) }, "strategy"],
    [{ start_time: "yesterday" }, "start_time"],
    [{ ...range, start_time: range.end_time }, "start_time"],
    [{ venue: "x" }, "venue"],
  ])("rejects %j with a 400 naming %s", async (query, field) => {
    const res = await request(setup.app).get("/api/v1/trading/orders").query(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_parameter", field });
  });
});
