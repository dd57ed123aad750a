import { ApiKeysRepository, createRedis, createLogger, createSql, type RedisClient } from "@trading-analytics/core";
import { createTestDatabase, freePort, TEST_REDIS_URL, type TestDatabase, uniqueSuffix } from "@trading-analytics/core/testing";
import request from "supertest";
import { capturingLogger, securityConfig, securityTestApp } from "./security-test-app";

describe("API key authentication", () => {
  let db: TestDatabase;
  let keys: ApiKeysRepository;
  let redis: RedisClient;
  const secrets: Record<"read" | "write" | "admin" | "revoked", string> = { read: "", write: "", admin: "", revoked: "" };
  let revokedId = "";

  const appWith = (raw: Record<string, unknown> = {}, extra: Partial<Parameters<typeof securityTestApp>[0]> = {}) =>
    securityTestApp({
      config: securityConfig({ rate_limit: { requests_per_minute: 100_000, burst: 10_000 }, ...raw }),
      keys,
      redis,
      redisKeyPrefix: `test:${uniqueSuffix()}:`,
      ...extra,
    });

  beforeAll(async () => {
    db = await createTestDatabase("query_api_auth");
    keys = new ApiKeysRepository(db.sql);
    redis = createRedis({ url: TEST_REDIS_URL, port: 6379, password: "", db: 0, key_prefix: "", connect_timeout: 2000 }, createLogger({ level: "error", format: "json" }, "test"));
    await redis.connect();
    for (const scope of ["read", "write", "admin"] as const) secrets[scope] = (await keys.create({ name: scope, scopes: [scope] })).secret;
    const revoked = await keys.create({ name: "revoked", scopes: ["admin"] });
    secrets.revoked = revoked.secret;
    revokedId = revoked.key.keyId;
    await keys.revoke(revokedId);
  });
  afterAll(async () => {
    await redis?.quit();
    await db?.drop();
  });

  it("refuses a request without a key with 401 unauthorized in the API's error shape", async () => {
    const { app } = appWith();
    const response = await request(app).get("/api/v1/events").expect(401);
    expect(response.body).toEqual({ error: expect.stringContaining("X-API-Key"), code: "unauthorized", request_id: "req-test" });
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="query-api"');
    // A scheme other than Bearer is no key either.
    await request(app).get("/api/v1/events").set("Authorization", `Basic ${secrets.read}`).expect(401);
  });

  it("refuses an unknown, malformed or revoked key with 401", async () => {
    const { app } = appWith();
    const wrong = `${secrets.read.slice(0, -2)}xx`;
    for (const key of [wrong, "nonsense", secrets.revoked]) {
      const response = await request(app).get("/api/v1/events").set("X-API-Key", key).expect(401);
      expect(response.body).toMatchObject({ code: "unauthorized", error: "the API key is not valid (unknown or revoked)" });
    }
  });

  it("refuses too small a scope with 403 forbidden naming the scope needed", async () => {
    const { app } = appWith();
    const post = await request(app).post("/api/v1/events").set("X-API-Key", secrets.read).send({}).expect(403);
    expect(post.body).toMatchObject({ code: "forbidden", error: expect.stringMatching(/needs an API key with the write scope; key ta_[0-9a-f]{8} has read/) });
    const custom = await request(app).post("/api/v1/custom-events").set("X-API-Key", secrets.write).send({}).expect(403);
    expect(custom.body.error).toMatch(/the admin scope/);
    await request(app).delete("/api/v1/custom-events/fill").set("X-API-Key", secrets.write).expect(403);
    // Express routes /API/V1/EVENTS/ to the same handler, so it is checked the same way.
    await request(app).post("/API/V1/EVENTS/").set("X-API-Key", secrets.read).send({}).expect(403);
    // Dead letters carry whole payloads: operator views need admin even to read.
    const internal = await request(app).get("/api/v1/internal/dead-letters").set("X-API-Key", secrets.read).expect(403);
    expect(internal.body.error).toMatch(/the admin scope/);
    await request(app).get("/API/V1/Internal/Dead-Letters/").set("X-API-Key", secrets.write).expect(403);
    await request(app).get("/api/v1/internal/dead-letters").set("X-API-Key", secrets.admin).expect(200);
  });

  it("lets a key with the right scope (or a wider one) through, by X-API-Key or Bearer", async () => {
    const { app } = appWith();
    const read = await request(app).get("/api/v1/events").set("X-API-Key", secrets.read).expect(200);
    expect(read.body.key).toBe(secrets.read.slice(0, 11));
    await request(app).get("/api/v1/events").set("Authorization", `Bearer ${secrets.read}`).expect(200);
    await request(app).post("/api/v1/events").set("X-API-Key", secrets.write).send({}).expect(200);
    await request(app).post("/api/v1/events/batch").set("X-API-Key", secrets.admin).send({}).expect(200);
    await request(app).get("/api/v1/events").set("X-API-Key", secrets.admin).expect(200);
    await request(app).post("/api/v1/custom-events").set("X-API-Key", secrets.admin).send({}).expect(200);
    await request(app).delete("/api/v1/custom-events/fill").set("Authorization", `bearer ${secrets.admin}`).expect(200);
  });

  it("needs no key for health, metrics and the OpenAPI document, and protects unknown paths", async () => {
    const { app } = appWith();
    for (const path of ["/health", "/metrics", "/api/v1/openapi.json", "/HEALTH/"]) await request(app).get(path).expect(200);
    await request(app).get("/api/v2/anything").expect(401);
  });

  it("lets everything through when api_key_enabled is false", async () => {
    const { app } = appWith({ api_key_enabled: false });
    await request(app).get("/api/v1/events").expect(200);
    await request(app).post("/api/v1/custom-events").send({}).expect(200);
  });

  it("keeps accepting a key revoked while cached until the cache entry expires", async () => {
    const { app } = appWith({ api_key_cache_ttl: "300ms" });
    const { key, secret } = await keys.create({ name: "soon revoked", scopes: ["read"] });
    await request(app).get("/api/v1/events").set("X-API-Key", secret).expect(200);
    await keys.revoke(key.keyId);
    await request(app).get("/api/v1/events").set("X-API-Key", secret).expect(200); // cached
    await new Promise((resolve) => setTimeout(resolve, 400));
    await request(app).get("/api/v1/events").set("X-API-Key", secret).expect(401);
  });

  it("records when a key was last used", async () => {
    const { key, secret } = await keys.create({ name: "used", scopes: ["read"] });
    const { app } = appWith();
    await request(app).get("/api/v1/events").set("X-API-Key", secret).expect(200);
    const lastUsed = async () => (await db.sql<{ last_used_at: Date | null }[]>`select last_used_at from api_keys where key_id = ${key.keyId}`)[0]!.last_used_at;
    // touch() runs after the answer; wait for it rather than racing it.
    for (let i = 0; i < 50 && (await lastUsed()) === null; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await lastUsed()).toBeInstanceOf(Date);
  });

  it("answers 503 (not 500) when keys cannot be checked, and never logs a secret", async () => {
    const { logger, lines } = capturingLogger();
    const port = await freePort();
    const unreachable = createSql({ ...securityDatabase(port) }, { applicationName: "test", max: 1 });
    try {
      const { app } = appWith({}, { keys: new ApiKeysRepository(unreachable), logger });
      const response = await request(app).get("/api/v1/events").set("X-API-Key", secrets.read).expect(503);
      expect(response.body).toMatchObject({ code: "unavailable" });
      const { app: working } = appWith({}, { logger });
      await request(working).get("/api/v1/events").set("X-API-Key", secrets.read).expect(200);
      await request(working).get("/api/v1/events").set("X-API-Key", secrets.revoked).expect(401);
      await request(working).post("/api/v1/custom-events").set("Authorization", `Bearer ${secrets.write}`).send({}).expect(403);
    } finally {
      await unreachable.end({ timeout: 1 });
    }
    expect(lines.some((line) => line.includes("API key lookup failed"))).toBe(true);
    const everything = lines.join("\n");
    for (const secret of Object.values(secrets)) expect(everything).not.toContain(secret.slice(12));
  });
});

function securityDatabase(port: number) {
  return {
    url: `postgres://postgres@127.0.0.1:${port}/nowhere`,
    port,
    database: "nowhere",
    user: "postgres",
    password: "",
    ssl_mode: "disable" as const,
    max_connections: 1,
    idle_timeout: 1000,
    connection_lifetime: 60_000,
    connect_timeout: 1000,
    statement_timeout: 1000,
  };
}
