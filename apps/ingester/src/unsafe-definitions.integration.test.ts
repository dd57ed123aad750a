import { randomUUID } from "node:crypto";
import type { KafkaMessage } from "kafkajs";
import { testKafka, uniqueSuffix, waitFor } from "@trading-analytics/core/testing";
import { IngesterHarness } from "./testing/ingester-harness";

const time = new Date(Date.now() - 60_000).toISOString();
const SHARED_ID = "https://example.com/schemas/shared.json";

/** Definitions as they could be stored before the API refused them (or written straight to the table). */
const STORED = {
  "custom.unsafe.async": { $async: true, type: "object", required: ["a"] },
  "custom.unsafe.backref": { type: "object", properties: { code: { type: "string", pattern: "^(\\w)\\1$" } } },
  "custom.safe.backtracking": { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } },
  "custom.safe.shared_a": { $id: SHARED_ID, type: "object", required: ["a"] },
  "custom.safe.shared_b": { $id: SHARED_ID, type: "object", required: ["b"] },
};

function event(eventType: string, properties: Record<string, unknown>) {
  const id = randomUUID();
  return { id, value: JSON.stringify({ event_id: id, event_type: eventType, user_id: "u1", properties, timestamp: time }) };
}

/**
 * Unsafe custom definitions already stored stop nothing: the ingester stays up, refuses their
 * events as dead letters naming the definition, and keeps validating every other type.
 */
describe("ingester with unsafe stored custom definitions", () => {
  let harness: IngesterHarness;
  const refused = {
    asyncViolating: event("custom.unsafe.async", {}),
    asyncConforming: event("custom.unsafe.async", { a: 1 }),
    backref: event("custom.unsafe.backref", { code: "aa" }),
    backtrackingNearMatch: event("custom.safe.backtracking", { s: `${"a".repeat(40)}!` }),
    sharedAViolating: event("custom.safe.shared_a", { b: 1 }),
  };
  const stored = [
    event("page.view", { path: "/" }),
    event("custom.safe.backtracking", { s: "a".repeat(10_000) }),
    event("custom.safe.shared_a", { a: 1 }),
    event("custom.safe.shared_b", { b: 1 }),
  ];
  const letters = new Map<string, KafkaMessage>();

  beforeAll(async () => {
    harness = await IngesterHarness.create({ prefix: "unsafe_definitions", partitions: 1 });
    for (const [name, schema] of Object.entries(STORED)) {
      await harness.db.sql`
        insert into custom_event_definitions (name, version, schema, is_active)
        values (${name}, 1, ${harness.db.sql.json(schema)}, true)`;
    }
    await harness.startReplica();
    for (const message of [...Object.values(refused), ...stored]) await harness.produceOne(message.value);
    await waitFor(async () => (await harness.missing(stored.map((e) => e.id))).length, (missing) => missing === 0, {
      timeoutMs: 30_000,
      what: "every acceptable event to be stored",
    });
    await harness.waitUntilCaughtUp();
    for (const letter of await readTopic(harness.deadLetterTopic, Object.keys(refused).length)) {
      letters.set(JSON.parse(String(letter.value)).event_id as string, letter);
    }
  }, 90_000);

  afterAll(async () => {
    await harness?.cleanup();
  });

  const header = (id: string, name: string) => String(letters.get(id)?.headers?.[name]);

  it("stays up, with no unhandled rejection", () => {
    const replica = harness.replicas[0]!;
    expect(replica.child.exitCode).toBeNull();
    expect(replica.output()).not.toMatch(/unhandled|UnhandledPromiseRejection/i);
  });

  it("dead-letters events of an unusable definition, conforming or not, naming why", () => {
    for (const { id } of [refused.asyncViolating, refused.asyncConforming]) {
      expect(header(id, "error_class")).toBe("schema_violation");
      expect(header(id, "error_message")).toMatch(/^custom\.unsafe\.async: active definition v1 cannot be used, .*\$async/);
    }
    expect(header(refused.backref.id, "error_message")).toMatch(/^custom\.unsafe\.backref: active definition v1 cannot be used, .*RE2/);
  });

  it("runs a backtracking-prone pattern in linear time, and keeps definitions sharing a $id apart", () => {
    expect(header(refused.backtrackingNearMatch.id, "error_message")).toBe('custom.safe.backtracking: properties.s must match pattern "^(a+)+$"');
    expect(header(refused.sharedAViolating.id, "error_message")).toBe("custom.safe.shared_a: properties.a is required");
  });

  it("stores every other event, and dead-letters nothing else", async () => {
    expect(await harness.missing(stored.map((e) => e.id))).toEqual([]);
    expect([...letters.keys()].sort()).toEqual(Object.values(refused).map((e) => e.id).sort());
    expect(await harness.counts()).toEqual({ rows: stored.length, distinct: stored.length });
  });
});

/** The first `expected` messages of a topic, read by a throwaway group. */
async function readTopic(topic: string, expected: number): Promise<KafkaMessage[]> {
  const messages: KafkaMessage[] = [];
  const consumer = testKafka().consumer({ groupId: `test-dlq-reader-${uniqueSuffix()}` });
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
