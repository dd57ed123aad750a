import { eventIdFromKafkaPosition } from "../models";
import { EventTypeValidator } from "./event-type-validator";
import { parseMessage, type RawMessage } from "./parse-message";

const receivedAt = new Date("2025-10-03T12:00:00Z");
const DAY = 86_400_000;
const NAMESPACE = "0c6e5c1e-7d43-4f7a-9a55-5d3f3cf1f0a2";
const options = {
  maxEventBytes: 1024,
  maxFutureSkewMs: 60_000,
  maxEventAgeMs: 36_500 * DAY,
  measureProperties: new Set(["price", "quantity"]),
  derivedIdNamespace: NAMESPACE,
};
const types = new EventTypeValidator([], "accept");
const source = { topic: "user.actions", partition: 2, offset: "17" };

function message(value: string | Buffer | null, timestamp = "1759492800000"): RawMessage {
  return { value: typeof value === "string" ? Buffer.from(value) : value, timestamp, source };
}

const parse = (value: string | Buffer | null) => parseMessage(message(value), receivedAt, options, types);

describe("parseMessage", () => {
  it("turns a valid message into an event, keeping the producer's id and time", () => {
    const result = parse(
      JSON.stringify({
        event_id: "2b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c11",
        event_type: "page.view",
        user_id: "u1",
        session_id: "s1",
        properties: { path: "/orders" },
        timestamp: "2025-10-03T11:59:00Z",
      }),
    );
    expect(result).toEqual({
      ok: true,
      event: {
        eventId: "2b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c11",
        eventType: "page.view",
        userId: "u1",
        sessionId: "s1",
        properties: { path: "/orders" },
        timestamp: new Date("2025-10-03T11:59:00Z"),
        receivedAt,
        source,
      },
    });
  });

  it("derives the id from the Kafka position and the time from the message, so a re-delivery is identical", () => {
    const first = parse(JSON.stringify({ event_type: "user.login" }));
    const again = parseMessage(message(JSON.stringify({ event_type: "user.login" })), new Date(), options, types);
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(first.event.eventId).toBe(eventIdFromKafkaPosition("user.actions", 2, "17", NAMESPACE));
    expect(again.event.eventId).toBe(first.event.eventId);
    expect(again.event.timestamp).toEqual(new Date(1759492800000));
  });

  it("derives another id in another deployment: the namespace is the deployment's, not the source's", () => {
    const here = parse(JSON.stringify({ event_type: "user.login" }));
    const elsewhere = parseMessage(message(JSON.stringify({ event_type: "user.login" })), receivedAt, { ...options, derivedIdNamespace: "6f1a3c2b-1111-4d7e-8a9b-0c1d2e3f4a5b" }, types);
    expect(here.ok && elsewhere.ok && here.event.eventId !== elsewhere.event.eventId).toBe(true);
  });

  it("refuses times outside [received - max age, received + skew], naming which side", () => {
    const at = (timestamp: string) => parse(JSON.stringify({ event_type: "page.view", timestamp }));
    const narrow = (timestamp: string) => parseMessage(message(JSON.stringify({ event_type: "page.view", timestamp })), receivedAt, { ...options, maxEventAgeMs: 90 * DAY }, types);
    expect(at("0001-01-01T00:00:00Z")).toMatchObject({ ok: false, reason: "timestamp_too_old" });
    expect(narrow("2025-07-04T11:59:59Z")).toMatchObject({ ok: false, reason: "timestamp_too_old" });
    expect(narrow("2025-07-05T12:00:00Z")).toMatchObject({ ok: true });
    expect(at("2025-10-03T12:01:01Z")).toMatchObject({ ok: false, reason: "timestamp_in_future" });
  });

  it.each([
    ["a measure past the range", { price: 1e200, quantity: 1 }, "properties.price"],
    ["a negative measure past the range", { quantity: -2e15 }, "properties.quantity"],
    ["a number JSON overflows to Infinity", { deep: { list: [1, "1e309"] } }, "properties.deep.list[1]"],
  ])("dead-letters %s as number_out_of_range, naming the field", (_, properties, field) => {
    const text = JSON.stringify({ event_type: "order.filled", properties }).replace('"1e309"', "1e309");
    const result = parse(text);
    expect(result).toMatchObject({ ok: false, reason: "number_out_of_range" });
    expect(!result.ok && result.detail.startsWith(field)).toBe(true);
  });

  it("keeps in-range measures and large numbers that are not measures", () => {
    expect(parse(JSON.stringify({ event_type: "desk.fill", properties: { price: 1e15, quantity: -1e15, nonce: 1e300 } }))).toMatchObject({ ok: true });
  });

  it.each([
    ["too_large", JSON.stringify({ event_type: "page.view", properties: { path: "x".repeat(2000) } })],
    ["invalid_utf8", Buffer.from([0x7b, 0xc3, 0x28, 0x7d])],
    ["invalid_json", "{\"event_type\": "],
    ["invalid_json", null],
    ["invalid_envelope", JSON.stringify({ user_id: "u1" })],
    ["invalid_envelope", JSON.stringify({ event_type: "page.view", user_id: 42 })],
    ["invalid_envelope", JSON.stringify({ event_type: "page.view", properties: "x" })],
    ["invalid_envelope", JSON.stringify({ event_type: "page.view", event_id: "not-a-uuid" })],
    ["invalid_envelope", JSON.stringify({ event_type: "page.view", timestamp: "yesterday" })],
    ["invalid_envelope", JSON.stringify({ event_type: "Page View" })],
    ["invalid_envelope", JSON.stringify([1, 2])],
    ["timestamp_in_future", JSON.stringify({ event_type: "user.login", timestamp: "2025-10-03T12:05:00Z" })],
    ["schema_violation", JSON.stringify({ event_type: "page.view", properties: { path: 5 } })],
    ["unstorable_text", JSON.stringify({ event_type: "page.view", properties: { path: "/a\u0000b" } })],
    ["unstorable_text", JSON.stringify({ event_type: "page.view", user_id: "u\u0000", properties: { path: "/" } })],
    ["unstorable_text", '{"event_type":"page.view","properties":{"path":"/","note":"\\ud800x"}}'],
    ["unstorable_text", '{"event_type":"page.view","properties":{"path":"/","k\\u0000":1}}'],
  ])("rejects as %s: %s", (reason, value) => {
    const result = parse(value as string | Buffer | null);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    expect(result.detail.length).toBeGreaterThan(0);
  });

  it("accepts escapes PostgreSQL can store: a surrogate pair, an escaped backslash before u0000", () => {
    expect(parse('{"event_type":"page.view","properties":{"path":"/\\ud83d\\udcc8","note":"\\\\u0000"}}')).toMatchObject({
      ok: true,
      event: { properties: { path: "/📈", note: "\\u0000" } },
    });
  });

  it("names the field holding text PostgreSQL cannot store", () => {
    expect(parse(JSON.stringify({ event_type: "page.view", properties: { path: "/", tags: ["ok", "bad\u0000"] } }))).toMatchObject({
      ok: false,
      detail: "properties.tags.1 holds \\u0000 or a lone surrogate, which PostgreSQL cannot store",
    });
  });

  it("names the event type a rejected message claimed, when it is a valid name (for metrics)", () => {
    expect(parse(JSON.stringify({ event_type: "page.view", properties: { path: 5 } }))).toMatchObject({ reason: "schema_violation", eventType: "page.view" });
    expect(parse(JSON.stringify({ event_type: "page.view", user_id: 42 }))).toMatchObject({ reason: "invalid_envelope", eventType: "page.view" });
    for (const value of [JSON.stringify({ event_type: "Page View" }), JSON.stringify({ event_type: 7 }), JSON.stringify([1]), "null", "{"]) {
      const result = parse(value);
      expect(result.ok === false && !("eventType" in result)).toBe(true);
    }
  });

  it("names the offending field of an invalid envelope", () => {
    const result = parse(JSON.stringify({ event_type: "page.view", user_id: 42 }));
    expect(result).toMatchObject({ ok: false, detail: "user_id must be string,null" });
    expect(parse(JSON.stringify({ properties: {} }))).toMatchObject({ ok: false, detail: "event_type is required" });
  });

  // Found by the fuzz suite (packages/fuzz): each was stored with an error on every retry, which
  // stopped its partition (and, one partition at a time, the replica) for good.
  it("dead-letters properties nested too deep to write", () => {
    const nested = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const deep = `{"event_type":"page.view","properties":{"path":"/","n":${nested}}}`;
    expect(parseMessage(message(deep), receivedAt, { ...options, maxEventBytes: 1024 * 1024 }, types)).toEqual({
      ok: false,
      reason: "invalid_envelope",
      detail: "properties nests deeper than 64 levels",
      eventType: "page.view",
    });
  });

  it.each(["0000-01-01T00:00:00Z", "0001-01-01T00:30:00+01:00", "2016-12-31T23:59:60Z"])("dead-letters timestamp %s, which PostgreSQL cannot store", (timestamp) => {
    expect(parse(JSON.stringify({ event_type: "page.view", properties: { path: "/" }, timestamp }))).toEqual({
      ok: false,
      reason: "invalid_envelope",
      detail: `timestamp ${timestamp} cannot be stored (years 0001 to 9999 UTC, no leap second)`,
      eventType: "page.view",
    });
  });
});


