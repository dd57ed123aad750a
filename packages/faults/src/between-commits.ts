// Kills a scenario places between a chunk's database commit and its Kafka commit (an armed
// ingester's own hook), against the kills that really landed there. An armed replica that never
// fires is killed from outside instead, so without this count the suite would pass having
// tested the one instant it exists for fewer times than it says.

/** The figure a scenario reports its planned kills between the commits under. */
export const PLANNED_BETWEEN_COMMITS = "kills_planned_between_commits";
/** The figure for those that happened: the replica SIGKILLed itself with the hook's announcement. */
export const HAPPENED_BETWEEN_COMMITS = "kills_between_db_and_kafka_commit";

export interface BetweenCommitsTally {
  planned: number;
  happened: number;
}

/** The tally in a scenario's figures; undefined when it planned no such kill. */
export function betweenCommitsTally(figures: Readonly<Record<string, number>> | undefined): BetweenCommitsTally | undefined {
  const planned = figures?.[PLANNED_BETWEEN_COMMITS];
  if (planned === undefined || planned === 0) return undefined;
  return { planned, happened: figures?.[HAPPENED_BETWEEN_COMMITS] ?? 0 };
}

/** The table cell: "happened/planned", or "-" for a fault that planned none. */
export function betweenCommitsCell(figures: Readonly<Record<string, number>> | undefined): string {
  const tally = betweenCommitsTally(figures);
  return tally === undefined ? "-" : `${tally.happened}/${tally.planned}`;
}

/** Every fault's tallies added up. */
export function betweenCommitsTotal(faults: ReadonlyArray<{ figures?: Readonly<Record<string, number>> }>): BetweenCommitsTally {
  return faults.reduce<BetweenCommitsTally>(
    (total, { figures }) => {
      const tally = betweenCommitsTally(figures);
      return tally ? { planned: total.planned + tally.planned, happened: total.happened + tally.happened } : total;
    },
    { planned: 0, happened: 0 },
  );
}

/** A failure line for each fault whose kills between the commits fell short of its plan. */
export function betweenCommitsShortfalls(faults: ReadonlyArray<{ fault: string; figures?: Readonly<Record<string, number>> }>): string[] {
  return faults.flatMap(({ fault, figures }) => {
    const tally = betweenCommitsTally(figures);
    if (tally === undefined || tally.happened >= tally.planned) return [];
    const missed = tally.planned - tally.happened;
    return [
      `${fault}: ${tally.happened} of ${tally.planned} planned kills happened between the database and the Kafka commit ` +
        `(${missed} armed ingester${missed === 1 ? "" : "s"} never fired the hook and ${missed === 1 ? "was" : "were"} killed at a random instant instead)`,
    ];
  });
}
