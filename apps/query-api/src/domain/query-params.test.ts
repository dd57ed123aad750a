import { parseEventsQuery } from "./events-query";
import { ParameterError, parseRfc3339, QueryParams } from "./query-params";

const now = new Date("2025-10-03T12:00:00Z");
const limits = { defaultLimit: 100, maxResults: 1000, defaultRangeMs: 86_400_000, maxRangeMs: 31 * 86_400_000 };

// PostgreSQL refuses these as bound parameters; they were 500s (found by the fuzz suite).
describe("query parameters PostgreSQL cannot take", () => {
  it("are not RFC 3339 times: year 0, past 9999, a leap second", () => {
    expect(parseRfc3339("0000-01-01T00:00:00Z")).toBeUndefined();
    expect(parseRfc3339("9999-12-31T23:59:59-01:00")).toBeUndefined();
    expect(parseRfc3339("2016-12-31T23:59:60Z")).toBeUndefined();
    expect(parseRfc3339("0001-01-01T00:00:00Z")).toEqual(new Date("0001-01-01T00:00:00Z"));
  });

  it("refuse U+0000 in text, naming the parameter", () => {
    expect(() => new QueryParams({ dimension_value: "a\u0000" }, ["dimension_value"]).text("dimension_value")).toThrow(
      new ParameterError("dimension_value", "must not hold U+0000 (%00)"),
    );
    for (const name of ["user_id", "session_id", "properties.symbol"]) {
      expect(parseEventsQuery({ [name]: "\u0000" }, now, limits)).toEqual({ ok: false, field: name, message: "must not hold U+0000 (%00)" });
    }
    expect(parseEventsQuery({ start_time: "0000-01-01T00:00:00Z" }, now, limits)).toMatchObject({ ok: false, field: "start_time" });
  });
});
