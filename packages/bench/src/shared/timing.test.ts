import { median, percentile, percentileOfSorted, summarizeLatencies } from "./timing";

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

describe("percentile", () => {
  it("sorts a copy and takes the nearest rank, leaving the values as they were", () => {
    const values = [5, 1, 4, 2, 3];
    expect(percentile(values, 0.99)).toBe(5);
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 4, 2, 3]);
  });

  it("has no percentile of nothing", () => {
    expect(median([])).toBeUndefined();
  });
});
