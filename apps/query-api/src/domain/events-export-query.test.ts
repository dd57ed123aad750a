import { parseExportQuery } from "./events-export-query";

const now = new Date("2025-10-05T12:00:00Z");
const DAY_MS = 86_400_000;

describe("parseExportQuery", () => {
  it("reads the format and the filters of GET /api/v1/events", () => {
    const parsed = parseExportQuery(
      { format: "ndjson", start_time: "2025-10-03T00:00:00Z", end_time: "2025-10-04T00:00:00Z", event_type: "order.filled", user_id: "u", session_id: "s" },
      now,
      { defaultRangeMs: DAY_MS, maxRangeMs: 31 * DAY_MS },
    );
    expect(parsed).toEqual({
      ok: true,
      format: "ndjson",
      filter: {
        start: new Date("2025-10-03T00:00:00Z"),
        end: new Date("2025-10-04T00:00:00Z"),
        eventType: "order.filled",
        userId: "u",
        sessionId: "s",
      },
    });
  });

  it("filters on NexusCore's service, as GET /api/v1/events does", () => {
    expect(parseExportQuery({ format: "csv", service: "auth-service" }, now, { defaultRangeMs: DAY_MS, maxRangeMs: 31 * DAY_MS })).toMatchObject({
      ok: true,
      filter: { service: "auth-service" },
    });
    expect(parseExportQuery({ format: "csv", service: "" }, now, { defaultRangeMs: DAY_MS, maxRangeMs: 31 * DAY_MS })).toMatchObject({ ok: false, field: "service" });
  });

    it("accepts a range of exactly max_range", () => {
    expect(parseExportQuery({ format: "csv", start_time: "2025-09-04T12:00:00Z" }, now, { defaultRangeMs: DAY_MS, maxRangeMs: 31 * DAY_MS })).toMatchObject({ ok: true });
  });

  it("defaults to the day before now, as GET /api/v1/events does", () => {
    const parsed = parseExportQuery({ format: "csv" }, now, { defaultRangeMs: DAY_MS, maxRangeMs: 31 * DAY_MS });
    expect(parsed).toMatchObject({ ok: true, filter: { start: new Date(now.getTime() - DAY_MS), end: now } });
  });

  it.each([
    [{}, "format", "is required"],
    [{ format: "json" }, "format", "csv or ndjson"],
    [{ format: ["csv", "csv"] }, "format", "csv or ndjson"],
    [{ format: "csv", limit: "5" }, "limit", "not supported"],
    [{ format: "csv", cursor: "x" }, "cursor", "not supported"],
    [{ format: "csv", page: "2" }, "page", "unknown parameter"],
    [{ format: "csv", event_type: "Bad Type" }, "event_type", "dotted lower-case"],
    [{ format: "csv", start_time: "2025-10-05" }, "start_time", "RFC 3339"],
    [{ format: "csv", start_time: "2025-09-04T11:59:59Z" }, "start_time", "more than 31d before end_time (analytics.query.max_range)"],
    [{ format: "csv", start_time: "0001-01-01T00:00:00Z", end_time: "9999-12-31T00:00:00Z" }, "start_time", "analytics.query.max_range"],
  ])("rejects %j naming %s", (params, field, message) => {
    const parsed = parseExportQuery(params, now, { defaultRangeMs: DAY_MS, maxRangeMs: 31 * DAY_MS });
    expect(parsed).toMatchObject({ ok: false, field });
    expect(parsed.ok || parsed.message).toContain(message);
  });
});
