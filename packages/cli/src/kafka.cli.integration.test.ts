import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kafka } from "kafkajs";
import { DeploymentSettingsRepository, eventIdFromKafkaPosition } from "@trading-analytics/core";
import { createTestDatabase, createTestTopics, type TestDatabase, testKafka } from "@trading-analytics/core/testing";
import type { DeadLetter } from "./dead-letters/dead-letter";
import { LETTERS_PER_BATCH, streamDeadLetters } from "./dead-letters/dead-letter-topic";
import { runCli } from "./testing/run-cli";

/** Every message of a topic, read through the CLI's own reader (a throwaway consumer group). */
async function messagesOf(kafka: Kafka, topic: string): Promise<DeadLetter[]> {
  const messages: DeadLetter[] = [];
  await streamDeadLetters(kafka, topic, async (batch) => void messages.push(...batch), { idleTimeoutMs: 15_000 });
  return messages;
}

async function messageCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  } finally {
    await admin.disconnect();
  }
}

describe("analytics CLI on Kafka", () => {
  let db: TestDatabase;
  let topics: { topics: string[]; remove(): Promise<void> };
  let kafka: Kafka;
  let source: string;
  let deadLetterTopic: string;
  let demoTopic: string;
  // The test's source topic is the one ingest topic, so replay may write there.
  const run = (...args: string[]) => runCli(args, { DATABASE_URL: db.url, KAFKA_DLQ_TOPIC: deadLetterTopic, KAFKA_TOPICS: source });

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase("analytics_cli_kafka"), createTestTopics(["source", "dead-letter", "demo"], 2)]);
    [source, deadLetterTopic, demoTopic] = topics.topics as [string, string, string];
    kafka = testKafka("analytics-cli-tests");
  });
  afterAll(async () => {
    await Promise.all([db?.drop(), topics?.remove()]);
  });

  it("dead-letters list and replay: a letter that passes under the redefined type is re-published with its position's event_id; the other is reported", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "analytics-cli-"));
    const schema = path.join(dir, "signal.schema.json");
    // Version 1 wrongly required "confidence"; the ingester dead-lettered a signal without it.
    writeFileSync(schema, JSON.stringify({ type: "object", required: ["price", "confidence"], properties: { price: { type: "number" } } }));
    expect(await run("event-type", "define", "custom.trading.signal", "--schema", schema)).toMatchObject({ code: 0 });

    const at = new Date(Date.now() - 60_000).toISOString();
    const fixable = { event_type: "custom.trading.signal", user_id: "u1", properties: { price: 101.5, symbol: "BTC-USD" }, timestamp: at };
    const broken = { event_type: "custom.trading.signal", properties: { price: "cheap" }, timestamp: at };
    // As apps/ingester/src/kafka/dead-letter.producer.ts writes them: the original bytes and key, headers saying why and whence.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: deadLetterTopic,
      messages: [
        {
          key: "sig-1",
          value: JSON.stringify(fixable),
          timestamp: String(Date.now() - 2 * 3_600_000), // dead-lettered two hours ago
          headers: { source_topic: source, source_partition: "1", source_offset: "41", error_class: "schema_violation", error_message: "custom.trading.signal: properties.confidence is required" },
        },
        {
          key: "sig-2",
          value: JSON.stringify(broken),
          headers: { source_topic: source, source_partition: "0", source_offset: "7", error_class: "schema_violation", error_message: "custom.trading.signal: properties.price must be number" },
        },
      ],
    });
    await producer.disconnect();

    const [listed, recent] = await Promise.all([run("dead-letters", "list"), run("dead-letters", "list", "--since", "1h", "--json")]);
    expect(JSON.parse(recent.stdout)).toEqual([
      expect.objectContaining({ reason: "schema_violation", source: { topic: source, partition: 0, offset: "7" }, key: "sig-2", value: JSON.stringify(broken) }),
    ]);
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    expect(listed.stdout).toContain("schema_violation");
    expect(listed.stdout).toContain("message: custom.trading.signal: properties.confidence is required");
    expect(listed.stdout).toContain(`source:  ${source} partition 1 offset 41  key sig-1`);
    expect(listed.stdout).toContain('value:   {"event_type":"custom.trading.signal","user_id":"u1"');
    expect(listed.stdout).toContain(`2 dead letters (schema_violation 2) in ${deadLetterTopic}.`);

    // The fix: version 2 no longer requires confidence (price must still be a number).
    writeFileSync(schema, JSON.stringify({ type: "object", required: ["price"], properties: { price: { type: "number" } } }));
    expect(await run("event-type", "define", "custom.trading.signal", "--schema", schema)).toMatchObject({ code: 0 });

    const dryRun = await run("dead-letters", "replay", "--dry-run", "--json");
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ dry_run: true, read: 2, republished: 0, would_republish: 1 });
    expect(await messageCount(kafka, source)).toBe(0);

    const replayed = await run("dead-letters", "replay");
    expect(replayed).toMatchObject({ code: 0, stderr: "" });
    expect(replayed.stdout).toContain(`Re-published 1 that pass now (${source} 1).`);
    expect(replayed.stdout).toContain("Still failing: 1.");
    expect(replayed.stdout).toMatch(/schema_violation 1 {2}e\.g\. custom\.trading\.signal: properties\.price must be number/);

    const republished = await messagesOf(kafka, source);
    expect(republished).toHaveLength(1);
    // Same key, same partition as the original.
    expect(republished[0]).toMatchObject({ partition: 1, key: Buffer.from("sig-1") });
    // The id the ingester gave (or would have given) the original at its position: stored at most once.
    expect(JSON.parse(republished[0]!.value!.toString())).toEqual({ ...fixable, event_id: eventIdFromKafkaPosition(source, 1, "41", await new DeploymentSettingsRepository(db.sql).derivedEventIdNamespace()) });
  });

  it("dead-letters replay writes only to ingest topics: a forged source_topic is refused, --to-topic sends it where told; more letters than one batch stream through", async () => {
    const extra = await createTestTopics(["ingest", "dlq", "internal", "repair"], 1);
    try {
      const [ingest, dlq, internal, repair] = extra.topics as [string, string, string, string];
      const at = new Date(Date.now() - 60_000).toISOString();
      const count = LETTERS_PER_BATCH * 2 + 37; // three batches
      const value = (i: number) => JSON.stringify({ event_type: "page.view", user_id: `u${i}`, properties: { path: "/" }, timestamp: at });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: dlq,
        messages: [
          ...Array.from({ length: count }, (_, i) => ({
            value: value(i),
            headers: { source_topic: ingest, source_partition: "0", source_offset: String(i), error_class: "schema_violation", error_message: "was wrong" },
          })),
          // Forged: names a topic nobody ingests from.
          { value: value(-1), headers: { source_topic: internal, source_partition: "0", source_offset: "5", error_class: "invalid_json", error_message: "x" } },
        ],
      });
      await producer.disconnect();
      const replay = (...args: string[]) =>
        runCli(["dead-letters", "replay", ...args], { DATABASE_URL: db.url, KAFKA_DLQ_TOPIC: dlq, KAFKA_TOPICS: ingest });

      const replayed = await replay();
      expect(replayed).toMatchObject({ code: 0, stderr: "" });
      expect(replayed.stdout).toContain(`Read ${count + 1} dead letters from ${dlq}.`);
      expect(replayed.stdout).toContain(`Re-published ${count} that pass now (${ingest} ${count}).`);
      expect(replayed.stdout).toContain(`Refused 1 whose source_topic is not an ingest topic (kafka.topics): ${JSON.stringify(internal)} 1.`);
      expect(await messageCount(kafka, internal)).toBe(0);
      expect(await messageCount(kafka, ingest)).toBe(count);

      const redirected = await replay("--to-topic", repair, "--json");
      expect(redirected.code).toBe(0);
      expect(JSON.parse(redirected.stdout)).toMatchObject({ read: count + 1, republished: count + 1, refused_by_source_topic: {} });
      expect(await messageCount(kafka, repair)).toBe(count + 1);
      expect(await messageCount(kafka, internal)).toBe(0);
    } finally {
      await extra.remove();
    }
  }, 120_000);

  it("demo --events 50 produces exactly 50 trading events to the topic", async () => {
    const result = await run("demo", "--events", "50", "--rate", "500", "--topic", demoTopic, "--seed", "7");
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^Sent 50 events in .* to ${demoTopic.replaceAll(".", "\\.")}\\.`)) });
    const messages = await messagesOf(kafka, demoTopic);
    expect(messages).toHaveLength(50);
    const types = new Set(messages.map((message) => (JSON.parse(message.value!.toString()) as { event_type: string }).event_type));
    expect([...types].some((type) => type.startsWith("strategy.") || type.startsWith("market.") || type.startsWith("order."))).toBe(true);
  });
});
