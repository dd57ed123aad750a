import { randomUUID } from "node:crypto";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import request from "supertest";
import {
  EventPartitionsRepository,
  MarketQuotesRepository,
  mergePositionDelta,
  type PositionDelta,
  positionDeltaOf,
  PositionsRepository,
  quoteOf,
} from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { buildOpenApiDocument } from "../openapi/openapi-document";
import { createTestApp } from "../test-app";

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(buildOpenApiDocument(), "openapi");
const documented = (route: string) => ajv.compile({ $ref: `openapi#/paths/${route.replace(/\//g, "~1")}/get/responses/200/content/application~1json/schema` });

const HOUR = 3_600_000;
const MINUTE = 60_000;
// Two hours ago, on the hour: inside the default ranges, away from "now".
const T = Math.floor((Date.now() - 2 * HOUR) / HOUR) * HOUR;
const iso = (offsetMs: number) => new Date(T + offsetMs).toISOString();

function event(eventType: string, atMs: number, properties: Record<string, unknown>) {
  return { eventId: randomUUID(), eventType, timeMs: T + atMs, properties };
}

const P1 = { position_id: "p1", symbol: "BTCUSDT", side: "LONG", strategy_id: "alpha", quantity: 2, entry_price: 100 };
const P2 = { position_id: "p2", symbol: "ETHUSDT", side: "SHORT", strategy_id: "beta", quantity: 1, entry_price: 50 };
const P3 = { position_id: "p3", symbol: "BTCUSDT", side: "LONG", strategy_id: "beta", quantity: 3, entry_price: 100 };
const EVENTS = [
  event("position.opened", 0, P1),
  event("position.closed", 10 * MINUTE, { ...P1, exit_price: 105, realized_pnl: 10 }),
  event("position.opened", 5 * MINUTE, P2),
  event("position.closed", 70 * MINUTE, { ...P2, exit_price: 45 }), // no realized_pnl: −(45 − 50) × 1 = 5
  event("position.opened", 20 * MINUTE, P3),
  event("market.data.update", 15 * MINUTE, { symbol: "BTCUSDT", price: 102, bid: 101.5, ask: 102.5 }),
];

