import request from "supertest";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { createTestApp } from "../test-app";

describe("query-api operational routes", () => {
  let db: TestDatabase;
  let setup: ReturnType<typeof createTestApp>;

  beforeAll(async () => {
    db = await createTestDatabase("query_api_ops");
    setup = createTestApp(db.sql);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("reports health with the database check", async () => {
    const res = await request(setup.app).get("/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "healthy", service: "query-api", checks: { database: { status: "up" } } });
  });

  it("echoes a caller's request id and makes one up otherwise", async () => {
    const given = await request(setup.app).get("/health").set("X-Request-ID", "trace-abc.123");
    expect(given.headers["x-request-id"]).toBe("trace-abc.123");
    const made = await request(setup.app).get("/health");
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await request(setup.app).get("/api/v1/nope");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });

  it("serves Prometheus metrics counting requests by route", async () => {
    await request(setup.app).get("/health");
    const res = await request(setup.app).get("/metrics");
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/analytics_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
  });

  it("stops being ready once shutdown starts while staying alive", async () => {
    expect((await request(setup.app).get("/ready")).status).toBe(200);
    setup.health.markShuttingDown();
    expect((await request(setup.app).get("/ready")).status).toBe(503);
    expect((await request(setup.app).get("/health")).status).toBe(200);
  });
});
