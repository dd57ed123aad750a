import { randomUUID } from "node:crypto";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import request from "supertest";
import { EventPartitionsRepository, MarketQuotesRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { buildOpenApiDocument } from "../openapi/openapi-document";
import { createTestApp } from "../test-app";

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(buildOpenApiDocument(), "openapi");
const documented = ajv.compile({ $ref: "openapi#/paths/~1api~1v1~1trading~1market-data~1health/get/responses/200/content/application~1json/schema" });

const START = Date.UTC(2026, 10, 23, 10, 0, 0);
const PATH = "/api/v1/trading/market-data/health";

describe("GET /api/v1/trading/market-data/health", () => {
  let db: TestDatabase;
  let setup: ReturnType<typeof createTestApp>;

  beforeAll(async () => {
    db = await createTestDatabase("mdhealth_routes");
    // A quote every second for 10 minutes, none for 30 s from 10:05:00 (a gap of 31 s).
    const quotes = Array.from({ length: 600 }, (_, i) => START + i * 1000)
      .filter((t) => t <= START + 300_000 || t > START + 330_000)
      .map((t) => ({ eventId: randomUUID(), symbol: "BTCUSDT", quotedAtMs: t, price: 100, bid: 99.99, ask: 100.01 }));
    // The day's partitions, as the ingester makes them before any event of the day is stored.
    await new EventPartitionsRepository(db.sql).ensureForTimes([new Date(START)]);
    await new MarketQuotesRepository().insert(db.sql, quotes);
    setup = createTestApp(db.sql);
  });

  afterAll(async () => {
    await setup?.live.close();
    await db?.drop();
  });

  it("answers each symbol's health and the gaps, as documented", async () => {
    const res = await request(setup.app).get(PATH).query({ start_time: new Date(START).toISOString(), end_time: new Date(START + 600_000).toISOString() });
    expect(res.status).toBe(200);
    expect(documented(res.body) ? [] : documented.errors).toEqual([]);
    expect(res.body.gap_factor).toBe(5);
    expect(res.body.symbols).toEqual([
      expect.objectContaining({ symbol: "BTCUSDT", updates: 570, gaps: 1, longest_gap_ms: 31_000, usual_interval_ms: expect.closeTo(1000, -2) }),
    ]);
    expect(res.body.gaps).toEqual([{ symbol: "BTCUSDT", from: new Date(START + 300_000).toISOString(), to: new Date(START + 331_000).toISOString(), duration_ms: 31_000 }]);
    const wider = await request(setup.app).get(PATH).query({ start_time: new Date(START).toISOString(), end_time: new Date(START + 600_000).toISOString(), gap_factor: "40", symbol: "BTCUSDT" });
    expect(wider.body).toMatchObject({ symbol: "BTCUSDT", gap_factor: 40, gaps: [] });
    expect(wider.body.symbols[0].gaps).toBe(0);
  });

  it("names the bad parameter in a 400", async () => {
    for (const [query, field] of [[{ gap_factor: "1" }, "gap_factor"], [{ gap_factor: "x" }, "gap_factor"], [{ limit: "0" }, "limit"], [{ symbol: "a b" }, "symbol"], [{ bucket: "1" }, "bucket"]] as const) {
      const res = await request(setup.app).get(PATH).query(query);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });
});