describe("positions routes", () => {
  let db: TestDatabase;
  let setup: ReturnType<typeof createTestApp>;

  beforeAll(async () => {
    db = await createTestDatabase("positions_routes");
    await new EventPartitionsRepository(db.sql).ensureForTimes([new Date(T), new Date(T + 2 * HOUR)]);
    const deltas = new Map<string, PositionDelta>();
    for (const delta of EVENTS.map(positionDeltaOf)) {
      if (!delta) continue;
      const current = deltas.get(delta.positionId);
      if (current) mergePositionDelta(current, delta);
      else deltas.set(delta.positionId, delta);
    }
    await new PositionsRepository().merge(db.sql, [...deltas.values()]);
    await new MarketQuotesRepository().insert(db.sql, EVENTS.flatMap((e) => quoteOf(e) ?? []));
    setup = createTestApp(db.sql);
  });

  afterAll(async () => {
    await setup?.live.close();
    await db?.drop();
  });

  describe("GET /api/v1/trading/pnl", () => {
    it("sums realized PnL of the positions closed in the range, by strategy, per hour", async () => {
      const res = await request(setup.app).get("/api/v1/trading/pnl").query({ start_time: iso(0), end_time: iso(2 * HOUR), interval: "1h", by: "strategy" });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        start_time: iso(0),
        end_time: iso(2 * HOUR),
        interval: "1h",
        by: "strategy",
        realized_pnl: 15,
        closed_positions: 2,
        breakdown: [
          { strategy: "alpha", symbol: null, realized_pnl: 10, closed_positions: 1 },
          { strategy: "beta", symbol: null, realized_pnl: 5, closed_positions: 1 },
        ],
        series: [
          { bucket_start: iso(0), realized_pnl: 10, closed_positions: 1 },
          { bucket_start: iso(HOUR), realized_pnl: 5, closed_positions: 1 },
        ],
      });
      expect(documented("/api/v1/trading/pnl")(res.body)).toBe(true);
    });

    it("breaks down by strategy and symbol over the last day by default", async () => {
      const res = await request(setup.app).get("/api/v1/trading/pnl");
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ interval: "1h", by: "strategy_symbol", realized_pnl: 15, closed_positions: 2 });
      expect(res.body.breakdown).toEqual([
        { strategy: "alpha", symbol: "BTCUSDT", realized_pnl: 10, closed_positions: 1 },
        { strategy: "beta", symbol: "ETHUSDT", realized_pnl: 5, closed_positions: 1 },
      ]);
      expect(res.body.series.length).toBeGreaterThanOrEqual(24);
      expect(documented("/api/v1/trading/pnl")(res.body)).toBe(true);
    });
  });

  describe("GET /api/v1/trading/positions", () => {
    it("lists the positions open at a time with their marks, unrealized PnL and exposure", async () => {
      const res = await request(setup.app).get("/api/v1/trading/positions").query({ at: iso(30 * MINUTE) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        at: iso(30 * MINUTE),
        open_positions: 2,
        unrealized_pnl: 6,
        exposure: [
          { symbol: "BTCUSDT", net_quantity: 3, long_notional: 306, short_notional: 0, net_notional: 306, unrealized_pnl: 6, mark_price: 102, marked_at: iso(15 * MINUTE) },
          // No quote for ETHUSDT: valued at its entry price, no unrealized PnL.
          { symbol: "ETHUSDT", net_quantity: -1, long_notional: 0, short_notional: 50, net_notional: -50, unrealized_pnl: null, mark_price: null, marked_at: null },
        ],
        positions: [
          { position_id: "p3", symbol: "BTCUSDT", side: "LONG", strategy: "beta", quantity: 3, entry_price: 100, opened_at: iso(20 * MINUTE), mark_price: 102, unrealized_pnl: 6 },
          { position_id: "p2", symbol: "ETHUSDT", side: "SHORT", strategy: "beta", quantity: 1, entry_price: 50, opened_at: iso(5 * MINUTE), mark_price: null, unrealized_pnl: null },
        ],
      });
      expect(documented("/api/v1/trading/positions")(res.body)).toBe(true);
    });

    it("narrows to a strategy or a symbol and lists at most limit, counting them all", async () => {
      const beta = await request(setup.app).get("/api/v1/trading/positions").query({ at: iso(30 * MINUTE), strategy: "beta", limit: "1" });
      expect(beta.body).toMatchObject({ strategy: "beta", open_positions: 2 });
      expect(beta.body.positions.map((p: { position_id: string }) => p.position_id)).toEqual(["p3"]);
      const eth = await request(setup.app).get("/api/v1/trading/positions").query({ at: iso(30 * MINUTE), symbol: "ETHUSDT" });
      expect(eth.body).toMatchObject({ symbol: "ETHUSDT", open_positions: 1, unrealized_pnl: null });
      expect(eth.body.exposure.map((e: { symbol: string }) => e.symbol)).toEqual(["ETHUSDT"]);
      const alpha = await request(setup.app).get("/api/v1/trading/positions").query({ at: iso(5 * MINUTE), strategy: "alpha" });
      expect(alpha.body).toMatchObject({ open_positions: 1, unrealized_pnl: null, positions: [{ position_id: "p1", mark_price: null }] });
    });

    it("answers now by default: the position still open, marked to the latest quote", async () => {
      const res = await request(setup.app).get("/api/v1/trading/positions");
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ open_positions: 1, unrealized_pnl: 6, positions: [{ position_id: "p3", mark_price: 102 }] });
    });
  });

  it.each([
    ["/api/v1/trading/pnl", { by: "side" }, "by"],
    ["/api/v1/trading/pnl", { interval: "2m" }, "interval"],
    ["/api/v1/trading/pnl", { interval: "1m", start_time: "2020-01-01T00:00:00Z" }, "interval"],
    ["/api/v1/trading/pnl", { start_time: iso(HOUR), end_time: iso(0) }, "start_time"],
    ["/api/v1/trading/positions", { at: "yesterday" }, "at"],
    ["/api/v1/trading/positions", { limit: "0" }, "limit"],
    ["/api/v1/trading/positions", { strategy: "a b" }, "strategy"],
    ["/api/v1/trading/positions", { start_time: iso(0) }, "start_time"],
  ])("rejects %s %j with a 400 naming %s", async (route, query, field) => {
    const res = await request(setup.app).get(route).query(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_parameter", field });
  });
});
