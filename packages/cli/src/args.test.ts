import { durationOption, integerOption, parseRfc3339, parseSince } from "./args";
import { UsageError } from "./cli-errors";

describe("argument helpers", () => {
  const usage = "Usage: test";

  it("reads RFC 3339 times with a zone, and a bare date as its UTC midnight", () => {
    expect(parseRfc3339("2025-01-31T09:30:00Z", "from", usage).toISOString()).toBe("2025-01-31T09:30:00.000Z");
    expect(parseRfc3339("2025-01-31T09:30:00.250+02:00", "from", usage).toISOString()).toBe("2025-01-31T07:30:00.250Z");
    expect(parseRfc3339("2025-01-31", "from", usage).toISOString()).toBe("2025-01-31T00:00:00.000Z");
  });

  it("refuses times without a zone, impossible dates and other text, naming the option", () => {
    for (const raw of ["2025-01-31T09:30:00", "2025-13-01", "2025-02-30T00:00:00Z", "yesterday", "1738310400", ""]) {
      expect(() => parseRfc3339(raw, "from", usage)).toThrow(UsageError);
    }
    expect(() => parseRfc3339("soon", "to", usage)).toThrow(/^--to: an RFC 3339 time/);
  });

  it("reads --since as a time or as a duration back from now", () => {
    const now = new Date("2025-01-31T12:00:00Z");
    expect(parseSince("2h", "since", usage, now).toISOString()).toBe("2025-01-31T10:00:00.000Z");
    expect(parseSince("30m", "since", usage, now).toISOString()).toBe("2025-01-31T11:30:00.000Z");
    expect(parseSince("2025-01-30", "since", usage, now).toISOString()).toBe("2025-01-30T00:00:00.000Z");
    expect(() => parseSince("2 fortnights", "since", usage, now)).toThrow(UsageError);
  });

  it("reads positive durations and whole numbers within bounds", () => {
    expect(durationOption("90s", "duration", usage)).toBe(90_000);
    expect(durationOption(undefined, "duration", usage)).toBeUndefined();
    expect(() => durationOption("0s", "duration", usage)).toThrow(/--duration: a duration/);
    expect(() => durationOption("forever", "duration", usage)).toThrow(UsageError);
    expect(integerOption("50", "events", usage, 1)).toBe(50);
    expect(() => integerOption("0", "events", usage, 1)).toThrow(/--events: a whole number from 1/);
    expect(() => integerOption("1.5", "events", usage, 1)).toThrow(UsageError);
  });
});
