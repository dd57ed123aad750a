import path from "node:path";
import { Kafka, logLevel, type Producer } from "kafkajs";
import {
  type AppProcess,
  createTestDatabase,
  createTestTopics,
  freePort,
  ingesterEnv,
  startAppProcess,
  TEST_KAFKA_BROKERS,
  type TestDatabase,
  waitFor,
} from "@trading-analytics/core/testing";

const MAIN = path.resolve(__dirname, "../dist/main.js");

/** NexusCore's producers (seed 004) pointed at the ingester as they are: its envelope, its topic, a plain kafkajs client. */
describe("ingester with NexusCore's producers", () => {
  let db: TestDatabase;
  let topics: Awaited<ReturnType<typeof createTestTopics>>;
  let producer: Producer;
  let ingester: AppProcess;

  beforeAll(async () => {
    db = await createTestDatabase("nexuscore");
    topics = await createTestTopics(["user-events", "dead-letter"], 3);
    const port = await freePort();
    ingester = await startAppProcess(MAIN, ingesterEnv({ databaseUrl: db.url, topics: [topics.topics[0]!], deadLetterTopic: topics.topics[1]!, port }), port);
    // A client as NexusCore's services would build it: no codecs, no settings of ours.
    producer = new Kafka({ clientId: "auth-service", brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await ingester?.stop("SIGTERM");
    await topics?.remove();
    await db?.drop();
  });

  it("stores its events with their service and data, counts them in its metrics, and answers its health check", async () => {
    const now = Date.now();
    const user = "7d0c6c1e-5b7a-4f0e-9d43-2f5a1c3b8e90";
    const events = [
      { event_type: "user_registered", user_id: user, service: "auth-service", timestamp: new Date(now - 3000).toISOString(), data: { email_domain: "example.com" } },
      { event_type: "user_login", user_id: user, service: "auth-service", timestamp: new Date(now - 2000).toISOString(), data: { method: "password" } },
      { event_type: "profile_viewed", user_id: user, service: "profile-service", timestamp: new Date(now - 1000).toISOString(), data: { viewer_id: "b3c1" } },
    ];
    const refused = { event_type: "user_login", user_id: user, service: "auth-service", data: {}, properties: {} };
    await producer.send({
      topic: topics.topics[0]!,
      messages: [...events, refused].map((event) => ({ key: event.user_id, value: JSON.stringify(event) })),
    });

    const rows = await waitFor(
      () => db.sql<{ event_type: string; user_id: string; service: string | null; properties: object; timestamp: Date }[]>`
        select event_type, user_id, service, properties, "timestamp" from events order by "timestamp"`,
      (found) => found.length >= events.length,
      { what: "NexusCore's events to be stored" },
    );
    expect(rows).toEqual(
      events.map((event) => ({ event_type: event.event_type, user_id: user, service: event.service, properties: event.data, timestamp: new Date(event.timestamp) })),
    );

    const metrics = await waitFor(
      async () => (await fetch(`http://127.0.0.1:${ingester.port}/metrics`)).text(),
      (text) => text.includes("processing_errors_total{"),
      { what: "the dead letter to be counted" },
    );
    expect(metrics).toContain('events_processed_total{event_type="user_login",service="auth-service",app="ingester"} 1');
    expect(metrics).toContain('events_processed_total{event_type="profile_viewed",service="profile-service",app="ingester"} 1');
    expect(metrics).toContain('events_stored_total{app="ingester"} 3');
    expect(metrics).toContain('processing_errors_total{event_type="user_login",reason="invalid_envelope",app="ingester"} 1');
    expect(metrics).toContain('event_processing_duration_seconds_count{app="ingester"} 3');
    expect(metrics).toMatch(new RegExp(`kafka_consumer_lag\\{topic="${topics.topics[0]!.replace(/\./g, "\\.")}",partition="\\d",app="ingester"\\} 0`));

    const health = await fetch(`http://127.0.0.1:${ingester.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "healthy", service: expect.any(String) });
  });

  it("runs NexusCore's SQL examples, as its seed writes them, on what it stored", async () => {
    const user = "7d0c6c1e-5b7a-4f0e-9d43-2f5a1c3b8e90";
    const byUser = await db.sql.unsafe(`SELECT * FROM events
      WHERE user_id = '${user}'
      ORDER BY timestamp DESC;`);
    expect(byUser.map((row) => [row.event_type, row.service, row.properties])).toEqual([
      ["profile_viewed", "profile-service", { viewer_id: "b3c1" }],
      ["user_login", "auth-service", { method: "password" }],
      ["user_registered", "auth-service", { email_domain: "example.com" }],
    ]);
    const byType = await db.sql.unsafe(`SELECT event_type, COUNT(*)
      FROM events
      GROUP BY event_type;`);
    expect(Object.fromEntries(byType.map((row) => [row.event_type, Number(row.count)]))).toEqual({ profile_viewed: 1, user_login: 1, user_registered: 1 });
    const logins = await db.sql.unsafe(`SELECT * FROM events
      WHERE event_type = 'user_login'
      AND timestamp > NOW() - INTERVAL '24 hours';`);
    expect(logins.map((row) => row.service)).toEqual(["auth-service"]);
    const byService = await db.sql.unsafe(`SELECT event_type FROM events WHERE service = 'auth-service' ORDER BY timestamp`);
    expect(byService.map((row) => row.event_type)).toEqual(["user_registered", "user_login"]);
  });
});
