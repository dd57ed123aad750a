import { parseSoakArgs, soakRate } from "./soak-args";
import { drainRate } from "./max-rate";
import { querySchedule } from "./query-load";

describe("parseSoakArgs", () => {
  it("defaults to 10 minutes with the maximum rate measured", () => {
    expect(parseSoakArgs([])).toEqual({ minutes: 10, maxRate: undefined, backlog: 500_000, sampleEverySeconds: 5, queryRate: 8 });
  });

  it("reads flags as --flag N or --flag=N", () => {
    expect(parseSoakArgs(["--minutes", "2", "--max-rate=20000", "--query-rate", "4"])).toMatchObject({ minutes: 2, maxRate: 20_000, queryRate: 4 });
  });

  it("refuses unknown flags and values that are not positive numbers, with the usage", () => {
    expect(() => parseSoakArgs(["--hours", "1"])).toThrow(/unknown argument "--hours"[\s\S]*usage/);
    expect(() => parseSoakArgs(["--minutes"])).toThrow(/--minutes needs a positive number/);
    expect(() => parseSoakArgs(["--minutes", "0"])).toThrow(/positive/);
    expect(() => parseSoakArgs(["--max-rate", "fast"])).toThrow(/positive/);
  });
});

describe("soakRate", () => {
  it("is half the maximum, in steps of 10 events/s", () => {
    expect(soakRate(20_517)).toBe(10_250);
    expect(soakRate(15)).toBe(10);
  });
});

describe("drainRate", () => {
  it("measures the steady middle of the drain, between 10 % and 90 % of the backlog stored", () => {
    const samples = [
      { at: 0, stored: 0 },
      { at: 5_000, stored: 0 }, // joining the group
      { at: 6_000, stored: 20_000 },
      { at: 10_000, stored: 100_000 },
      { at: 14_000, stored: 180_000 },
      { at: 30_000, stored: 200_000 }, // stragglers
    ];
    expect(drainRate(samples, 200_000)).toEqual({ eventsPerSecond: 20_000, seconds: 8 });
    expect(drainRate(samples.slice(0, 3), 200_000)).toBeUndefined();
  });
});

describe("querySchedule", () => {
  it("sends each query as often as its weight, spread over the cycle", () => {
    expect(querySchedule([2, 2, 3, 1])).toEqual([0, 1, 2, 3, 0, 1, 2, 2]);
  });
});