describe("parseMessage with NexusCore's envelope", () => {
  const strict = new EventTypeValidator([], "dead_letter");
  const nexusCore = {
    event_type: "user_registered",
    user_id: "7d0c6c1e-5b7a-4f0e-9d43-2f5a1c3b8e90",
    service: "auth-service",
    timestamp: "2025-10-03T11:59:00Z",
    data: { email_domain: "example.com", plan: { tier: "free" } },
  };
  const parseStrict = (body: unknown) => parseMessage(message(JSON.stringify(body)), receivedAt, options, strict);

  it("stores data as the properties and keeps the service", () => {
    expect(parseStrict(nexusCore)).toEqual({
      ok: true,
      event: {
        eventId: eventIdFromKafkaPosition("user.actions", 2, "17", NAMESPACE),
        eventType: "user_registered",
        userId: nexusCore.user_id,
        sessionId: null,
        service: "auth-service",
        properties: nexusCore.data,
        timestamp: new Date("2025-10-03T11:59:00Z"),
        receivedAt,
        source,
      },
    });
  });

  it.each(["user_registered", "user_login", "profile_updated", "profile_viewed", "user_search", "user_activated", "user_deactivated"])(
    "knows %s even where unknown types are dead-lettered, whatever its data holds",
    (eventType) => {
      expect(parseStrict({ ...nexusCore, event_type: eventType, data: { anything: [1, "two", { three: null }] } })).toMatchObject({ ok: true });
      expect(parseStrict({ ...nexusCore, event_type: eventType, data: undefined })).toMatchObject({ ok: true, event: { properties: {} } });
    },
  );

  it("dead-letters an event giving both data and properties, naming data", () => {
    expect(parseStrict({ ...nexusCore, properties: { plan: "free" } })).toEqual({
      ok: false,
      reason: "invalid_envelope",
      detail: "data cannot be sent together with properties (data is NexusCore's name for properties): send one of them",
      eventType: "user_registered",
    });
  });

  it.each([
    [{ service: 42 }, "service must be string,null"],
    [{ service: "s".repeat(257) }, "service must NOT have more than 256 characters"],
    [{ data: "free" }, "data must be object"],
  ])("dead-letters a bad NexusCore field: %j", (change, detail) => {
    expect(parseStrict({ ...nexusCore, ...change })).toEqual({ ok: false, reason: "invalid_envelope", detail, eventType: "user_registered" });
  });

  it("keeps no service when it is null, and checks numbers in data as in properties", () => {
    const unnamed = parseStrict({ ...nexusCore, service: null });
    expect(unnamed.ok && !("service" in unnamed.event)).toBe(true);
    const overflowing = JSON.stringify({ ...nexusCore, data: { score: "1e309" } }).replace('"1e309"', "1e309");
    expect(parseMessage(message(overflowing), receivedAt, options, strict)).toMatchObject({ ok: false, reason: "number_out_of_range" });
  });
});
