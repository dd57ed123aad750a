import { formatDuration } from "../config/duration";
import { RETENTION_KINDS } from "./retention-policy";
import type { RetentionRunResult } from "./retention-runner";

type Finished = Extract<RetentionRunResult, { status: "done" }>;

/** What happened to one partition, as the CLI reports it. */
export function partitionAction(dryRun: boolean, error: string | undefined): "would drop" | "dropped" | "FAILED" {
  if (dryRun) return "would drop";
  return error === undefined ? "dropped" : "FAILED";
}

/** The CLI's text report: a table of the partitions dropped (or that would be), per kind, with their ranges. */
export function formatRetentionReport(result: Finished): string {
  const { plan, dryRun } = result;
  const gone = result.partitions.filter((entry) => entry.error === undefined);
  const failed = result.partitions.length - gone.length;
  const verb = dryRun ? "would be dropped" : "dropped";
  const summary =
    result.partitions.length === 0
      ? "nothing to drop, no partition is past its retention."
      : `${gone.length} partition${gone.length === 1 ? "" : "s"} ${verb} (${bytes(gone.reduce((sum, { partition }) => sum + partition.bytes, 0))})` +
        (failed > 0 ? `, ${failed} failed.` : ".");
  const lines = [`Retention ${dryRun ? "dry run" : "run"} at ${utc(plan.now)} UTC: ${summary}`];
  if (result.partitions.length > 0) {
    lines.push(
      "",
      ...columns([
        ["KIND", "TABLE", "PARTITION", "FROM (UTC)", "TO (UTC)", "SIZE", "ACTION"],
        ...result.partitions.map(({ partition, error }) => [
          partition.kind,
          partition.table,
          partition.name,
          partition.from ? utc(partition.from) : "-",
          partition.to ? utc(partition.to) : "-",
          bytes(partition.bytes),
          partitionAction(dryRun, error) + (error === undefined ? "" : `: ${error}`),
        ]),
      ]),
    );
  }
  lines.push(
    "",
    ...columns([
      ["RETENTION", "KEEPS", "DATA SINCE (UTC)", "PARTITIONS"],
      ...RETENTION_KINDS.map((kind) => [
        kind,
        formatDuration(plan.now.getTime() - plan.cutoffs[kind].getTime()),
        utc(plan.cutoffs[kind]),
        `${gone.filter((entry) => entry.partition.kind === kind).length} ${verb}`,
      ]),
    ]),
  );
  lines.push(
    "",
    `late_events: ${result.lateEvents} row${result.lateEvents === 1 ? "" : "s"} recorded before ${utc(plan.cutoffs.raw_events)} UTC ${dryRun ? "would be deleted" : "deleted"}.`,
    `event_ids: ${result.eventIds} id${result.eventIds === 1 ? "" : "s"} of the dropped days ${dryRun ? "would be deleted" : "deleted"}.`,
  );
  const { set_aside_events: setAside, order_analytics: orders, series_blocks: blocks } = result.rows;
  if (setAside + orders + blocks > 0) {
    lines.push(
      `Also ${dryRun ? "would be deleted" : "deleted"}: ${setAside} set-aside record${setAside === 1 ? "" : "s"}, ` +
        `${orders} order_analytics row${orders === 1 ? "" : "s"}, ${blocks} series block${blocks === 1 ? "" : "s"}.`,
    );
  }
  const trading = (["order_fills", "positions", "user_sessions", "market_quote_bins"] as const).filter((table) => (result.rows[table] ?? 0) > 0);
  if (trading.length > 0) {
    lines.push(`Trading rows ${dryRun ? "that would be deleted" : "deleted"}: ${trading.map((table) => `${table} ${result.rows[table]}`).join(", ")}.`);
  }
  if (!dryRun && result.created > 0) lines.push(`Partitions created ahead: ${result.created}.`);
  for (const { name, error } of result.createFailures) lines.push(`Could not create partition ${name} ahead: ${error}`);
  if (plan.unclassified.length > 0) {
    lines.push(`Left alone (kind unknown): ${plan.unclassified.join(", ")}.`);
  }
  return lines.join("\n");
}

/** The same, for scripts. */
export function retentionReportJson(result: Finished) {
  const { plan, dryRun } = result;
  return {
    dry_run: dryRun,
    now: plan.now.toISOString(),
    cutoffs: Object.fromEntries(RETENTION_KINDS.map((kind) => [kind, plan.cutoffs[kind].toISOString()])),
    partitions: result.partitions.map(({ partition, error }) => ({
      kind: partition.kind,
      table: partition.table,
      partition: partition.name,
      from: partition.from?.toISOString() ?? null,
      to: partition.to?.toISOString() ?? null,
      bytes: partition.bytes,
      action: partitionAction(dryRun, error).toLowerCase().replace(" ", "_"),
      ...(error === undefined ? {} : { error }),
    })),
    late_events: { recorded_before: plan.cutoffs.raw_events.toISOString(), rows: result.lateEvents, action: dryRun ? "would_delete" : "deleted" },
    event_ids: { rows: result.eventIds, action: dryRun ? "would_delete" : "deleted" },
    rows: { ...result.rows, action: dryRun ? "would_delete" : "deleted" },
    partitions_created: result.created,
    create_failures: result.createFailures,
    unclassified: plan.unclassified,
  };
}

/** Rows of cells as aligned text columns. */
function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
}

function utc(time: Date): string {
  return time.toISOString().slice(0, 16).replace("T", " ");
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
