import { betweenCommitsCell } from "./between-commits";
import { attributeToFault, type FaultWindow, type ProducedEvent, type ProgressSample, recoveryMs, worstLag } from "./reconcile";

export interface FaultRow {
  fault: string;
  produced: number;
  stored: number;
  duplicated: number;
  lost: number;
  invalid: number;
  deadLettered: number;
  worstLag: number;
  recoveryMs: number | undefined;
  /** Processes that exited on their own (not by the fault) during the fault or its recovery. */
  crashes: number;
  figures?: Record<string, number>;
}

export interface FaultOutcome extends FaultWindow {
  /** Valid events acknowledged when the fault was lifted. */
  ackedAtEnd: number;
  /** What the scenario counted about itself (e.g. kills that hit a given instant). */
  figures?: Record<string, number>;
}

/** Per-fault figures: events acknowledged inside each fault's window, and how they ended up. */
export function faultRows(
  outcomes: readonly FaultOutcome[],
  produced: readonly ProducedEvent[],
  invalid: readonly ProducedEvent[],
  storedCounts: ReadonlyMap<string, number>,
  deadLetterKeys: ReadonlySet<string>,
  samples: readonly ProgressSample[],
  crashTimes: readonly number[] = [],
): FaultRow[] {
  return outcomes.map((outcome) => {
    const mine = produced.filter((event) => attributeToFault(event.ackedAt, outcomes) === outcome.name);
    const myInvalid = invalid.filter((event) => attributeToFault(event.ackedAt, outcomes) === outcome.name);
    const stored = mine.filter((event) => storedCounts.has(event.id));
    const recovery = recoveryMs(samples, outcome.endedAt, outcome.ackedAtEnd);
    // The fault's reach: from injection until it recovered (or the next fault began).
    const next = outcomes[outcomes.indexOf(outcome) + 1]?.startedAt ?? Infinity;
    const reachEnd = Math.min(outcome.endedAt + (recovery ?? Infinity), next);
    return {
      fault: outcome.name,
      produced: mine.length,
      stored: stored.length,
      duplicated: stored.filter((event) => storedCounts.get(event.id)! > 1).length,
      lost: mine.length - stored.length,
      invalid: myInvalid.length,
      deadLettered: myInvalid.filter((event) => deadLetterKeys.has(event.id)).length,
      worstLag: worstLag(samples, outcome.startedAt, reachEnd),
      recoveryMs: recovery,
      crashes: crashTimes.filter((at) => at >= outcome.startedAt && at < next).length,
      ...(outcome.figures ? { figures: outcome.figures } : {}),
    };
  });
}

const HEADER = ["fault", "produced", "stored", "duplicated", "lost", "invalid", "dead-lettered", "worst lag (events)", "recovery", "crashes", "kills between commits"];

function cells(row: FaultRow): string[] {
  const recovery = row.recoveryMs === undefined ? "not recovered" : `${(row.recoveryMs / 1000).toFixed(1)} s`;
  return [row.fault, ...[row.produced, row.stored, row.duplicated, row.lost, row.invalid, row.deadLettered, row.worstLag].map(String), recovery, String(row.crashes), betweenCommitsCell(row.figures)];
}

/** A Markdown table, readable as it is on a terminal too. */
export function faultTable(rows: readonly FaultRow[]): string {
  const body = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...body.map((line) => line[column]!.length)));
  const line = (values: string[]) => `| ${values.map((value, column) => value.padEnd(widths[column]!)).join(" | ")} |`;
  return [line(body[0]!), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...body.slice(1).map(line)].join("\n");
}

/** "ingester SIGKILL: kills 10, kills between db and kafka commit 5" */
export function figuresLine(fault: string, figures: Record<string, number>): string {
  return `${fault}: ${Object.entries(figures)
    .map(([name, value]) => `${name.replaceAll("_", " ")} ${value}`)
    .join(", ")}`;
}
