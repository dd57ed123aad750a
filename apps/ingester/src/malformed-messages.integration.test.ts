import { createHash, randomUUID } from "node:crypto";
import type { KafkaMessage } from "kafkajs";
import { testKafka, uniqueSuffix, waitFor } from "@trading-analytics/core/testing";
import { IngesterHarness } from "./testing/ingester-harness";

// Room for the 2 MB message on the source and dead-letter topics (the broker default is 1 MB);
// the ingester's own limit (max_event_bytes) stays at its 1 MiB default.
const TOPIC_MAX_BYTES = 4 * 1024 * 1024;

const SIGNAL_SCHEMA = {
  type: "object",
  required: ["signal_strength"],
  properties: { signal_strength: { type: "number" } },
};

interface Malformed {
  name: string;
  reason: string;
  value: Buffer;
  /** Set when the message carries an event id, to check it was not stored. */
  id?: string;
}

const json = (body: unknown) => Buffer.from(JSON.stringify(body));
const time = new Date(Date.now() - 60_000).toISOString();
const badId = () => randomUUID();

function malformedCases(): Malformed[] {
  const ids = { envelope: badId(), large: badId(), signal: badId(), nul: badId(), huge: badId(), overflow: badId(), ancient: badId() };
  return [
    { name: "bad JSON", reason: "invalid_json", value: Buffer.from('{"event_type": "page.view", "user_id": ') },
    { name: "a missing event_type", reason: "invalid_envelope", id: ids.envelope, value: json({ event_id: ids.envelope, user_id: "u1", properties: {}, timestamp: time }) },
    { name: "a numeric user_id", reason: "invalid_envelope", value: json({ event_type: "page.view", user_id: 42, timestamp: time }) },
    { name: "string properties", reason: "invalid_envelope", value: json({ event_type: "page.view", properties: "x", timestamp: time }) },
    {
      name: "a 2 MB payload",
      reason: "too_large",
      id: ids.large,
      value: json({ event_id: ids.large, event_type: "page.view", properties: { blob: "x".repeat(2 * 1024 * 1024) }, timestamp: time }),
    },
    {
      name: "invalid UTF-8",
      reason: "invalid_utf8",
      value: Buffer.concat([Buffer.from('{"event_type":"page.view","user_id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    },
    {
      name: "a NUL character PostgreSQL cannot store",
      reason: "unstorable_text",
      id: ids.nul,
      value: json({ event_id: ids.nul, event_type: "page.view", properties: { path: "/a\u0000b" }, timestamp: time }),
    },
    {
      name: "a fill whose price and quantity would overflow their product",
      reason: "number_out_of_range",
      id: ids.huge,
      value: json({ event_id: ids.huge, event_type: "custom.fill", properties: { price: 1e200, quantity: 1e200 }, timestamp: time }),
    },
    {
      name: "a number JSON overflows to Infinity",
      reason: "number_out_of_range",
      id: ids.overflow,
      value: Buffer.from(`{"event_id":"${ids.overflow}","event_type":"custom.fill","properties":{"fee":1e309},"timestamp":"${time}"}`),
    },
    {
      name: "a time older than raw retention (year 1)",
      reason: "timestamp_too_old",
      id: ids.ancient,
      value: json({ event_id: ids.ancient, event_type: "page.view", timestamp: "0001-01-01T00:00:00Z" }),
    },
    {
      name: "a custom event violating its schema",
      reason: "schema_violation",
      id: ids.signal,
      value: json({ event_id: ids.signal, event_type: "custom.trading.signal", properties: { signal_strength: "high" }, timestamp: time }),
    },
  ];
}

function validEvent(eventType = "page.view", properties: Record<string, unknown> = { path: "/" }) {
  const id = randomUUID();
  return { id, value: json({ event_id: id, event_type: eventType, user_id: "u1", properties, timestamp: time }) };
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/**
 * Every kind of message that can never become an event goes to the dead-letter topic, byte
 * for byte, with headers saying why and where it came from, while the valid events around it
 * on the same partition are stored.
 */
describe("ingester with malformed messages", () => {
  let harness: IngesterHarness;
  const taken = validEvent("custom.fill", { price: 101.25, quantity: 3 });
  const cases: Malformed[] = [
    ...malformedCases(),
    {
      name: "another event under a stored id",
      reason: "duplicate_event_id",
      value: json({ event_id: taken.id, event_type: "custom.fill", user_id: "u1", properties: { price: 99, quantity: 3 }, timestamp: time }),
    },
    {
      name: "the stored id with another time (another day)",
      reason: "duplicate_event_id",
      value: json({ event_id: taken.id, event_type: "custom.fill", user_id: "u1", properties: { price: 101.25, quantity: 3 }, timestamp: new Date(Date.now() - 3 * 86_400_000).toISOString() }),
    },
  ];
  // Per malformed message: its offset, and the valid events sent just before and after it.
  const sent = new Map<string, { offset: string; before: string; after: string }>();
  const valid: string[] = [];
  const conformingSignal = validEvent("custom.trading.signal", { signal_strength: 0.8 });
  const letters = new Map<string, KafkaMessage>();

  beforeAll(async () => {
    harness = await IngesterHarness.create({ prefix: "malformed", partitions: 1, topicConfig: { "max.message.bytes": String(TOPIC_MAX_BYTES) } });
    // The definition must exist before the ingester starts, as an operator would define it.
    // sql.json: a JSON text bound to a jsonb parameter would be stored as a jsonb string.
    await harness.db.sql`
      insert into custom_event_definitions (name, version, schema, is_active)
      values ('custom.trading.signal', 1, ${harness.db.sql.json(SIGNAL_SCHEMA)}, true)`;
    await harness.startReplica();

    // An event whose id a later message reuses; stored first, so the later one meets it stored.
    await harness.produceOne(taken.value);
    valid.push(taken.id);
    await waitFor(async () => (await harness.missing([taken.id])).length, (missing) => missing === 0, { timeoutMs: 30_000, what: "the event whose id is reused" });

    // One partition, so "before" and "after" are the neighbours in processing order.
    let previous = validEvent();
    valid.push(previous.id);
    await harness.produceOne(previous.value);
    for (const bad of cases) {
      const offset = await harness.produceOne(bad.value);
      const next = bad.reason === "schema_violation" ? conformingSignal : validEvent();
      await harness.produceOne(next.value);
      valid.push(next.id);
      sent.set(bad.name, { offset, before: previous.id, after: next.id });
      previous = next;
    }

    await waitFor(async () => (await harness.missing([previous.id])).length, (missing) => missing === 0, {
      timeoutMs: 30_000,
      what: "the last valid event (after every malformed one) to be stored",
    });
    await harness.waitUntilCaughtUp();
    for (const letter of await readTopic(harness.deadLetterTopic, await harness.endOffsets(harness.deadLetterTopic))) {
      letters.set(String(letter.headers?.source_offset), letter);
    }
  }, 90_000);

  afterAll(async () => {
    await harness?.cleanup();
  });

  it.each(cases.map((bad) => [bad.name, bad.reason, bad] as const))("dead-letters %s as %s and stores its neighbours", async (name, reason, bad) => {
    const { offset, before, after } = sent.get(name)!;
    const letter = letters.get(offset);
    const headers = Object.fromEntries(Object.entries(letter?.headers ?? {}).map(([key, value]) => [key, String(value)]));
    expect(headers).toMatchObject({
      error_class: reason,
      source_topic: harness.topic,
      source_partition: "0",
      source_offset: offset,
    });
    expect(headers.error_message).toBeTruthy();
    // The original bytes, untouched (hashes keep a 2 MB mismatch readable).
    expect(letter?.value?.length).toBe(bad.value.length);
    expect(sha256(letter!.value!)).toBe(sha256(bad.value));

    expect(await harness.missing([before, after])).toEqual([]);
    if (bad.id) expect(await harness.missing([bad.id])).toEqual([bad.id]);
  });

  it("keeps the first event under a reused id as it was stored, and skips an identical re-send without a letter", async () => {
    await harness.produceOne(taken.value);
    await harness.waitUntilCaughtUp();
    const [row] = await harness.db.sql<{ properties: unknown }[]>`select properties from events where id = ${taken.id}`;
    expect(row).toEqual({ properties: { price: 101.25, quantity: 3 } });
    expect(await harness.db.sql`select count(*)::int as n from events where id = ${taken.id}`).toEqual([{ n: 1 }]);
    const end = await harness.endOffsets(harness.deadLetterTopic);
    expect([...end.values()].reduce((sum, offset) => sum + Number(offset), 0)).toBe(cases.length);
  });

  it("keeps the first of two copies of a new id sent together, dead-letters the other, and keeps consuming", async () => {
    const id = randomUUID();
    const copy = (price: number) => json({ event_id: id, event_type: "custom.fill", user_id: "u1", properties: { price, quantity: 1 }, timestamp: time });
    const [meta] = await harness.producer.send({ topic: harness.topic, acks: -1, messages: [{ value: copy(10), partition: 0 }, { value: copy(11), partition: 0 }] });
    valid.push(id);
    await harness.waitUntilCaughtUp();
    const [row] = await harness.db.sql<{ properties: unknown }[]>`select properties from events where id = ${id}`;
    expect(row).toEqual({ properties: { price: 10, quantity: 1 } });
    const second = (BigInt(meta!.baseOffset!) + 1n).toString();
    const letters = await harness.readDeadLetters();
    const mine = letters.filter((letter) => String(letter.headers?.source_offset) === second || String(letter.headers?.source_offset) === meta!.baseOffset);
    expect(mine.map((letter) => [String(letter.headers?.source_offset), String(letter.headers?.error_class)])).toEqual([[second, "duplicate_event_id"]]);
    expect(harness.replicas[0]!.child.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${harness.replicas[0]!.port}/ready`)).status).toBe(200);
  });

  it("stores a custom event that matches its active schema", async () => {
    const [row] = await harness.db.sql<{ event_type: string; properties: unknown }[]>`
      select event_type, properties from events where id = ${conformingSignal.id}`;
    expect(row).toEqual({ event_type: "custom.trading.signal", properties: { signal_strength: 0.8 } });
  });

  it("stores every valid event once and dead-letters nothing else", async () => {
    expect(await harness.counts()).toEqual({ rows: valid.length, distinct: valid.length });
    expect(await harness.missing(valid)).toEqual([]);
    expect([...letters.values()].map((letter) => String(letter.headers?.error_class)).sort()).toEqual(cases.map((bad) => bad.reason).sort());
  });
});

/** Every message of a topic up to `end` (its end offsets when called), read by a throwaway group. */
async function readTopic(topic: string, end: Map<number, bigint>): Promise<KafkaMessage[]> {
  const expected = [...end.values()].reduce((sum, offset) => sum + Number(offset), 0);
  const messages: KafkaMessage[] = [];
  const consumer = testKafka().consumer({ groupId: `test-dlq-reader-${uniqueSuffix()}`, maxBytesPerPartition: 2 * TOPIC_MAX_BYTES });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await waitFor(async () => messages.length, (n) => n >= expected, { timeoutMs: 20_000, what: `${expected} messages on ${topic}` });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
