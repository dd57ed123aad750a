import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { ApiKeysRepository } from "@trading-analytics/core";
import {
  type AppProcess,
  createTestDatabase,
  createTestTopics,
  freePort,
  startAppProcess,
  TEST_KAFKA_BROKERS,
  TEST_REDIS_URL,
  type TestDatabase,
} from "@trading-analytics/core/testing";

const QUERY_API = path.resolve(__dirname, "../../dist/main.js");

/** Every form in which a secret could leak into a line: itself, its random part (after "ta_xxxxxxxx_"), its stored hash as hex or base64. */
function leakForms(secret: string): string[] {
  const hash = createHash("sha256").update(secret, "utf8").digest();
  return [secret, secret.slice(12), hash.toString("hex"), hash.toString("base64"), hash.toString("base64url")];
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

/**
 * "No secret or API key in any log line", on the real query-api process logging everything
 * (LOG_LEVEL=debug, so every request line too): keys that work, fail, are revoked, lack the
 * scope or run out of rate, and the database and Redis passwords, also when they cannot be
 * reached. The key's public prefix may be logged (it names the key); nothing else of it.
 */
describe("secrets never reach the logs", () => {
  let db: TestDatabase;
  let topics: Awaited<ReturnType<typeof createTestTopics>>;
  const started: AppProcess[] = [];
  const databasePassword = `pw-${randomBytes(12).toString("hex")}`;
  const redisPassword = `rpw-${randomBytes(12).toString("hex")}`;

  beforeAll(async () => {
    db = await createTestDatabase("log_secrets");
    topics = await createTestTopics(["http-events"], 1);
  });

  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop("SIGKILL")));
    await topics?.remove();
    await db?.drop();
  });

  async function start(env: Record<string, string>): Promise<AppProcess> {
    const port = await freePort();
    const app = await startAppProcess(QUERY_API, { QUERY_API_PORT: String(port), LOG_LEVEL: "debug", ...env }, port);
    started.push(app);
    return app;
  }

  it("logs no API key, key hash or database password while serving, refusing and limiting requests", async () => {
    const keys = new ApiKeysRepository(db.sql);
    const read = await keys.create({ name: "reader", scopes: ["read"] });
    const write = await keys.create({ name: "writer", scopes: ["write"] });
    const admin = await keys.create({ name: "admin", scopes: ["admin"] });
    const slow = await keys.create({ name: "slow", scopes: ["read"], rateLimitPerMinute: 1 });
    const revoked = await keys.create({ name: "revoked", scopes: ["admin"] });
    await keys.revoke(revoked.key.keyId);
    const unknown = `ta_${randomBytes(4).toString("hex")}_${randomBytes(32).toString("base64url")}`;

    // The database trusts local connections, so a password in the URL is accepted and unused: it is only there to leak.
    const app = await start({
      DATABASE_URL: withPassword(db.url, databasePassword),
      REDIS_URL: TEST_REDIS_URL,
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","),
      KAFKA_HTTP_TOPIC: topics.topics[0]!,
      API_KEY_ENABLED: "true",
      RATE_LIMIT_ENABLED: "true",
    });
    const base = `http://127.0.0.1:${app.port}`;
    const call = async (method: string, route: string, headers: Record<string, string> = {}, body?: unknown) => {
      const response = await fetch(base + route, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      await response.arrayBuffer();
      return response.status;
    };
    const key = (secret: string) => ({ "X-API-Key": secret });
    const event = { event_type: "page.view", user_id: "u-1", properties: { path: "/" } };

    const statuses = [
      await call("GET", "/api/v1/events"),
      await call("GET", "/api/v1/events", key(read.secret)),
      await call("GET", "/api/v1/events", { Authorization: `Bearer ${read.secret}` }),
      await call("GET", "/api/v1/metrics?interval=1m", key(read.secret)),
      await call("GET", "/api/v1/events", key(unknown)),
      await call("GET", "/api/v1/events", { Authorization: `Bearer ${unknown}` }),
      await call("GET", "/api/v1/events", key(revoked.secret)),
      await call("GET", "/api/v1/events", key(`${read.secret}x`)),
      await call("POST", "/api/v1/custom-events", key(read.secret), { name: "x.y", schema: {} }),
      await call("POST", "/api/v1/events", key(write.secret), event),
      await call("POST", "/api/v1/events", key(write.secret), { event_type: "" }),
      await call("POST", "/api/v1/custom-events", key(admin.secret), { name: "bad name!", schema: { type: "nope" } }),
      // A key put in the URL by mistake: request lines are logged without the query string.
      await call("GET", `/api/v1/events?api_key=${encodeURIComponent(read.secret)}`, key(read.secret)),
      await call("GET", "/api/v1/events", key(slow.secret)),
      await call("GET", "/api/v1/events", key(slow.secret)),
    ];
    expect(statuses).toEqual([401, 200, 200, 400, 401, 401, 401, 401, 403, 202, 400, 400, 400, 200, 429]);
    expect(await app.stop("SIGTERM")).toBe(0);

    const output = app.output();
    // Not vacuous: every request above was logged, with the public prefix of the key that made it.
    expect(output.split("\n").filter((line) => line.includes('"message":"HTTP request"')).length).toBeGreaterThanOrEqual(statuses.length);
    expect(output).toContain(read.key.prefix);
    for (const secret of [read.secret, write.secret, admin.secret, slow.secret, revoked.secret, unknown]) {
      for (const form of leakForms(secret)) expect({ leaked: output.includes(form), form }).toEqual({ leaked: false, form });
    }
    expect(output).not.toContain(databasePassword);
  }, 60_000);

  it("logs no database or Redis password when neither can be reached", async () => {
    const [nowhere, noRedis] = [await freePort(), await freePort()];
    const port = await freePort();
    const env = {
      ...process.env,
      LOG_FORMAT: "json",
      LOG_LEVEL: "debug",
      QUERY_API_PORT: String(port),
      DATABASE_URL: `postgres://analytics:${databasePassword}@127.0.0.1:${nowhere}/analytics`,
      REDIS_URL: `redis://:${redisPassword}@127.0.0.1:${noRedis}`,
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","),
    };
    // It cannot start without its database: it logs why and gives up; all of that is read.
    const child = spawn(process.execPath, [QUERY_API], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const timer = setTimeout(() => child.kill("SIGTERM"), 15_000);
    await exited;
    clearTimeout(timer);

    expect(output).toMatch(/ECONNREFUSED|connect/i);
    expect(output).not.toContain(databasePassword);
    expect(output).not.toContain(redisPassword);
  }, 30_000);
});
