import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
  uniqueSuffix,
  waitFor,
} from "@trading-analytics/core/testing";
import { randomUUID } from "node:crypto";

const MAIN = path.resolve(__dirname, "../dist/main.js");

/** The ingester as operators run it: a separate process on the real Kafka and PostgreSQL. */
describe("ingester process", () => {
  let db: TestDatabase;
  let topics: Awaited<ReturnType<typeof createTestTopics>>;
  let producer: Producer;
  let ingester: AppProcess;
  let dlq: string;

  beforeAll(async () => {
    db = await createTestDatabase("ingester");
    topics = await createTestTopics(["order.events", "market.data", "user.actions", "dead-letter"], 3);
    dlq = topics.topics[3]!;
    const configDir = mkdtempSync(path.join(tmpdir(), "ingester-test-"));
    const configFile = path.join(configDir, "config.yaml");
    writeFileSync(configFile, "analytics:\n  ingestion:\n    batch_size: 50\n    max_event_bytes: 4096\n");
    const port = await freePort();
    const env = ingesterEnv({ databaseUrl: db.url, topics: topics.topics.slice(0, 3), deadLetterTopic: dlq, port, extra: { CONFIG_FILE: configFile } });
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

  it("stores every valid event once, even when sent twice, and dead-letters the bad ones with their reason", async () => {
    const [orderTopic, marketTopic] = topics.topics as [string, string];
    const now = Date.now();
    const good = Array.from({ length: 120 }, (_, i) => ({
      event_id: randomUUID(),
      event_type: i % 2 === 0 ? "order.placed" : "market.data.update",
      user_id: `user-${i % 7}`,
      properties: { order_id: `o-${i}`, symbol: "BTCUSDT", side: "BUY", price: 50_000 + i, quantity: 0.1 },
      timestamp: new Date(now - i * 1000).toISOString(),
    }));
    const send = (topic: string, values: (string | Buffer)[]) =>
      producer.send({ topic, messages: values.map((value) => ({ value })) });

    await send(orderTopic, good.map((event) => JSON.stringify(event)));
    // The same events again (a producer retry) and one without an id (derived from its position).
    await send(orderTopic, good.slice(0, 30).map((event) => JSON.stringify(event)));
    await send(marketTopic, [JSON.stringify({ event_type: "page.view", user_id: "user-1", properties: { path: "/" } })]);
    const bad: Record<string, string | Buffer> = {
      invalid_json: "{not json",
      invalid_envelope: JSON.stringify({ user_id: "u", properties: {} }),
      invalid_utf8: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      too_large: JSON.stringify({ event_type: "page.view", properties: { blob: "x".repeat(5000) } }),
      timestamp_in_future: JSON.stringify({ event_type: "page.view", timestamp: new Date(now + 3_600_000).toISOString() }),
    };
    await send(marketTopic, Object.values(bad));
    await send(marketTopic, [JSON.stringify({ ...good[0], event_id: randomUUID(), event_type: "button.click", properties: { button_id: "buy" } })]);

    const expected = good.length + 2;
    await waitFor(async () => Number((await db.sql`select count(*)::int as n from events`)[0]!.n), (n) => n >= expected, {
      what: `${expected} stored events`,
    });
    // Give any duplicate a chance to land before asserting there is none.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [{ n, ids }] = (await db.sql`select count(*)::int as n, count(distinct id)::int as ids from events`) as unknown as [
      { n: number; ids: number },
    ];
    expect(n).toBe(expected);
    expect(ids).toBe(expected);

    const letters = await readAll(dlq, Object.keys(bad).length);
    expect(letters.map((letter) => letter.reason).sort()).toEqual(Object.keys(bad).sort());
    for (const letter of letters) {
      expect(letter.sourceTopic).toBe(marketTopic);
      expect(letter.message.length).toBeGreaterThan(0);
    }

    const metrics = await (await fetch(`http://127.0.0.1:${ingester.port}/metrics`)).text();
    expect(metrics).toMatch(/analytics_duplicates_skipped_total\{app="ingester"\} 30/);
    expect(metrics).toMatch(/analytics_dead_letters_total\{reason="invalid_json",app="ingester"\} 1/);
  });

  it("leaves the group and exits 0 on SIGTERM", async () => {
    expect(await ingester.stop("SIGTERM")).toBe(0);
  });
});

async function readAll(topic: string, count: number) {
  const consumer = testKafka().consumer({ groupId: `test-dlq-reader-${uniqueSuffix()}` });
  const letters: { reason: string; sourceTopic: string; message: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      letters.push({
        reason: String(message.headers?.error_class),
        sourceTopic: String(message.headers?.source_topic),
        message: String(message.headers?.error_message),
      });
    },
  });
  try {
    await waitFor(async () => letters.length, (n) => n >= count, { what: `${count} dead letters` });
  } finally {
    await consumer.disconnect();
  }
  return letters;
}
