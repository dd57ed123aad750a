import { crashRestartDelayMs } from "./batch-consumer";

describe("crashRestartDelayMs", () => {
  it("waits 1 s after a first crash, doubling with each crash in a row, capped at a minute", () => {
    expect([1, 2, 3, 4, 6, 7, 50].map(crashRestartDelayMs)).toEqual([1000, 2000, 4000, 8000, 32_000, 60_000, 60_000]);
  });
});
