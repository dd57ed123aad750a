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
const documentedFigures = ajv.compile({ $ref: "openapi#/paths/~1api~1v1~1trading~1execution/get/responses/200/content/application~1json/schema" });
const documentedOrder = ajv.compile({ $ref: "openapi#/paths/~1api~1v1~1trading~1orders~1{order_id}/get/responses/200/content/application~1json/schema".replace(/[{}]/g, encodeURIComponent) });

const START = Date.UTC(2026, 10, 23, 14, 0, 0);
const at = (second: number) => new Date(START + second * 1000);

describe("execution quality routes", () => {
  let db: TestDatabase;
  let setup: ReturnType<typeof createTestApp>;
  const range = { start_time: at(0).toISOString(), end_time: at(3600).toISOString() };

  beforeAll(async () => {
    db = await createTestDatabase("execution_routes");
    // What the aggregator would have folded: two orders with their marks, their fills and the quotes in force.
    const order = (id: string, strategy: string, side: string, second: number, quantity: number, filled: number, notional: number, arrival: number, source: string) => ({
      order_id: id, symbol: "BTCUSDT", side, strategy_id: strategy, order_type: "LIMIT", placed_at: at(second), limit_price: arrival + 1, quantity,
      filled_quantity: filled, fill_notional: notional, fill_count: 1, first_fill_at: at(second + 1), last_fill_at: at(second + 1),
      final_fill_at: at(second + 1), first_event_at: at(second), last_event_at: at(second + 1), source_rank: 0, source_time: at(second),
      source_event_id: randomUUID(), arrival_price: arrival, arrival_source: source,
    });
    await db.sql`insert into order_analytics ${db.sql([order("A", "s1", "BUY", 10, 2, 2, 202, 100, "mid"), order("B", "s2", "sell", 20, 1, 1, 99, 100, "limit")])}`;
    await db.sql`insert into order_fills ${db.sql([
      { event_id: randomUUID(), order_id: "A", symbol: "BTCUSDT", side: "BUY", filled_at: at(11), price: 101, quantity: 2, fee: 0.2, mid_at_fill: 100.5, spread_at_fill_bps: 10, placed_at: at(10) },
      { event_id: randomUUID(), order_id: "B", symbol: "BTCUSDT", side: "sell", filled_at: at(21), price: 99, quantity: 1, fee: null, mid_at_fill: null, spread_at_fill_bps: null, placed_at: at(20) },
    ])}`;
    setup = createTestApp(db.sql);
  });

  afterAll(async () => {
    await setup?.live.close();
    await db?.drop();
  });

  it("serves trading_execution_figures overall and per strategy, as documented", async () => {
    const res = await request(setup.app).get("/api/v1/trading/execution").query({ ...range, by: "strategy" });
    expect(res.status).toBe(200);
    expect(documentedFigures(res.body) ? [] : documentedFigures.errors).toEqual([]);
    const [overall] = await db.sql`select * from trading_execution_figures(${at(0)}, ${at(3600)})`;
    expect(res.body).toMatchObject({
      start_time: range.start_time,
      by: "strategy",
      orders_measured: 2,
      arrival_source: { mid: 1, limit: 1 },
      slippage_bps: { count: 2, p50: overall!.slippage_p50, volume_weighted: overall!.slippage_volume_weighted },
      effective_spread_bps: { count: 1, p50: overall!.spread_p50 },
      implementation_shortfall: { cost: overall!.shortfall_cost, bps: overall!.shortfall_bps, arrival_notional: 300 },
    });
    // A: +1 × (101 − 100) / 100 → 100 bps; B sells at 99 against 100 → +100 bps (a cost either way).
    expect(Math.abs(res.body.slippage_bps.p50 - 100)).toBeLessThanOrEqual(1); // within the bins' 1 %
    expect(res.body.breakdown.map((row: { strategy: string; orders_measured: number }) => [row.strategy, row.orders_measured])).toEqual([["s1", 1], ["s2", 1]]);
  });

  it("narrows the cohort to one symbol or strategy", async () => {
    const res = await request(setup.app).get("/api/v1/trading/execution").query({ ...range, strategy: "s2" });
    expect(res.body).toMatchObject({ strategy: "s2", orders_measured: 1, arrival_source: { mid: 0, limit: 1 } });
    expect(res.body.breakdown).toBeUndefined();
    const none = await request(setup.app).get("/api/v1/trading/execution").query({ ...range, symbol: "ETHUSDT" });
    expect(none.body).toMatchObject({ orders_measured: 0, slippage_bps: { count: 0, p50: null } });
  });

  it.each([
    [{ by: "side" }, "by"],
    [{ symbol: "BTCUSDT", strategy: "s1" }, "strategy"],
    [{ start_time: "yesterday" }, "start_time"],
    [{ start_time: range.end_time, end_time: range.start_time }, "start_time"],
    [{ symbol: "BTC USDT" }, "symbol"],
    [{ limit: "5" }, "limit"],
  ])("refuses %j with a 400 naming %s", async (query, field) => {
    const res = await request(setup.app).get("/api/v1/trading/execution").query(query);
    expect({ status: res.status, field: res.body.field }).toEqual({ status: 400, field });
  });

  it("serves one order with its arrival, slippage and fills", async () => {
    const res = await request(setup.app).get("/api/v1/trading/orders/A");
    expect(res.status).toBe(200);
    expect(documentedOrder(res.body) ? [] : documentedOrder.errors).toEqual([]);
    expect(res.body).toMatchObject({ order_id: "A", status: "filled", arrival_price: 100, arrival_source: "mid", avg_fill_price: 101 });
    expect(res.body.slippage_bps).toBeCloseTo(100, 9);
    expect(res.body.fills).toHaveLength(1);
    expect(res.body.fills[0]).toMatchObject({ price: 101, mid_at_fill: 100.5 });
    expect(res.body.fills[0].effective_spread_bps).toBeCloseTo(2 * (0.5 / 100.5) * 1e4, 9);
  });

  it("answers 404 for an order never folded and 400 for a query string", async () => {
    expect((await request(setup.app).get("/api/v1/trading/orders/Z")).status).toBe(404);
    const res = await request(setup.app).get("/api/v1/trading/orders/A?x=1");
    expect({ status: res.status, field: res.body.field }).toEqual({ status: 400, field: "x" });
  });
});
