import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import request from "supertest";
import { type AnalyticsEvent, EventPartitionsRepository, EventsRepository } from "@trading-analytics/core";
import { createTestDatabase, createTestTopics, type TestDatabase, testKafka } from "@trading-analytics/core/testing";
import { routeContracts } from "../http/contract";
import { eventSchema } from "../http/contract/events.contract";
import { KafkaEventPublisher } from "../kafka/event-publisher";
import { createTestApp } from "../test-app";
import { buildOpenApiDocument } from "./openapi-document";
import { servedRoutes } from "./served-routes";

const spec = buildOpenApiDocument();
const METHODS = ["get", "head", "post", "put", "delete", "patch"];

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, "openapi");

/** The zod schema a route declares for its JSON answer with that status. */
function contractSchemaFor(method: string, path: string, status: number) {
  const route = routeContracts().find((each) => each.method === method && each.path === path);
  const schema = route?.responses[String(status)]?.content?.["application/json"];
  if (!schema) throw new Error(`${method.toUpperCase()} ${path} declares no JSON answer with status ${status}`);
  return schema;
}

/** The documented schema of a route's JSON answer with that status. */
function validatorFor(method: string, path: string, status: number) {
  const escaped = path.replace(/~/g, "~0").replace(/\//g, "~1").replace(/[{}]/g, encodeURIComponent);
  const response = spec.paths[path]?.[method as "get"]?.responses[String(status)];
  if (!response) throw new Error(`${method.toUpperCase()} ${path} does not document status ${status}`);
  return ajv.compile({ $ref: `openapi#/paths/${escaped}/${method}/responses/${status}/content/application~1json/schema` });
}

describe("the OpenAPI document", () => {
  let db: TestDatabase;
  let topics: Awaited<ReturnType<typeof createTestTopics>>;
  let publisher: KafkaEventPublisher;
  let setup: ReturnType<typeof createTestApp>;
  const now = Date.now();
  const range = { start_time: new Date(now - 3_600_000).toISOString(), end_time: new Date(now + 60_000).toISOString() };

  beforeAll(async () => {
    db = await createTestDatabase("openapi");
    const events: AnalyticsEvent[] = Array.from({ length: 4 }, (_, i) => ({
      eventId: randomUUID(),
      eventType: "order.placed",
      userId: "u1",
      sessionId: null,
      properties: { symbol: "BTCUSDT", price: 100 + i, quantity: 1, strategy_id: "alpha" },
      timestamp: new Date(now - 60_000 * (i + 1)),
      receivedAt: new Date(),
      source: null,
    }));
    await new EventPartitionsRepository(db.sql).ensureForTimes(events.map((event) => event.timestamp));
    await new EventsRepository(db.sql).copyMany(events);
    topics = await createTestTopics(["openapi-ingest"], 1);
    publisher = new KafkaEventPublisher(testKafka("openapi"), topics.topics[0]!, 10_000);
    setup = createTestApp(db.sql, { publisher });
  });

  afterAll(async () => {
    await setup?.live.close();
    await publisher?.close();
    await topics?.remove();
    await db?.drop();
  });

  // The web dashboard's files (/dashboard/...) are static middleware, not routes: servedRoutes
  // does not see them and the document, which describes the API, leaves them out.
  it("describes exactly the routes the app serves", () => {
    const documented = Object.entries(spec.paths)
      .flatMap(([path, item]) => Object.keys(item).filter((key) => METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(servedRoutes(setup.app)).toEqual(documented);
  });

  it("is served at /api/v1/openapi.json", async () => {
    const res = await request(setup.app).get("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(spec)));
  });

  // One real call per route; each answer must match what the document and the route's contract say of that status.
  const calls: Array<[method: string, path: string, url: string, body: unknown, status: number]> = [
    ["get", "/health", "/health", undefined, 200],
    ["get", "/ready", "/ready", undefined, 200],
    ["get", "/healthz", "/healthz", undefined, 200],
    ["get", "/api/v1/events", `/api/v1/events?start_time=${range.start_time}&limit=2`, undefined, 200],
    ["get", "/api/v1/events", "/api/v1/events?limit=zero", undefined, 400],
    ["post", "/api/v1/events", "/api/v1/events", { event_type: "order.placed", user_id: "u1", properties: { symbol: "BTCUSDT", quantity: 1 } }, 202],
    ["post", "/api/v1/events", "/api/v1/events", { event_type: "order.placed", properties: { quantity: "one" } }, 400],
    ["post", "/api/v1/events/batch", "/api/v1/events/batch", { events: [{ event_type: "page.view", properties: { path: "/" } }] }, 202],
    ["get", "/api/v1/events/stats", `/api/v1/events/stats?start_time=${range.start_time}&end_time=${range.end_time}`, undefined, 200],
    ["get", "/api/v1/metrics", `/api/v1/metrics?metric_name=events.count.order.placed&interval=1m&start_time=${range.start_time}`, undefined, 200],
    ["get", "/api/v1/metrics", "/api/v1/metrics", undefined, 400],
    ["get", "/api/v1/dashboard/metrics", "/api/v1/dashboard/metrics", undefined, 200],
    ["get", "/api/v1/trading/fill-rate", `/api/v1/trading/fill-rate?start_time=${range.start_time}&symbol=BTCUSDT`, undefined, 200],
    ["get", "/api/v1/trading/volume", `/api/v1/trading/volume?start_time=${range.start_time}&by=strategy`, undefined, 200],
    ["get", "/api/v1/trading/ohlcv", `/api/v1/trading/ohlcv?symbol=BTCUSDT&start_time=${range.start_time}`, undefined, 200],
    ["get", "/api/v1/trading/strategies", `/api/v1/trading/strategies?start_time=${range.start_time}`, undefined, 200],
    ["get", "/api/v1/trading/strategies/{strategy}/performance", "/api/v1/trading/strategies/alpha/performance", undefined, 200],
    ["get", "/api/v1/trading/sessions", `/api/v1/trading/sessions?start_time=${range.start_time}`, undefined, 200],
    ["get", "/api/v1/trading/sessions", "/api/v1/trading/sessions?start_time=yesterday", undefined, 400],
    ["get", "/api/v1/trading/orders", `/api/v1/trading/orders?start_time=${range.start_time}&by=side`, undefined, 200],
    ["get", "/api/v1/trading/orders", "/api/v1/trading/orders?by=venue", undefined, 400],
    ["get", "/api/v1/trading/execution", `/api/v1/trading/execution?start_time=${range.start_time}&by=strategy`, undefined, 200],
    ["get", "/api/v1/trading/execution", "/api/v1/trading/execution?by=side", undefined, 400],
    ["get", "/api/v1/trading/orders/{order_id}", "/api/v1/trading/orders/never-placed", undefined, 404],
    ["get", "/api/v1/trading/pnl", `/api/v1/trading/pnl?start_time=${range.start_time}&interval=5m&by=strategy`, undefined, 200],
    ["get", "/api/v1/trading/pnl", "/api/v1/trading/pnl?by=side", undefined, 400],
    ["get", "/api/v1/trading/positions", "/api/v1/trading/positions?symbol=BTCUSDT&limit=10", undefined, 200],
    ["get", "/api/v1/internal/ingestion-metrics", "/api/v1/internal/ingestion-metrics", undefined, 200],
    ["get", "/api/v1/internal/dead-letters", "/api/v1/internal/dead-letters?minutes=5", undefined, 200],
    ["get", "/api/v1/internal/dead-letters", "/api/v1/internal/dead-letters?minutes=0", undefined, 400],
    ["post", "/api/v1/custom-events", "/api/v1/custom-events", { name: "custom.openapi", schema: { type: "object" } }, 201],
    ["post", "/api/v1/custom-events", "/api/v1/custom-events", { name: "custom.openapi", schema: { type: "object" } }, 409],
    ["get", "/api/v1/custom-events", "/api/v1/custom-events", undefined, 200],
    ["get", "/api/v1/custom-events/{name}", "/api/v1/custom-events/custom.openapi", undefined, 200],
    ["put", "/api/v1/custom-events/{name}", "/api/v1/custom-events/custom.openapi", { schema: { type: "object", required: ["x"] } }, 200],
    ["delete", "/api/v1/custom-events/{name}", "/api/v1/custom-events/custom.openapi", undefined, 200],
    ["get", "/api/v1/custom-events/{name}", "/api/v1/custom-events/custom.never", undefined, 404],
  ];

  it.each(calls)("%s %s answers as documented (%s → %s)", async (method, path, url, body, status) => {
    const call = request(setup.app)[method as "get"](url);
    const res = body === undefined ? await call : await call.send(body as object);
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    const validate = validatorFor(method, path, status);
    const valid = validate(res.body);
    expect(valid ? [] : validate.errors).toEqual([]);
    const parsed = contractSchemaFor(method, path, status).safeParse(res.body);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it("documents the non-JSON answers: metrics text, CSV/NDJSON export, the event stream", async () => {
    const metrics = await request(setup.app).get("/metrics");
    expect(metrics.status).toBe(200);
    expect(Object.keys(spec.paths["/metrics"]!.get!.responses["200"]!.content!)).toEqual(["text/plain"]);

    const exported = await request(setup.app).get("/api/v1/events/export").query({ format: "ndjson", ...range });
    expect(exported.status).toBe(200);
    const validateEvent = ajv.compile({ $ref: "openapi#/components/schemas/Event" });
    const lines = exported.text.trim().split("\n");
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(validateEvent(JSON.parse(line)) ? [] : validateEvent.errors).toEqual([]);
      expect(eventSchema.safeParse(JSON.parse(line)).error?.issues ?? []).toEqual([]);
    }
    const csv = await request(setup.app).get("/api/v1/events/export").query({ format: "csv", ...range });
    expect(csv.headers["content-type"]).toContain("text/csv");

    const server = setup.app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const controller = new AbortController();
      const stream = await fetch(`http://127.0.0.1:${port}/api/v1/events/stream?event_type=order.placed`, { signal: controller.signal });
      expect(stream.status).toBe(200);
      expect(stream.headers.get("content-type")).toContain("text/event-stream");
      controller.abort();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
