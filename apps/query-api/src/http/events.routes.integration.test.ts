import { randomUUID } from "node:crypto";
import request from "supertest";
import { type AnalyticsEvent, EventPartitionsRepository, EventsRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { createQuerySql } from "../query-sql";
import { createTestApp, testConfig } from "../test-app";

describe("GET /api/v1/events", () => {
  let db: TestDatabase;
  let app: ReturnType<typeof createTestApp>["app"];
  const base = new Date("2025-10-03T12:00:00Z");
  const events: AnalyticsEvent[] = Array.from({ length: 25 }, (_, i) => ({
    eventId: randomUUID(),
    eventType: i % 5 === 0 ? "order.filled" : "order.placed",
    userId: `user-${i % 3}`,
    sessionId: `session-${i % 2}`,
    properties: { symbol: "ETHUSDT", price: 2500 + i },
    timestamp: new Date(base.getTime() + i * 60_000),
    receivedAt: new Date(),
    source: i % 2 === 0 ? { topic: "order.events", partition: 1, offset: String(i) } : null,
  }));

  beforeAll(async () => {
    db = await createTestDatabase("query_api_events");
    await new EventPartitionsRepository(db.sql).ensureForTimes(events.map((event) => event.timestamp));
    await new EventsRepository(db.sql).copyMany(events);
    app = createTestApp(db.sql, { maxResults: 50 }).app;
  });

  afterAll(async () => {
    await db?.drop();
  });

  const range = { start_time: "2025-10-03T00:00:00Z", end_time: "2025-10-04T00:00:00Z" };

  it("returns events in the range newest first, in the documented shape", async () => {
    const res = await request(app).get("/api/v1/events").query({ ...range, limit: "3" });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    expect(res.body.events.map((event: { event_id: string }) => event.event_id)).toEqual(
      [events[24], events[23], events[22]].map((event) => event!.eventId),
    );
    expect(res.body.events[0]).toEqual({
      id: events[24]!.eventId,
      event_id: events[24]!.eventId,
      event_type: "order.placed",
      user_id: "user-0",
      session_id: "session-0",
      service: null,
      properties: { symbol: "ETHUSDT", price: 2524 },
      timestamp: "2025-10-03T12:24:00.000Z",
      created_at: res.body.events[0].received_at,
      received_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      source: { topic: "order.events", partition: 1, offset: "24" },
    });
  });

  it("filters by event type and user", async () => {
    const res = await request(app).get("/api/v1/events").query({ ...range, event_type: "order.filled", user_id: "user-0" });
    const expected = events.filter((event) => event.eventType === "order.filled" && event.userId === "user-0");
    expect(res.body.events.map((event: { event_id: string }) => event.event_id).sort()).toEqual(expected.map((event) => event.eventId).sort());
  });

  it("filters by top-level properties, numbers by their JSON text", async () => {
    const res = await request(app).get("/api/v1/events").query({ ...range, "properties.symbol": "ETHUSDT", "properties.price": "2510" });
    expect(res.status).toBe(200);
    expect(res.body.events.map((event: { event_id: string }) => event.event_id)).toEqual([events[10]!.eventId]);
    const none = await request(app).get("/api/v1/events").query({ ...range, "properties.symbol": "BTCUSDT" });
    expect(none.body.events).toEqual([]);
  });

  it("pages through every event exactly once with next_cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(app)
        .get("/api/v1/events")
        .query({ ...range, limit: "7", ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      seen.push(...res.body.events.map((event: { event_id: string }) => event.event_id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(events.length);
    expect(new Set(seen).size).toBe(events.length);
  });

  it.each([
    [{ limit: "0" }, "limit"],
    [{ limit: "51" }, "limit"],
    [{ limit: "ten" }, "limit"],
    [{ start_time: "yesterday" }, "start_time"],
    [{ end_time: "2025-13-45T00:00:00Z" }, "end_time"],
    [{ start_time: "2025-10-05T00:00:00Z", end_time: "2025-10-04T00:00:00Z" }, "start_time"],
    [{ event_type: "Order Placed" }, "event_type"],
    [{ cursor: "bm90LWEtY3Vyc29y" }, "cursor"],
    // A real cursor's shape with a year PostgreSQL cannot compare with.
    [{ cursor: Buffer.from("+099999-01-01T00:00:00.000Z|0190a6a8-0000-7000-8000-000000000001").toString("base64url") }, "cursor"],
    [{ colour: "blue" }, "colour"],
    // Past analytics.query.max_range (31 days by default): every day is a partition to scan.
    [{ start_time: "2000-01-01T00:00:00Z", end_time: "2025-10-04T00:00:00Z" }, "start_time"],
    [{ start_time: "2025-09-02T23:59:59Z", end_time: "2025-10-04T00:00:00Z" }, "start_time"],
    [{ "properties.bad-key": "x" }, "properties.bad-key"],
    [{ "properties.symbol": "" }, "properties.symbol"],
  ])("rejects %j with a 400 naming %s", async (params, field) => {
    const res = await request(app).get("/api/v1/events").query(params);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_parameter", field });
    expect(res.body.error).toContain(field);
    expect(res.body.request_id).toEqual(expect.any(String));
  });

  it("answers a range of exactly max_range, and names the key when a range is longer", async () => {
    expect((await request(app).get("/api/v1/events").query({ start_time: "2025-09-03T00:00:00Z", end_time: "2025-10-04T00:00:00Z" })).status).toBe(200);
    const long = await request(app).get("/api/v1/events").query({ start_time: "2025-09-02T00:00:00Z", end_time: "2025-10-04T00:00:00Z" });
    expect(long.body.error).toContain("analytics.query.max_range");
  });

  it("answers a 503 query_timeout, not a 500, when a read runs past analytics.query.timeout", async () => {
    const config = testConfig({ database: { url: db.url }, analytics: { query: { timeout: "200ms" } } });
    const sql = createQuerySql(config, { max: 1 });
    const locker = await db.sql.reserve();
    try {
      await locker`begin`;
      await locker`lock table events in access exclusive mode`;
      const started = Date.now();
      const res = await request(createTestApp(sql).app).get("/api/v1/events").query(range);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: "query_timeout", error: expect.stringContaining("analytics.query.timeout") });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await locker`rollback`;
      locker.release();
      await sql.end({ timeout: 5 });
    }
  });
});
