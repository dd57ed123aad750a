import { percentileOfSorted, summarizeLatencies } from "./latency-stats";

describe("summarizeLatencies", () => {
  it("takes nearest-rank percentiles of unsorted durations", () => {
    const durations = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1
    expect(summarizeLatencies(durations)).toEqual({ samples: 100, p50Ms: 50, p90Ms: 90, p99Ms: 99, maxMs: 100 });
  });

  it("gives the only value for every percentile of one sample, and nothing for none", () => {
    expect(summarizeLatencies([2.5])).toMatchObject({ p50Ms: 2.5, p99Ms: 2.5, maxMs: 2.5 });
    expect(summarizeLatencies([])).toBeUndefined();
  });

  it("refuses a percentile of nothing", () => {
    expect(() => percentileOfSorted([], 0.5)).toThrow("no values");
  });
});
