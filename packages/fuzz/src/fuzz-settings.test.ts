import { casesPerChannel, DEFAULT_RUNS, DEFAULT_SEED, fuzzSettings, KAFKA_CHANNEL } from "./fuzz-settings";
import { HTTP_CHANNELS } from "./generators/http-cases";

describe("fuzzSettings", () => {
  it("runs the short profile with the fixed seed unless told otherwise", () => {
    expect(fuzzSettings({})).toEqual({ seed: DEFAULT_SEED, runs: DEFAULT_RUNS });
    expect(fuzzSettings({ FUZZ_SEED: "42", FUZZ_RUNS: "10000" })).toEqual({ seed: 42, runs: 10_000 });
  });

  it("draws a seed when asked for a random one", () => {
    expect(fuzzSettings({ FUZZ_SEED: "random" }).seed).toEqual(expect.any(Number));
  });

  it("refuses a seed or run count that is not an integer", () => {
    expect(() => fuzzSettings({ FUZZ_SEED: "abc" })).toThrow("FUZZ_SEED");
    expect(() => fuzzSettings({ FUZZ_RUNS: "5" })).toThrow("FUZZ_RUNS");
  });
});

describe("casesPerChannel", () => {
  it("gives every channel cases that add up to exactly the runs asked for", () => {
    for (const runs of [10, 1_000, 10_001]) {
      const counts = casesPerChannel(runs);
      expect([...counts.keys()]).toEqual([...HTTP_CHANNELS, KAFKA_CHANNEL]);
      expect([...counts.values()].reduce((sum, n) => sum + n, 0)).toBe(runs);
    }
    expect(casesPerChannel(10_000).get(KAFKA_CHANNEL)).toBe(3_100);
  });
});
