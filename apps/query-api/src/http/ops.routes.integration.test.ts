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
    expect(res.body).toMatchObject({ status: "healthy", service: "analytics", database: "connected", timestamp: expect.any(String), checks: { database: { status: "up" } } });
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
    expect(res.body.code).toBe("not_found");
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

  it("reads no body sent to a public path, however large or broken", async () => {
    const broken = `{"x":"${"a".repeat(4 * 1024 * 1024)}`;
    for (const path of ["/health", "/ready", "/metrics", "/dashboard/index.html"]) {
      const res = await request(setup.app).post(path).set("Content-Type", "application/json").send(broken);
      // Parsed, the broken JSON would be a 400 invalid_body; unread, there is simply no such route.
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code: "not_found" });
    }
  });

  it("rate-limits health probes per address with their own bucket", async () => {
    const limited = createTestApp(db.sql, { config: { security: { api_key_enabled: false, rate_limit: { burst: 2, public_requests_per_minute: 60 } } } });
    await request(limited.app).get("/health").expect(200);
    await request(limited.app).get("/ready").expect(200);
    const refused = await request(limited.app).get("/healthz").expect(429);
    expect(refused.body.code).toBe("rate_limited");
  });
});
