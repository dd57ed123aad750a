import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Producer } from "kafkajs";
import {
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

const MAIN = path.resolve(__dirname, "../dist/main.js");
// B25's full config.yaml (002), verbatim; the environment points it at the test stack.
const SEED_CONFIG = path.resolve(__dirname, "../../../packages/core/src/config/seed-fixtures/b25-002-config.yaml");

describe("ingester started with the seed's config.yaml", () => {
  let db: TestDatabase;
  let topics: Awaited<ReturnType<typeof createTestTopics>>;
  let producer: Producer;
  let ingester: AppProcess;

  beforeAll(async () => {
    db = await createTestDatabase("ingester_seed_config");
    topics = await createTestTopics(["order.events", "dead-letter"], 1);
    const port = await freePort();
    const env = ingesterEnv({ databaseUrl: db.url, topics: [topics.topics[0]!], deadLetterTopic: topics.topics[1]!, port, extra: { CONFIG_FILE: SEED_CONFIG } });
    ingester = await startAppProcess(MAIN, env, port);
    producer = testKafka().producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await ingester?.stop("SIGKILL");
    await topics?.remove();
    await db?.drop();
  });

  it("names each seed key without effect once, as a warn line, and stores events", async () => {
    const warned = ingester
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: string; message: string })
      .filter((line) => line.message.startsWith("config warning: "));
    expect(warned.every((line) => line.level === "warn")).toBe(true);
    expect(warned.map((line) => line.message.split(" ")[2])).toEqual([
      "database.max_idle_connections",
      "redis.pool_size",
      "redis.min_idle_conns",
      "kafka.enable_auto_commit",
      "analytics.aggregation.workers",
      "metrics.port",
      "health.port",
      "health.path",
      "security.rate_limit.burst",
    ]);

    const event = { event_type: "order.placed", user_id: "user123", properties: { symbol: "BTCUSDT", price: 50000, quantity: 0.1 }, timestamp: new Date().toISOString() };
    await producer.send({ topic: topics.topics[0]!, messages: [{ value: JSON.stringify({ event_id: randomUUID(), ...event }) }] });
    await waitFor(
      async () => Number((await db.sql<{ n: string }[]>`SELECT count(*) AS n FROM events`)[0]!.n),
      (stored) => stored === 1,
      { what: "the event to be stored" },
    );
  });
});
