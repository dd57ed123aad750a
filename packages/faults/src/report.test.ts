import { faultRows, faultTable, figuresLine } from "./report";

describe("faultRows", () => {
  it("counts what was acknowledged inside each fault window and how it ended up", () => {
    const outcomes = [{ name: "kill", startedAt: 100, endedAt: 200, ackedAtEnd: 3 }];
    const produced = [
      { id: "a", ackedAt: 50 },
      { id: "b", ackedAt: 150 },
      { id: "c", ackedAt: 180 },
    ];
    const invalid = [{ id: "bad-1", ackedAt: 120 }];
    const samples = [
      { at: 150, acked: 2, stored: 1 },
      { at: 1200, acked: 3, stored: 3 },
    ];
    const [row] = faultRows(outcomes, produced, invalid, new Map([["a", 1], ["b", 2]]), new Set(["bad-1"]), samples, [150, 5000]);
    expect(row).toEqual({ fault: "kill", produced: 2, stored: 1, duplicated: 1, lost: 1, invalid: 1, deadLettered: 1, worstLag: 1, recoveryMs: 1000, crashes: 2 });
  });
});

describe("faultTable", () => {
  it("prints one aligned row per fault", () => {
    const table = faultTable([{ fault: "x", produced: 10, stored: 10, duplicated: 0, lost: 0, invalid: 1, deadLettered: 1, worstLag: 4, recoveryMs: undefined, crashes: 0 }]);
    const lines = table.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain("not recovered");
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it("shows the kills between the commits that happened, of those planned, where a fault planned any", () => {
    const row = { fault: "x", produced: 10, stored: 10, duplicated: 0, lost: 0, invalid: 0, deadLettered: 0, worstLag: 0, recoveryMs: 1000, crashes: 0 };
    const table = faultTable([
      { ...row, fault: "ingester SIGKILL", figures: { kills: 10, kills_planned_between_commits: 5, kills_between_db_and_kafka_commit: 4 } },
      { ...row, fault: "Kafka restart" },
    ]);
    const [header, , sigkill, restart] = table.split("\n").map((line) => line.split("|").map((cell) => cell.trim()));
    expect(header!.at(-2)).toBe("kills between commits");
    expect(sigkill!.at(-2)).toBe("4/5");
    expect(restart!.at(-2)).toBe("-");
  });
});

describe("figuresLine", () => {
  it("names each figure a scenario counted", () => {
    expect(figuresLine("ingester SIGKILL", { kills: 10, kills_between_db_and_kafka_commit: 5 })).toBe("ingester SIGKILL: kills 10, kills between db and kafka commit 5");
  });
});
