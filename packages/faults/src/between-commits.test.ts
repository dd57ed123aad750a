import { betweenCommitsCell, betweenCommitsShortfalls, betweenCommitsTally, betweenCommitsTotal } from "./between-commits";

const sigkill = (planned: number, happened: number) => ({
  fault: "ingester SIGKILL",
  figures: { kills: 10, kills_planned_between_commits: planned, kills_between_db_and_kafka_commit: happened, kills_at_random_instants: 10 - happened },
});
const kafkaRestart = { fault: "Kafka restart", figures: undefined };

describe("betweenCommitsTally", () => {
  it("reads the planned and the happened kills from a scenario's figures", () => {
    expect(betweenCommitsTally(sigkill(5, 4).figures)).toEqual({ planned: 5, happened: 4 });
  });

  it("is undefined for a fault that planned none", () => {
    expect(betweenCommitsTally(undefined)).toBeUndefined();
    expect(betweenCommitsTally({ kills: 3 })).toBeUndefined();
    expect(betweenCommitsTally({ kills_planned_between_commits: 0 })).toBeUndefined();
  });

  it("counts none happened when the scenario reported only its plan", () => {
    expect(betweenCommitsTally({ kills_planned_between_commits: 2 })).toEqual({ planned: 2, happened: 0 });
  });
});

describe("betweenCommitsCell", () => {
  it("shows happened/planned, or a dash where nothing was planned", () => {
    expect(betweenCommitsCell(sigkill(5, 3).figures)).toBe("3/5");
    expect(betweenCommitsCell(undefined)).toBe("-");
  });
});

describe("betweenCommitsTotal", () => {
  it("adds up the faults that planned such kills", () => {
    expect(betweenCommitsTotal([sigkill(5, 5), kafkaRestart, sigkill(2, 1)])).toEqual({ planned: 7, happened: 6 });
    expect(betweenCommitsTotal([kafkaRestart])).toEqual({ planned: 0, happened: 0 });
  });
});

describe("betweenCommitsShortfalls", () => {
  it("says nothing when every planned kill happened between the commits", () => {
    expect(betweenCommitsShortfalls([sigkill(5, 5), kafkaRestart])).toEqual([]);
  });

  it("names the fault and how many armed ingesters fell back to a random kill", () => {
    expect(betweenCommitsShortfalls([sigkill(5, 3), kafkaRestart])).toEqual([
      "ingester SIGKILL: 3 of 5 planned kills happened between the database and the Kafka commit (2 armed ingesters never fired the hook and were killed at a random instant instead)",
    ]);
    expect(betweenCommitsShortfalls([sigkill(5, 4)])[0]).toMatch(/\(1 armed ingester never fired the hook and was killed/);
  });
});
