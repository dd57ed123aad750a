import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type AppProcess,
  createTestDatabase,
  createTestTopics,
  freePort,
  startAppProcess,
  TEST_KAFKA_BROKERS,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueSuffix,
  waitFor,
} from "@trading-analytics/core/testing";

const QUERY_API = path.resolve(__dirname, "../dist/main.js");

/**
 * The real query-api process with custom schemas that once stopped it: an `$async` definition
 * stored before the API refused them made the first violating event reject a promise nobody
 * handled, and the process exited. Now such a definition is set aside, and patterns run in
 * linear time on the request thread.
 */
describe("query-api with custom event schemas", () => {
  let db: TestDatabase;
  let topics: Awaited<ReturnType<typeof createTestTopics>>;
  let api: AppProcess;
  let base: string;

  const post = (url: string, body: unknown) =>
    fetch(`${base}${url}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  beforeAll(async () => {
    db = await createTestDatabase("query_api_custom_schemas");
    topics = await createTestTopics(["http-events"], 1);
    await db.sql`
      insert into custom_event_definitions (name, version, schema, is_active)
      values ('custom.stored.async', 1, ${db.sql.json({ $async: true, type: "object", required: ["a"] })}, true)`;
    const configDir = mkdtempSync(path.join(tmpdir(), "query-api-schemas-"));
    // Its own Redis namespace, so definition changes reach only this process.
    writeFileSync(path.join(configDir, "config.yaml"), `redis:\n  key_prefix: "test:${uniqueSuffix()}:"\n`);
    const port = await freePort();
    api = await startAppProcess(QUERY_API, {
      QUERY_API_PORT: String(port),
      CONFIG_FILE: path.join(configDir, "config.yaml"),
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","),
      KAFKA_HTTP_TOPIC: topics.topics[0]!,
      API_KEY_ENABLED: "false",
    }, port);
    base = `http://127.0.0.1:${port}`;
  }, 90_000);

  afterAll(async () => {
    await api?.stop("SIGKILL");
    await topics?.remove();
    await db?.drop();
  });

  it("answers 400 for events of a stored async definition, conforming or not, and keeps running", async () => {
    for (const properties of [{}, { a: 1 }]) {
      const res = await post("/api/v1/events", { event_type: "custom.stored.async", properties });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; field: string };
      expect(body.field).toBe("properties");
      expect(body.error).toMatch(/custom\.stored\.async: active definition v1 cannot be used, .*\$async/);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.child.exitCode).toBeNull();
    expect((await fetch(`${base}/api/v1/custom-events`)).status).toBe(200);
    expect(api.output()).not.toMatch(/unhandled promise rejection/);
  });

  it("refuses to define an async schema, saying why", async () => {
    const res = await post("/api/v1/custom-events", { name: "custom.new.async", schema: { $async: true, type: "object" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(
      expect.objectContaining({ code: "invalid_parameter", field: "schema", error: expect.stringMatching(/^schema: \$async at \/ is not supported/) }),
    );
  });

  it("checks a pattern in linear time on the request thread", async () => {
    const schema = { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } };
    expect((await post("/api/v1/custom-events", { name: "custom.linear.pattern", schema })).status).toBe(201);
    const nearMatch = { event_type: "custom.linear.pattern", properties: { s: `${"a".repeat(40)}!` } };
    // Until the process has reloaded its definitions, the type is unknown (and accepted).
    await waitFor(async () => (await post("/api/v1/events", nearMatch)).status, (status) => status === 400, { timeoutMs: 20_000, what: "the new definition to be enforced" });
    const started = performance.now();
    const res = await post("/api/v1/events", { event_type: "custom.linear.pattern", properties: { s: `${"a".repeat(100_000)}!` } });
    expect(res.status).toBe(400);
    expect(performance.now() - started).toBeLessThan(2000);
    expect((await post("/api/v1/events", { event_type: "custom.linear.pattern", properties: { s: "aaaa" } })).status).toBe(202);
  });
});
