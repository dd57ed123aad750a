import type { FuzzTally } from "./fuzz-tally";

export interface RunInfo {
  seed: number;
  runs: number;
  durationMs: number;
}

const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;

/** The summary as Markdown, ending with the `RESULT {json}` line issue 7's report collects. */
export function renderFuzzReport(tally: FuzzTally, run: RunInfo): string {
  const lines = [
    "# Hostile input (fuzz)",
    "",
    `Seed ${run.seed}, ${tally.totalCases} cases (FUZZ_RUNS=${run.runs}) in ${(run.durationMs / 1000).toFixed(1)} s. Replay: \`FUZZ_SEED=${run.seed} FUZZ_RUNS=${run.runs} pnpm test:fuzz\`.`,
    "",
    "## Cases by channel",
    "",
    row(["channel", "cases"]),
    row(["---", "---:"]),
    ...[...tally.cases].map(([channel, n]) => row([`\`${channel}\``, n])),
    row(["**total**", tally.totalCases]),
    "",
    "## HTTP status codes",
    "",
  ];
  const statuses = [...new Set([...tally.statuses.values()].flatMap((byStatus) => [...byStatus.keys()]))].sort();
  lines.push(row(["channel", ...statuses]), row(["---", ...statuses.map(() => "---:")]));
  for (const [channel, byStatus] of tally.statuses) lines.push(row([`\`${channel}\``, ...statuses.map((status) => byStatus.get(status) ?? 0)]));
  lines.push(
    "",
    `5xx answers: **${tally.fiveXx}**. Events accepted over HTTP (202): ${tally.httpAccepted}, found in PostgreSQL: ${tally.httpArrived}.`,
    "",
    `Pipeline live afterwards: **${tally.pipelineLiveAfter === null ? "not checked" : tally.pipelineLiveAfter ? "yes" : "no"}**${tally.freshnessMs === null ? "" : ` (an ordinary event in its 1m rollup after ${(tally.freshnessMs / 1000).toFixed(1)} s)`}; stalls: **${tally.stalls}**.`,
    "",
    "## Kafka messages by outcome",
    "",
    `Produced in batches compressed with: ${[...tally.compressed].map(([codec, n]) => `${codec} ${n}`).join(", ") || "(none produced)"}.`,
    "",
    row(["outcome", "messages"]),
    row(["---", "---:"]),
    ...[...tally.kafkaOutcomes].sort(([a], [b]) => a.localeCompare(b)).map(([outcome, n]) => row([outcome, n])),
    "",
    "## Failures",
    "",
  );
  if (tally.failures.length === 0) lines.push("None: no 5xx, no crash, no prototype pollution, every message stored or dead-lettered with a reason.");
  for (const failure of tally.failures.slice(0, 50)) {
    lines.push(`- \`${failure.channel}\` case ${failure.index}: ${failure.problem}; payload ${failure.payload}`);
  }
  if (tally.failures.length > 50) lines.push(`- … and ${tally.failures.length - 50} more`);
  lines.push("", `RESULT ${JSON.stringify({ fuzz_cases: tally.totalCases, fuzz_5xx: tally.fiveXx, fuzz_failures: tally.failures.length, pipeline_live_after: tally.pipelineLiveAfter, stalls: tally.stalls, seed: run.seed })}`);
  return `${lines.join("\n")}\n`;
}
