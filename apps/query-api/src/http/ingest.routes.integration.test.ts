import request from "supertest";
import { type CustomEventDefinition, EventTypeValidator, type Sql } from "@trading-analytics/core";
import { createTestDatabase, createTestTopics, type TestDatabase, testKafka, uniqueSuffix, waitFor } from "@trading-analytics/core/testing";
import { Kafka, logLevel } from "kafkajs";
import { KafkaEventPublisher } from "../kafka/event-publisher";
import { createTestApp } from "../test-app";

const signal: CustomEventDefinition = {
  name: "custom.trading.signal",
  version: 1,
  displayName: null,
  description: null,
  schema: { type: "object", required: ["signal_strength"], properties: { signal_strength: { type: "number" }, strategy: { type: "string" } } },
  isActive: true,
  createdAt: new Date(),
};
const types = new EventTypeValidator([signal], "accept", { allErrors: true });

interface Produced {
  key: string;
  value: Record<string, unknown>;
}

describe("POST /api/v1/events and /api/v1/events/batch", () => {
  let db: TestDatabase;
  let topics: Awaited<ReturnType<typeof createTestTopics>>;
  let publisher: KafkaEventPublisher;
  const produced: Produced[] = [];
  const consumer = testKafka().consumer({ groupId: `ingest-routes-${uniqueSuffix()}` });
  let app: ReturnType<typeof createTestApp>["app"];

  beforeAll(async () => {
    db = await createTestDatabase("ingest_routes");
    topics = await createTestTopics(["http-ingest"], 3);
    publisher = new KafkaEventPublisher(testKafka("ingest-routes"), topics.topics[0]!, 10_000);
    await consumer.connect();
    await consumer.subscribe({ topic: topics.topics[0]!, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        produced.push({ key: message.key!.toString(), value: JSON.parse(message.value!.toString()) });
      },
    });
    app = createTestApp(db.sql as Sql, { publisher, types: () => types, config: { server: { max_batch_events: 5 } } }).app;
  });

  afterAll(async () => {
    await consumer.disconnect();
    await publisher?.close();
    await topics?.remove();
    await db?.drop();
  });

  const producedWith = (id: string) => waitFor(async () => produced.filter((entry) => entry.value.event_id === id), (found) => found.length > 0, { what: `event ${id} on the topic` });

  it("accepts the reference walk-through's order and produces it once, keyed by user, with its id and time fixed", async () => {
    const body = {
      event_type: "order.placed",
      user_id: "test-user-001",
      session_id: "test-session-001",
      properties: { symbol: "BTCUSDT", side: "BUY", price: 50000, quantity: 0.1 },
    };
    const before = Date.now();
    const res = await request(app).post("/api/v1/events").send(body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, event_id: expect.stringMatching(/^[0-9a-f-]{36}$/), duplicate: false });
    const [message, ...more] = await producedWith(res.body.event_id);
    expect(more).toEqual([]);
    expect(message!.key).toBe("test-user-001");
    expect(message!.value).toEqual({ ...body, event_id: res.body.event_id, timestamp: expect.any(String) });
    expect(Date.parse(message!.value.timestamp as string)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("keeps a client's own event_id and timestamp, and accepts a partial known event", async () => {
    const hourAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString();
    const body = { event_id: "0b6c2f9e-8a4f-4f57-9f0a-8d6c3c1d2e11", event_type: "order.placed", properties: { test_index: 7 }, timestamp: hourAgo };
    const res = await request(app).post("/api/v1/events").send(body);
    expect(res.status).toBe(202);
    expect(res.body.event_id).toBe(body.event_id);
    const [message] = await producedWith(body.event_id);
    expect(message!.value).toEqual({ ...body, timestamp: hourAgo });
    expect(message!.key).toBe(body.event_id);
  });

  it("produces a batch whole and returns every id in order", async () => {
    const events = [1, 2, 3].map((i) => ({ event_type: "custom.trading.signal", user_id: `u${i}`, properties: { signal_strength: i / 10 } }));
    const res = await request(app).post("/api/v1/events/batch").send({ events });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ success: true, accepted: 3 });
    for (const [index, id] of (res.body.event_ids as string[]).entries()) {
      const [message] = await producedWith(id);
      expect(message!.value).toMatchObject(events[index]!);
    }
  });

  it("produces a batch larger than one Kafka record batch may be (same user, ~1.8 MB)", async () => {
    const events = [1, 2, 3].map((i) => ({ event_type: "page.view", user_id: "bulky", properties: { path: `/${i}`, note: "n".repeat(600_000) } }));
    const res = await request(app).post("/api/v1/events/batch").send({ events });
    expect(res.status).toBe(202);
    for (const id of res.body.event_ids as string[]) expect((await producedWith(id))[0]!.key).toBe("bulky");
  });

  it("names every bad field of an event and produces nothing", async () => {
    const res = await request(app)
      .post("/api/v1/events")
      .send({ event_type: "order.filled", user_id: 42, properties: { price: "10", quantity: -1 }, colour: "red" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_event");
    expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(["colour", "user_id"]);

    const typed = await request(app).post("/api/v1/events").send({ event_type: "order.filled", properties: { price: "10", quantity: -1 } });
    expect(typed.status).toBe(400);
    expect(typed.body).toMatchObject({ field: "properties.price", request_id: expect.any(String) });
    expect(typed.body.fields).toEqual([
      { field: "properties.price", message: "must be number" },
      { field: "properties.quantity", message: "must be >= 0" },
    ]);
    expect(produced.some((entry) => entry.value.event_type === "order.filled")).toBe(false);
  });

  it.each([
    [{ properties: {} }, "event_type"],
    [{ event_type: "Order Placed" }, "event_type"],
    [{ event_type: "page.view", timestamp: "yesterday" }, "timestamp"],
    [{ event_type: "page.view", timestamp: "2999-01-01T00:00:00Z" }, "timestamp"],
    [{ event_type: "page.view", event_id: "not-a-uuid" }, "event_id"],
    [{ event_type: "page.view", properties: { path: "/a\u0000" } }, "properties.path"],
    [{ event_type: "custom.trading.signal", properties: { strategy: "x" } }, "properties.signal_strength"],
  ])("rejects %j naming %s", async (body, field) => {
    const res = await request(app).post("/api/v1/events").send(body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  it("refuses a batch with one bad event whole, naming it by index, and oversized or empty batches", async () => {
    const bad = await request(app)
      .post("/api/v1/events/batch")
      .send({ events: [{ event_type: "page.view" }, { event_type: "page.view", properties: { path: 5 } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("events[1].properties.path");
    const many = await request(app)
      .post("/api/v1/events/batch")
      .send({ events: Array.from({ length: 6 }, () => ({ event_type: "page.view" })) });
    expect(many.status).toBe(400);
    expect(many.body.error).toContain("at most 5");
    expect((await request(app).post("/api/v1/events/batch").send({ events: [] })).body.field).toBe("events");
    expect((await request(app).post("/api/v1/events/batch").send({ items: [] })).body.field).toBe("events");
  });

  describe("NexusCore's envelope", () => {
    // The error's fields, whether nested under error (ours before issue 16) or flat beside it (the seeds').
    const errorOf = (body: { error: unknown }) => (typeof body.error === "string" ? body : body.error) as { code: string; field: string };
    const nexusCore = (eventType: string, data: object) => ({
      event_type: eventType,
      user_id: "7d0c6c1e-5b7a-4f0e-9d43-2f5a1c3b8e90",
      service: "auth-service",
      timestamp: new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString(),
      data,
    });

    it("accepts it, single and batch, and produces data as properties with the service", async () => {
      const single = nexusCore("user_registered", { email_domain: "example.com" });
      const res = await request(app).post("/api/v1/events").send(single);
      expect(res.status).toBe(202);
      const { data, ...envelope } = single;
      expect((await producedWith(res.body.event_id))[0]!.value).toEqual({ ...envelope, properties: data, event_id: res.body.event_id });

      const batch = [nexusCore("user_login", { method: "sso" }), nexusCore("user_search", { query: "ada" })];
      const posted = await request(app).post("/api/v1/events/batch").send({ events: batch });
      expect(posted.status).toBe(202);
      for (const [index, id] of (posted.body.event_ids as string[]).entries()) {
        const [message] = await producedWith(id);
        expect(message!.value).toMatchObject({ event_type: batch[index]!.event_type, service: "auth-service", properties: batch[index]!.data });
        expect(message!.value).not.toHaveProperty("data");
      }
    });

    it("refuses data together with properties with a 400 naming data, single and batch", async () => {
      const both = { ...nexusCore("user_login", { method: "sso" }), properties: { method: "sso" } };
      const res = await request(app).post("/api/v1/events").send(both);
      expect(res.status).toBe(400);
      expect(errorOf(res.body)).toMatchObject({ code: "invalid_event", field: "data" });
      const batch = await request(app).post("/api/v1/events/batch").send({ events: [nexusCore("user_login", {}), both] });
      expect(batch.status).toBe(400);
      expect(errorOf(batch.body).field).toBe("events[1].data");
    });
  });

  it("answers 415 to a body that is not JSON and 400 to broken JSON", async () => {
    const text = await request(app).post("/api/v1/events").set("Content-Type", "text/plain").send("event_type=page.view");
    expect(text.status).toBe(415);
    const broken = await request(app).post("/api/v1/events").set("Content-Type", "application/json").send('{"event_type":');
    expect(broken.status).toBe(400);
    expect(broken.body.field).toBe("body");
  });

  it("answers 503 with the ids to retry with when Kafka does not acknowledge", async () => {
    const unreachable = new Kafka({ clientId: "nowhere", brokers: ["127.0.0.1:1"], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    const deadPublisher = new KafkaEventPublisher(unreachable, "trading.events", 1500);
    const offline = createTestApp(db.sql as Sql, { publisher: deadPublisher, types: () => types }).app;
    const res = await request(offline).post("/api/v1/events").send({ event_type: "page.view", properties: { path: "/" } });
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("5");
    expect(res.body).toMatchObject({ code: "kafka_unavailable", event_ids: [expect.any(String)] });
  });

  it("reports ids stored already as duplicates, single and batch, and counts them", async () => {
    const stored = "7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a5b";
    await db.sql`insert into event_ids (event_id, event_time) values (${stored}, now())`;
    const single = await request(app).post("/api/v1/events").send({ event_id: stored, event_type: "page.view" });
    expect(single.status).toBe(202);
    expect(single.body).toEqual({ success: true, event_id: stored, duplicate: true });
    const fresh = await request(app).post("/api/v1/events").send({ event_type: "page.view" });
    expect(fresh.body).toMatchObject({ success: true, duplicate: false });
    const batch = await request(app).post("/api/v1/events/batch").send({ events: [{ event_type: "page.view" }, { event_id: stored, event_type: "page.view" }] });
    expect(batch.status).toBe(202);
    expect(batch.body).toMatchObject({ accepted: 2, duplicate_event_ids: [stored] });
    const metrics = await request(app).get("/metrics");
    expect(metrics.text).toMatch(/^analytics_http_duplicate_events_total 2$/m);
  });
});
