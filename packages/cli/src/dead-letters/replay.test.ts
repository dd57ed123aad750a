import { eventIdFromKafkaPosition, EventTypeValidator } from "@trading-analytics/core";
import { type DeadLetter, deadLetterOf, previewValue } from "./dead-letter";
import { createReplayPlanner, planReplay, summarizeReplay, withEventId } from "./replay";

const receivedAt = new Date("2025-01-31T12:00:00Z");
const NAMESPACE = "0c6e5c1e-7d43-4f7a-9a55-5d3f3cf1f0a2";
const options = { maxEventBytes: 400, maxFutureSkewMs: 300_000, maxEventAgeMs: 90 * 86_400_000, measureProperties: new Set(["price"]), derivedIdNamespace: NAMESPACE };
const signal = { name: "custom.trading.signal", version: 2, displayName: null, description: null, isActive: true, createdAt: receivedAt };
const types = new EventTypeValidator(
  [{ ...signal, schema: { type: "object", required: ["price"], properties: { price: { type: "number" } } } }],
  "dead_letter",
);
const EVENT_ID = "2b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c11";

function letter(value: unknown, source: Record<string, string> = { source_topic: "trading.events", source_partition: "2", source_offset: "17" }, offset = "0"): DeadLetter {
  return deadLetterOf(0, {
    offset,
    timestamp: String(receivedAt.getTime() - 60_000),
    key: Buffer.from("k1"),
    value: typeof value === "string" ? Buffer.from(value) : Buffer.from(JSON.stringify(value)),
    headers: { ...source, error_class: "schema_violation", error_message: "was wrong" },
  });
}

const INGEST = { ingestTopics: new Set(["trading.events"]) };
const plan = (...letters: DeadLetter[]) => planReplay(letters, receivedAt, options, types, INGEST);

describe("planReplay", () => {
  it("re-publishes a letter that passes now to its source topic and partition, with the event_id its position gave it", () => {
    const [decision] = plan(letter({ event_type: "custom.trading.signal", properties: { price: 1 } }));
    expect(decision).toMatchObject({ kind: "republish", topic: "trading.events", partition: 2, key: Buffer.from("k1"), eventIdAdded: true });
    const expectedId = eventIdFromKafkaPosition("trading.events", 2, "17", NAMESPACE);
    expect(decision).toMatchObject({ eventId: expectedId });
    expect(JSON.parse((decision as { value: Buffer }).value.toString())).toEqual({ event_type: "custom.trading.signal", properties: { price: 1 }, event_id: expectedId });
  });

  it("keeps the original bytes of an event that carries its own event_id", () => {
    const original = letter(`{"event_id":"${EVENT_ID}", "event_type":"custom.trading.signal","properties":{"price":2}}`);
    const [decision] = plan(original);
    expect(decision).toMatchObject({ kind: "republish", eventId: EVENT_ID, eventIdAdded: false });
    expect((decision as { value: Buffer }).value).toBe(original.value);
  });

  it("reports what still fails with the ingester's reason, and letters without source headers", () => {
    const at = (offset: string) => ({ source_topic: "trading.events", source_partition: "0", source_offset: offset });
    const decisions = plan(
      letter({ event_type: "custom.trading.signal", properties: { price: "cheap" } }, at("1")),
      letter("{not json", at("2")),
      letter({ event_type: "custom.unknown", properties: {} }, at("3")),
      letter({ event_type: "custom.trading.signal", properties: { price: 1 } }, {}),
    );
    expect(decisions.map((decision) => (decision.kind === "still_fails" ? decision.reason : decision.kind))).toEqual([
      "schema_violation",
      "invalid_json",
      "unknown_event_type",
      "no_source",
    ]);
  });

  it("re-publishes a source position once, however often it was dead-lettered", () => {
    const event = { event_type: "custom.trading.signal", properties: { price: 1 } };
    expect(plan(letter(event, undefined, "0"), letter(event, undefined, "1")).map((decision) => decision.kind)).toEqual(["republish", "repeat"]);
  });

  it("judges the message again once its event_id is written in (it may no longer fit)", () => {
    const padding = "x".repeat(400 - 100);
    const event = { event_type: "custom.trading.signal", properties: { price: 1, note: padding } };
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThanOrEqual(400);
    const [decision] = plan(letter(event));
    expect(decision).toMatchObject({ kind: "still_fails", reason: "too_large", detail: expect.stringMatching(/^with its event_id added: /) });
  });

  it("summarizes by topic and by reason, with an example of each reason", () => {
    const event = { event_type: "custom.trading.signal", properties: { price: 1 } };
    const summary = summarizeReplay(plan(letter(event), letter(event, undefined, "1"), letter({ event_type: "custom.trading.signal", properties: {} }, { source_topic: "trading.events", source_partition: "0", source_offset: "3" })));
    expect(summary).toEqual({
      read: 3,
      republish: 1,
      repeats: 1,
      byTopic: { "trading.events": 1 },
      refused: {},
      stillFailing: { schema_violation: { count: 1, example: "custom.trading.signal: properties.price is required" } },
    });
  });
});

