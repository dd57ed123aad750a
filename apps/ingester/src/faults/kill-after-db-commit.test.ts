import { KILL_AFTER_DB_COMMIT_MARKER } from "@trading-analytics/core";
import { type CommittedChunk, killAfterDbCommitHook, killDecider, parseKillPlan } from "./kill-after-db-commit";

const chunk: CommittedChunk = { topic: "trading.events", partition: 2, lastOffset: "41", inserted: 10 };

describe("parseKillPlan", () => {
  it("is off when the variable is unset or empty", () => {
    expect(parseKillPlan(undefined)).toBeUndefined();
    expect(parseKillPlan("  ")).toBeUndefined();
  });

  it("reads every:N and a probability with or without p:", () => {
    expect(parseKillPlan("every:3")).toEqual({ every: 3 });
    expect(parseKillPlan("p:0.25")).toEqual({ probability: 0.25 });
    expect(parseKillPlan("0.5")).toEqual({ probability: 0.5 });
    expect(parseKillPlan("1")).toEqual({ probability: 1 });
  });

  it("refuses anything else, naming the variable", () => {
    for (const bad of ["every:0", "every:x", "0", "1.5", "-0.1", "p:", "always", "NaN"]) {
      expect(() => parseKillPlan(bad)).toThrow(/INGESTER_FAULT_KILL_AFTER_DB_COMMIT/);
    }
  });
});

describe("killDecider", () => {
  it("every:N says yes at the Nth committed chunk and every Nth after it", () => {
    const decide = killDecider({ every: 3 });
    expect(Array.from({ length: 7 }, () => decide())).toEqual([false, false, true, false, false, true, false]);
  });

  it("a probability says yes when the draw is below it", () => {
    const draws = [0.9, 0.05, 0.5, 0.1];
    const decide = killDecider({ probability: 0.1 }, () => draws.shift()!);
    expect([decide(), decide(), decide(), decide()]).toEqual([false, true, false, false]);
  });
});

describe("killAfterDbCommitHook", () => {
  it("announces the chunk on one JSON line, then kills, only when the plan says so", () => {
    const effects: string[] = [];
    const hook = killAfterDbCommitHook({ every: 2 }, { announce: (line) => effects.push(line), kill: () => effects.push("KILL") });
    hook(chunk);
    expect(effects).toEqual([]);
    hook(chunk);
    expect(effects).toHaveLength(2);
    expect(JSON.parse(effects[0]!)).toMatchObject({ message: KILL_AFTER_DB_COMMIT_MARKER, topic: "trading.events", partition: 2, lastOffset: "41", inserted: 10 });
    expect(effects[1]).toBe("KILL");
  });
});
