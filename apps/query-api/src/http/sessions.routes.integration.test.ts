import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import request from "supertest";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { buildOpenApiDocument } from "../openapi/openapi-document";
import { createTestApp } from "../test-app";

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(buildOpenApiDocument(), "openapi");
const documented = ajv.compile({ $ref: "openapi#/paths/~1api~1v1~1trading~1sessions/get/responses/200/content/application~1json/schema" });

const HOUR = 3_600_000;

// The route reads user_sessions through session_figures(); the fold that fills the table is
// checked against the raw events in the aggregator's tests. Here: a tiny hand-computed table.
describe("GET /api/v1/trading/sessions", () => {
  let db: TestDatabase;
  let setup: ReturnType<typeof createTestApp>;
  const base = Date.now() - 2 * HOUR;
  const t = (second: number) => new Date(base + second * 1000);

  beforeAll(async () => {
    db = await createTestDatabase("sessions_routes");
    const rows = [
      // user, session, started, ended, events, login, first order
      ["u1", "a", t(0), t(60), 4, t(10), t(40)],
      ["u1", "b", t(100), t(110), 2, null, t(105)],
      ["u2", "c", t(200), t(500), 10, t(200), t(220)],
      [null, "d", t(300), t(300), 1, null, null],
      ["u3", "e", new Date(base - 3 * 86_400_000), new Date(base - 3 * 86_400_000), 5, null, null], // days before: outside the default range
    ] as const;
    for (const [user, session, started, ended, events, login, order] of rows) {
      await db.sql`insert into user_sessions (user_id, session_id, started_at, ended_at, event_count, login_at, first_order_at)
                   values (${user}, ${session}, ${started}, ${ended}, ${events}, ${login}, ${order})`;
    }
    setup = createTestApp(db.sql);
  });

  afterAll(async () => {
    await setup?.live.close();
    await db?.drop();
  });

  it("answers the sessions started in the range, as documented and as hand-computed", async () => {
    const start_time = t(-60).toISOString();
    const end_time = t(3600).toISOString();
    const res = await request(setup.app).get("/api/v1/trading/sessions").query({ start_time, end_time });
    expect(res.status).toBe(200);
    expect(documented(res.body) ? [] : documented.errors).toEqual([]);
    // Durations 0, 10, 60, 300 s; events 1, 2, 4, 10; login to first order 30 and 20 s (b has no login).
    expect(res.body).toEqual({
      start_time,
      end_time,
      sessions: 4,
      users: 2,
      duration_s: { p50: 35, p95: expect.closeTo(300 - 0.15 * 240, 9) },
      events_per_session: { avg: 4.25, p50: 3, p95: expect.closeTo(4 + 0.85 * 6, 9) },
      login_to_first_order_s: { count: 2, p50: 25, p95: expect.closeTo(29.5, 9) },
    });
  });

  it("defaults to the last day", async () => {
    const res = await request(setup.app).get("/api/v1/trading/sessions");
    expect(res.status).toBe(200);
    expect(res.body.sessions).toBe(4);
    expect(Date.parse(res.body.end_time) - Date.parse(res.body.start_time)).toBe(86_400_000);
  });

  it("answers nulls for a range without sessions", async () => {
    const res = await request(setup.app).get("/api/v1/trading/sessions").query({ start_time: "2020-01-01T00:00:00Z", end_time: "2020-01-02T00:00:00Z" });
    expect(res.body).toMatchObject({
      sessions: 0,
      users: 0,
      duration_s: { p50: null, p95: null },
      events_per_session: { avg: null, p50: null, p95: null },
      login_to_first_order_s: { count: 0, p50: null, p95: null },
    });
  });

  it.each([
    [{ start_time: "yesterday" }, "start_time"],
    [{ start_time: "2026-01-02T00:00:00Z", end_time: "2026-01-01T00:00:00Z" }, "start_time"],
    [{ symbol: "BTCUSDT" }, "symbol"],
  ])("refuses %j with a 400 naming %s", async (query, field) => {
    const res = await request(setup.app).get("/api/v1/trading/sessions").query(query);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });
});
