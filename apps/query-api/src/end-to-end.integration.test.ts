import { randomUUID } from "node:crypto";
import request from "supertest";
import { TradingFlow } from "@trading-analytics/core";
import {
  appMain,
  type AppProcess,
  createTestDatabase,
  createTestTopics,
  freePort,
  ingesterEnv,
  startAppProcess,
  testKafka,
  type TestDatabase,
  waitFor,
} from "@trading-analytics/core/testing";
import { KafkaEventPublisher } from "./kafka/event-publisher";
import { createTestApp } from "./test-app";

const INGESTER = appMain(require, "ingester");
const TOPICS = ["trading.events", "market.data", "order.events", "user.actions"];

/**
 * The whole path on the real stack: demo trading traffic produced to Kafka, stored by the
 * ingester process in PostgreSQL, and read back through the API.
 */
describe("Kafka → ingester → PostgreSQL → API", () => {
  let db: TestDatabase;
  let topics: Awaited<ReturnType<typeof createTestTopics>>;
  let ingester: AppProcess;

  beforeAll(async () => {
    db = await createTestDatabase("end_to_end");
    topics = await createTestTopics([...TOPICS, "dead-letter"], 3);
    const port = await freePort();
    const env = ingesterEnv({ databaseUrl: db.url, topics: topics.topics.slice(0, 4), deadLetterTopic: topics.topics[4]!, port });
    ingester = await startAppProcess(INGESTER, env, port);
  });

  afterAll(async () => {
    await ingester?.stop("SIGTERM");
    await topics?.remove();
    await db?.drop();
  });

  it("serves every produced event, once, through GET /api/v1/events", async () => {
    const start = new Date(Date.now() - 60 * 60 * 1000);
    const generated = new TradingFlow({ seed: 7, startTime: start }).take(600, start, 500);
    const topicFor = (base: string) => topics.topics[TOPICS.indexOf(base)]!;
    const producer = testKafka().producer();
    await producer.connect();
    try {
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const { topic, key, event } of generated) {
        const list = byTopic.get(topicFor(topic)) ?? [];
        list.push({ key, value: JSON.stringify(event) });
        byTopic.set(topicFor(topic), list);
      }
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } finally {
      await producer.disconnect();
    }

    await waitFor(async () => Number((await db.sql`select count(*)::int as n from events`)[0]!.n), (n) => n >= generated.length, {
      what: `${generated.length} stored events`,
    });

    const { app } = createTestApp(db.sql, { maxResults: 1000 });
    const range = { start_time: new Date(start.getTime() - 1000).toISOString(), end_time: new Date().toISOString() };
    const all = await request(app).get("/api/v1/events").query({ ...range, limit: "1000" });
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(generated.length);
    expect(new Set(all.body.events.map((event: { event_id: string }) => event.event_id))).toEqual(
      new Set(generated.map(({ event }) => event.event_id)),
    );

    const fills = generated.filter(({ event }) => event.event_type === "order.filled");
    expect(fills.length).toBeGreaterThan(0);
    const served = await request(app).get("/api/v1/events").query({ ...range, event_type: "order.filled", limit: "1000" });
    expect(served.body.count).toBe(fills.length);
    const first = fills[0]!.event;
    const match = served.body.events.find((event: { event_id: string }) => event.event_id === first.event_id);
    expect(match).toMatchObject({
      event_type: "order.filled",
      user_id: first.user_id,
      properties: first.properties,
      timestamp: new Date(first.timestamp!).toISOString(),
      source: { topic: topicFor("order.events") },
    });
  });

  it("stores what is POSTed to the API once, even when the client retries with the same id", async () => {
    const publisher = new KafkaEventPublisher(testKafka("end-to-end-api"), topics.topics[TOPICS.indexOf("trading.events")]!, 10_000);
    try {
      const { app } = createTestApp(db.sql, { publisher });
      // The reference walk-through's order, then a retried post of one event with its own id.
      const order = await request(app)
        .post("/api/v1/events")
        .send({ event_type: "order.placed", user_id: "test-user-001", session_id: "test-session-001", properties: { symbol: "BTCUSDT", side: "BUY", price: 50000, quantity: 0.1 } });
      expect(order.status).toBe(202);
      const retried = { event_id: randomUUID(), event_type: "page.view", user_id: "u-retry", properties: { path: "/orders" } };
      for (let attempt = 0; attempt < 2; attempt++) expect((await request(app).post("/api/v1/events/batch").send({ events: [retried] })).status).toBe(202);

      const stored = await waitFor(
        () => db.sql<{ event_id: string; user_id: string }[]>`select id::text as event_id, user_id from events where id in (${order.body.event_id}, ${retried.event_id})`,
        (rows) => rows.length >= 2,
        { what: "the posted events to be stored" },
      );
      expect(stored.map((row) => row.event_id).sort()).toEqual([order.body.event_id, retried.event_id].sort());
      const served = await request(app).get("/api/v1/events").query({ user_id: "test-user-001" });
      expect(served.body.events).toEqual([expect.objectContaining({ event_id: order.body.event_id, properties: { symbol: "BTCUSDT", side: "BUY", price: 50000, quantity: 0.1 } })]);
    } finally {
      await publisher.close();
    }
  });

  it("stores NexusCore's envelope POSTed to the API with its service, and serves it filtered by service", async () => {
    const publisher = new KafkaEventPublisher(testKafka("end-to-end-nexuscore"), topics.topics[TOPICS.indexOf("trading.events")]!, 10_000);
    try {
      const { app } = createTestApp(db.sql, { publisher });
      const user = randomUUID();
      const login = { event_type: "user_login", user_id: user, service: "auth-service", timestamp: new Date(Date.now() - 5000).toISOString(), data: { method: "password" } };
      const view = { event_type: "profile_viewed", user_id: user, service: "profile-service", data: { viewer_id: "v1" } };
      const posted = await request(app).post("/api/v1/events/batch").send({ events: [login, view] });
      expect(posted.status).toBe(202);
      await waitFor(() => db.sql`select 1 from events where user_id = ${user}`, (rows) => rows.length >= 2, { what: "NexusCore's events to be stored" });

      const served = await request(app).get("/api/v1/events").query({ user_id: user, service: "auth-service" });
      expect(served.status).toBe(200);
      expect(served.body.events).toEqual([
        expect.objectContaining({ event_id: posted.body.event_ids[0], event_type: "user_login", user_id: user, service: "auth-service", properties: { method: "password" } }),
      ]);
      const all = await request(app).get("/api/v1/events").query({ user_id: user });
      expect(all.body.events.map((event: { service: string }) => event.service).sort()).toEqual(["auth-service", "profile-service"]);
      const exported = await request(app).get("/api/v1/events/export").query({ format: "ndjson", user_id: user, service: "profile-service" });
      expect(exported.status).toBe(200);
      expect(exported.text.trim().split("\n").map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ event_type: "profile_viewed", service: "profile-service", properties: { viewer_id: "v1" } })]);
    } finally {
      await publisher.close();
    }
  });
});
