import request from "supertest";
import { ApiKeysRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { servedRoutes } from "./openapi/served-routes";
import { createTestApp } from "./test-app";

// Security as the whole app applies it: every route the app serves, not a sample of them.

const PUBLIC = new Set(["GET /health", "GET /ready", "GET /healthz", "GET /metrics", "GET /api/v1/openapi.json"]);
const WRITE = new Set(["POST /api/v1/events", "POST /api/v1/events/batch"]);

/** A concrete URL for a documented route pattern. */
const urlOf = (path: string) => path.replace("{strategy}", "alpha").replace("{name}", "custom.secured");

describe("API keys and rate limits on every route of the app", () => {
  let db: TestDatabase;
  let secured: ReturnType<typeof createTestApp>["app"];
  const secrets: Record<"read" | "write" | "admin", string> = { read: "", write: "", admin: "" };

  beforeAll(async () => {
    db = await createTestDatabase("app_security");
    const keys = new ApiKeysRepository(db.sql);
    for (const scope of ["read", "write", "admin"] as const) secrets[scope] = (await keys.create({ name: `${scope} key`, scopes: [scope] })).secret;
    secured = createTestApp(db.sql, { config: { security: { api_key_enabled: true, rate_limit: { enabled: false } } } }).app;
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("refuses every non-public route without a key or with a wrong one, and opens the public ones", async () => {
    const routes = servedRoutes(secured);
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const [method, path] = route.split(" ") as [string, string];
      const call = () => request(secured)[method.toLowerCase() as "get"](urlOf(path));
      const anonymous = await call();
      const wrong = await call().set("X-API-Key", "ta_00000000_notarealsecretnotarealsecretnotarealsec");
      if (PUBLIC.has(route)) {
        expect({ route, status: anonymous.status }).toEqual({ route, status: anonymous.status === 503 ? 503 : 200 });
      } else {
        expect({ route, anonymous: anonymous.status, wrong: wrong.status }).toEqual({ route, anonymous: 401, wrong: 401 });
        // A HEAD answer has no body to look into.
        if (method !== "HEAD") expect(anonymous.body).toMatchObject({ code: "unauthorized", request_id: expect.any(String) });
      }
    }
  });

  it("enforces scopes: read for GET, write for posting events, admin for changing definitions and the internal views", async () => {
    for (const route of servedRoutes(secured).filter((entry) => !PUBLIC.has(entry))) {
      const [method, path] = route.split(" ") as [string, string];
      const needed = path.startsWith("/api/v1/internal/") ? "admin" : method === "GET" || method === "HEAD" ? "read" : WRITE.has(route) ? "write" : "admin";
      for (const scope of ["read", "write", "admin"] as const) {
        const allowed = scope === "admin" || scope === needed || (scope === "write" && needed === "read");
        // An admitted event stream never ends; its refusals are checked, its admission in the stream tests.
        if (allowed && route === "GET /api/v1/events/stream") continue;
        const res = await request(secured)[method.toLowerCase() as "get"](urlOf(path)).set("X-API-Key", secrets[scope]).send();
        if (allowed) expect({ route, scope, refused: [401, 403].includes(res.status) }).toEqual({ route, scope, refused: false });
        else if (method === "HEAD") expect({ route, scope, status: res.status }).toEqual({ route, scope, status: 403 });
        else expect({ route, scope, status: res.status, code: res.body.code }).toEqual({ route, scope, status: 403, code: "forbidden" });
      }
    }
  });

  it("accepts the key as a bearer token too", async () => {
    const res = await request(secured).get("/api/v1/custom-events").set("Authorization", `Bearer ${secrets.read}`);
    expect(res.status).toBe(200);
  });

  it("answers 429 with Retry-After and X-RateLimit-* past the burst", async () => {
    const limited = createTestApp(db.sql, { config: { security: { api_key_enabled: false, rate_limit: { enabled: true, requests_per_minute: 60, burst: 3 } } } }).app;
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await request(limited).get("/api/v1/custom-events");
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last!.headers["retry-after"]).toEqual(expect.stringMatching(/^\d+$/));
    expect(last!.headers["x-ratelimit-limit"]).toBe("3");
    expect(last!.headers["x-ratelimit-remaining"]).toBe("0");
    expect(last!.body).toMatchObject({ code: "rate_limited" });
    // Health checks are never limited: an orchestrator's probes must get through.
    expect((await request(limited).get("/health")).status).toBe(200);
  });
});
