import { EventTypeValidator } from "@trading-analytics/core";
import { checkIncomingBatch, checkIncomingEvent } from "./incoming-events";

const receivedAt = new Date("2025-10-03T12:00:00Z");
const rules = {
  maxFutureSkewMs: 60_000,
  maxEventAgeMs: 90 * 86_400_000,
  measureProperties: new Set(["price", "quantity", "volume"]),
  types: new EventTypeValidator([], "accept", { allErrors: true }),
  maxEventBytes: 1024,
};

// Each was a 500 or a 503 before (found by the fuzz suite in packages/fuzz), or a 202 for an
// event the ingester could never store.
describe("checkIncomingEvent", () => {
  it.each(["0000-01-01T00:00:00Z", "2016-12-31T23:59:60Z"])("names the timestamp %s, which cannot be stored", (timestamp) => {
    expect(checkIncomingEvent({ event_type: "page.view", properties: { path: "/" }, timestamp }, receivedAt, rules)).toEqual({
      ok: false,
      violations: [{ field: "timestamp", message: "is not a time that can be stored (years 0001 to 9999 UTC, no leap second)" }],
    });
  });

  it("names properties nested deeper than an event may be, at any depth", () => {
    const properties = JSON.parse(`{"n":${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}`);
    expect(checkIncomingEvent({ event_type: "fuzz.deep", properties }, receivedAt, rules)).toEqual({
      ok: false,
      violations: [{ field: "properties", message: "nests deeper than 64 levels" }],
    });
  });

  it("names properties that make the event larger than one Kafka message may be", () => {
    const checked = checkIncomingEvent({ event_type: "fuzz.huge", properties: { blob: "x".repeat(2_000) } }, receivedAt, rules);
    expect(checked).toMatchObject({ ok: false, violations: [{ field: "properties", message: expect.stringMatching(/^make the event \d+ bytes; at most 1024$/) }] });
    expect(checkIncomingEvent({ event_type: "fuzz.small", properties: { blob: "x" } }, receivedAt, rules).ok).toBe(true);
  });

  it("names each too large event of a batch", () => {
    const checked = checkIncomingBatch({ events: [{ event_type: "a" }, { event_type: "b", properties: { blob: "x".repeat(2_000) } }] }, receivedAt, { ...rules, maxEvents: 10 });
    expect(checked).toMatchObject({ ok: false, violations: [{ field: "events[1].properties" }] });
  });

  it.each([
    ["a year-1 time", "0001-01-01T00:00:00Z", /^0001-01-01T00:00:00.000Z is more than 90 days old/],
    ["a time just past the maximum age", "2025-07-05T11:59:59Z", /more than 90 days old \(analytics.ingestion.max_event_age\)$/],
    ["a time past the allowed skew", "2025-10-03T12:01:00.001Z", /is more than 60000 ms ahead$/],
  ])("names the timestamp for %s, which the ingester would dead-letter", (_, timestamp, message) => {
    expect(checkIncomingEvent({ event_type: "page.view", timestamp }, receivedAt, rules)).toMatchObject({ ok: false, violations: [{ field: "timestamp", message: expect.stringMatching(message) }] });
  });

  it("accepts the edges of the window", () => {
    for (const timestamp of ["2025-07-05T12:00:00Z", "2025-10-03T12:01:00Z"]) expect(checkIncomingEvent({ event_type: "page.view", timestamp }, receivedAt, rules).ok).toBe(true);
  });

  it("names measures outside the range and numbers a double cannot hold, so no product or sum overflows", () => {
    const body = JSON.parse('{"event_type":"order.filled","properties":{"price":1e200,"quantity":-1e16,"volume":1e15,"fees":[0,1e309]}}');
    const checked = checkIncomingEvent(body, receivedAt, rules);
    expect(checked.ok).toBe(false);
    const fields = checked.ok ? [] : checked.violations.map((violation) => violation.field);
    expect(fields).toEqual(expect.arrayContaining(["properties.price", "properties.quantity", "properties.fees[1]"]));
    expect(fields).not.toContain("properties.volume");
  });
});

describe("checkIncomingEvent with NexusCore's envelope", () => {
  const nexusCore = {
    event_type: "user_login",
    user_id: "7d0c6c1e-5b7a-4f0e-9d43-2f5a1c3b8e90",
    service: "auth-service",
    timestamp: "2025-10-03T11:30:00Z",
    data: { method: "password", ip_country: "DE" },
  };
  const strict = { ...rules, types: new EventTypeValidator([], "dead_letter", { allErrors: true }) };

  it("produces data as properties, with the service, and no data field", () => {
    const checked = checkIncomingEvent(nexusCore, receivedAt, strict);
    expect(checked).toEqual({
      ok: true,
      event: {
        event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        event_type: "user_login",
        user_id: nexusCore.user_id,
        service: "auth-service",
        timestamp: "2025-10-03T11:30:00.000Z",
        properties: nexusCore.data,
      },
    });
  });

  it("refuses data given with properties, naming data", () => {
    expect(checkIncomingEvent({ ...nexusCore, properties: {} }, receivedAt, strict)).toEqual({
      ok: false,
      violations: [{ field: "data", message: "cannot be sent together with properties (data is NexusCore's name for properties): send one of them" }],
    });
  });

  it("names every bad field, data among them, when the envelope is bad too", () => {
    const checked = checkIncomingEvent({ ...nexusCore, properties: {}, service: 7 }, receivedAt, strict);
    expect(checked.ok ? [] : checked.violations.map((violation) => violation.field)).toEqual(["service", "data"]);
  });

  it("names a bad value inside data as data.<field>, as the client wrote it", () => {
    const body = JSON.parse('{"event_type":"profile_updated","service":"profile-service","data":{"price":1e200,"scores":[1,1e309]}}');
    const checked = checkIncomingEvent(body, receivedAt, strict);
    expect(checked.ok ? [] : checked.violations.map((violation) => violation.field).sort()).toEqual(["data.price", "data.scores[1]"]);
  });

  it("names each bad event of a NexusCore batch", () => {
    const checked = checkIncomingBatch({ events: [nexusCore, { ...nexusCore, service: "x".repeat(257) }] }, receivedAt, { ...strict, maxEvents: 10 });
    expect(checked).toMatchObject({ ok: false, violations: [{ field: "events[1].service", message: "must NOT have more than 256 characters" }] });
  });
});
