import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import {
  appMain,
  type AppProcess,
  createTestDatabase,
  createTestTopics,
  freePort,
  startAppProcess,
  TEST_KAFKA_BROKERS,
  type TestDatabase,
  uniqueSuffix,
} from "@trading-analytics/core/testing";
import { scrape, total } from "./harness/prometheus-scrape";
import { freshLoopbackAddress, SeedClient } from "./harness/seed-http";
import { psql, waitForStoredEvents } from "./harness/seed-psql";

// Seed 004 (004_1828d72cf903410a.txt), the NexusCore analytics-service: its producer (a plain
// kafkajs producer on topic user-events), its environment (no config file: METRICS_PORT,
// KAFKA_BROKERS, KAFKA_TOPIC, KAFKA_GROUP_ID, DATABASE_URL with the postgresql:// scheme), its
// metrics and health on METRICS_PORT, and its SQL examples.
describe("seed 004 NexusCore analytics-service", () => {
  let db: TestDatabase;
  let topics: { topics: string[]; remove(): Promise<void> };
  let ingester: AppProcess;
  let queryApi: AppProcess;
  let metricsPort: number;
  let api: SeedClient;
  const userId = randomUUID();
  let stored = 0;

  beforeAll(async () => {
    db = await createTestDatabase("seeds_nexus");
    topics = await createTestTopics(["user-events", "dead-letter"], 2);
    const [userEvents, deadLetter] = topics.topics as [string, string];
    const nexusEnv = {
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(","),
      KAFKA_TOPIC: userEvents,
      KAFKA_GROUP_ID: `analytics-service-${uniqueSuffix()}`,
      DATABASE_URL: db.url.replace(/^postgres:/, "postgresql:"),
      // Ours: the dead-letter topic of this run, not the shared one.
      KAFKA_DLQ_TOPIC: deadLetter,
      LOG_LEVEL: "warn",
    };
    metricsPort = await freePort();
    const apiPort = await freePort();
    [ingester, queryApi] = await Promise.all([
      startAppProcess(appMain(require, "ingester"), { ...nexusEnv, METRICS_PORT: String(metricsPort) }, metricsPort, 120_000),
      startAppProcess(
        appMain(require, "query-api"),
        { ...nexusEnv, SERVER_PORT: String(apiPort), KAFKA_HTTP_TOPIC: userEvents, API_KEY_ENABLED: "false" },
        apiPort,
        120_000,
      ),
    ]);
    api = new SeedClient(`http://127.0.0.1:${apiPort}`, freshLoopbackAddress());
  });

  afterAll(async () => {
    api?.close();
    await Promise.allSettled([ingester?.stop(), queryApi?.stop()]);
    await Promise.allSettled([topics?.remove(), db?.drop()]);
  });

  it("its envelope produced to user-events by a plain kafkajs producer is stored: data as properties, service kept (N-K1, N-K2, N-E3, N-E4, N-E5)", async () => {
    const kafka = new Kafka({ clientId: "auth-service", brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const now = Date.now();
    const envelopes = [
      { event_type: "user_registered", user_id: userId, service: "auth-service", timestamp: new Date(now - 60_000).toISOString(), data: { email_domain: "example.com", plan: "free" } },
      { event_type: "user_login", user_id: userId, service: "auth-service", timestamp: new Date(now - 30_000).toISOString(), data: { method: "password" } },
      { event_type: "profile_viewed", user_id: randomUUID(), service: "profile-service", timestamp: new Date(now).toISOString(), data: { viewed_user_id: userId } },
    ];
    await producer.send({ topic: topics.topics[0]!, messages: envelopes.map((envelope) => ({ value: JSON.stringify(envelope) })) });
    await producer.disconnect();
    stored += envelopes.length;
    await waitForStoredEvents(db.url, stored);
    const rows = await psql(db.url, `SELECT event_type, user_id, service, properties FROM events WHERE user_id = '${userId}' ORDER BY "timestamp"`);
    expect(rows.map((row) => ({ ...row, properties: JSON.parse(row.properties!) }))).toEqual([
      { event_type: "user_registered", user_id: userId, service: "auth-service", properties: { email_domain: "example.com", plan: "free" } },
      { event_type: "user_login", user_id: userId, service: "auth-service", properties: { method: "password" } },
    ]);
  });

  it("its envelope is accepted over HTTP, returned with service and filterable by it (N-K2)", async () => {
    const posted = await api.post("/api/v1/events", {
      event_type: "user_search",
      user_id: userId,
      service: "search-service",
      timestamp: new Date().toISOString(),
      data: { query: "btc" },
    });
    expect(posted.status).toBe(202);
    expect(posted.body.success).toBe(true);
    stored += 1;
    await waitForStoredEvents(db.url, stored);
    const listed = await api.get("/api/v1/events?service=search-service");
    expect(listed.status).toBe(200);
    expect(listed.body.events).toHaveLength(1);
    expect(listed.body.events[0]).toMatchObject({ event_type: "user_search", user_id: userId, service: "search-service", properties: { query: "btc" } });
  });

  it("an envelope with both data and properties is refused naming data (N-K2, B-F7)", async () => {
    const refused = await api.post("/api/v1/events", { event_type: "user_login", user_id: userId, service: "auth-service", data: { a: 1 }, properties: { b: 2 } });
    expect(refused.status).toBe(400);
    expect(typeof refused.body.error).toBe("string");
    expect(refused.body.field).toBe("data");
  });

  it("004 Query Examples run unchanged and return the right rows (N-D7, N-D1..N-D5)", async () => {
    const forUser = await psql(db.url, `SELECT * FROM events \nWHERE user_id = '${userId}' \nORDER BY timestamp DESC;`);
    expect(forUser.map((row) => row.event_type)).toEqual(["user_search", "user_login", "user_registered"]);
    expect(Object.keys(forUser[0]!)).toEqual(expect.arrayContaining(["id", "event_type", "user_id", "service", "timestamp", "created_at"]));
    const byType = await psql(db.url, "SELECT event_type, COUNT(*) \nFROM events \nGROUP BY event_type;");
    expect(Object.fromEntries(byType.map((row) => [row.event_type, Number(row.count)]))).toEqual({
      user_registered: 1,
      user_login: 1,
      profile_viewed: 1,
      user_search: 1,
    });
    const logins = await psql(db.url, "SELECT * FROM events \nWHERE event_type = 'user_login' \nAND timestamp > NOW() - INTERVAL '24 hours';");
    expect(logins.map((row) => row.user_id)).toEqual([userId]);
  });

  it("004 Prometheus metrics are served on METRICS_PORT with its names and labels (N-M1..N-M5, N-R2, N-E1)", async () => {
    const { families, samples } = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(families.get("events_processed_total")).toBe("counter");
    expect(families.get("events_stored_total")).toBe("counter");
    expect(families.get("processing_errors_total")).toBe("counter");
    expect(families.get("event_processing_duration_seconds")).toBe("histogram");
    expect(families.get("kafka_consumer_lag")).toBe("gauge");
    expect(total(samples, "events_processed_total", { event_type: "user_login", service: "auth-service" })).toBe(1);
    expect(total(samples, "events_stored_total")).toBe(stored);
  });

  it("004 Health Check: GET /health on METRICS_PORT answers status and service (N-R1)", async () => {
    const health = await fetch(`http://127.0.0.1:${metricsPort}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as Record<string, unknown>;
    expect(body.status).toBe("healthy");
    expect(typeof body.service).toBe("string");
  });
});