describe("replay targets", () => {
  const passing = { event_type: "custom.trading.signal", properties: { price: 1 } };
  const forged = { source_topic: "internal.billing", source_partition: "0", source_offset: "3" };

  it("refuses a letter whose source_topic is not an ingest topic, and counts it by the topic named", () => {
    const decisions = plan(letter(passing, forged), letter(passing, forged, "1"), letter(passing));
    expect(decisions.map((decision) => decision.kind)).toEqual(["refused", "refused", "republish"]);
    expect(summarizeReplay(decisions)).toMatchObject({ read: 3, republish: 1, refused: { "internal.billing": 2 } });
  });

  it("counts a refused topic named __proto__ like any other", () => {
    const summary = summarizeReplay(plan(letter(passing, { ...forged, source_topic: "__proto__" })));
    expect(Object.entries(summary.refused)).toEqual([["__proto__", 1]]);
  });

  it("sends every passing letter to --to-topic, placed by key, keeping the id its original position gives", () => {
    const [decision] = planReplay([letter(passing, forged)], receivedAt, options, types, { ...INGEST, toTopic: "repair.queue" });
    expect(decision).toMatchObject({ kind: "republish", topic: "repair.queue", partition: undefined, eventId: eventIdFromKafkaPosition("internal.billing", 0, "3", NAMESPACE) });
  });

  it("remembers positions across the batches fed to one planner", () => {
    const planner = createReplayPlanner(receivedAt, options, types, INGEST);
    expect(planner([letter(passing)]).map((decision) => decision.kind)).toEqual(["republish"]);
    expect(planner([letter(passing, undefined, "9")]).map((decision) => decision.kind)).toEqual(["repeat"]);
  });
});

describe("withEventId", () => {
  it("adds event_id to JSON without one, replacing a null", () => {
    expect(JSON.parse(withEventId(Buffer.from('{"event_type":"a","event_id":null}'), EVENT_ID).toString())).toEqual({ event_type: "a", event_id: EVENT_ID });
  });
});

describe("dead letters", () => {
  it("reads the ingester's headers, and tolerates missing or malformed ones", () => {
    expect(letter({}).source).toEqual({ topic: "trading.events", partition: 2, offset: "17" });
    expect(letter({}, { source_topic: "t", source_partition: "two", source_offset: "1" }).source).toBeUndefined();
    const bare = deadLetterOf(1, { offset: "5", timestamp: "0", key: null, value: null });
    expect(bare).toMatchObject({ partition: 1, offset: "5", reason: "unknown", message: "", source: undefined });
  });

  it("previews a value on one line: control characters escaped, long ones cut, bytes that are not UTF-8 in hex", () => {
    expect(previewValue(Buffer.from('{"a":"line\nbreak\u0001"}'))).toBe('{"a":"line\\nbreak\\u0001"}');
    expect(previewValue(Buffer.from("x".repeat(200)), 10)).toBe(`${"x".repeat(10)}…`);
    expect(previewValue(Buffer.from([0xff, 0xfe, 0x41]))).toBe("(3 bytes, not UTF-8) fffe41");
    expect(previewValue(null)).toBe("(empty)");
  });
});
