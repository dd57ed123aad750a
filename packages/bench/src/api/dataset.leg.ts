// The bench database's contents: the month of events, then the rollups the routes read (see
// count-rollups and measure-rollups for what is filled and how) and the trading tables
// (trading-tables), vacuumed and checkpointed so no scenario pays for the load's leftovers.
import { AGGREGATION_INTERVALS, SeriesCompaction, type Sql } from "@trading-analytics/core";
import { checkpoint } from "@trading-analytics/core/testing";
import { type CountRollupsFilled, fillCountRollups } from "./count-rollups";
import { fillMeasureRollups } from "./measure-rollups";
import { insertMonthOfEvents, type MonthOfEvents } from "./month-of-events";
import { fillTradingTables, type TradingTableFill } from "./trading-tables";

const DAY_MS = 86_400_000;

export interface Dataset extends MonthOfEvents, CountRollupsFilled {
  measureRows: number;
  tradingTables: TradingTableFill[];
  insertSeconds: number;
  rollupSeconds: number;
  tradingSeconds: number;
}

export async function buildDataset(sql: Sql, count: number, nowMs: number, log: (line: string) => void): Promise<Dataset> {
  let started = performance.now();
  log(`dataset: inserting ${count.toLocaleString("en-US")} events of trading traffic over 30 days with INSERT ... SELECT ... generate_series`);
  const month = await insertMonthOfEvents(sql, count, nowMs);
  await sql`vacuum analyze events`;
  const insertSeconds = (performance.now() - started) / 1000;
  const kinds = Object.entries(month.inserted).map(([kind, rows]) => `${rows.toLocaleString("en-US")} ${kind}`);
  log(`dataset: inserted (${kinds.join(", ")}) and vacuumed in ${insertSeconds.toFixed(1)} s; count rollups and members by SQL`);

  started = performance.now();
  const dayAgo = new Date(nowMs - DAY_MS);
  const counts = await fillCountRollups(sql, dayAgo);
  log(`dataset: ${counts.countRows.toLocaleString("en-US")} count rows; measure rollups with sketches`);
  const to = new Date(month.toMs);
  let measureRows = await fillMeasureRollups(sql, { measure: "price", eventType: "order.filled", from: new Date(month.fromMs), to });
  // The dashboard's "today" figures: filled notional and mean fill latency.
  for (const measure of ["notional", "latency_ms"] as const) {
    measureRows += await fillMeasureRollups(sql, { measure, eventType: "order.filled", from: dayAgo, to });
  }
  // What the aggregator's series compaction does for settled days and hours (metric_series_blocks).
  const compacted = await new SeriesCompaction(sql, { intervals: AGGREGATION_INTERVALS, retentionMs: 40 * DAY_MS, allowedLatenessMs: DAY_MS }).pass(true);
  log(`dataset: ${compacted.series.toLocaleString("en-US")} series blocks written for ${compacted.blocks} settled days and hours`);
  await sql`vacuum analyze metric_rollups`;
  await sql`vacuum analyze metric_series_blocks`;
  await sql`vacuum analyze rollup_members`;
  await checkpoint();
  const rollupSeconds = (performance.now() - started) / 1000;
  log(`dataset: ${measureRows.toLocaleString("en-US")} measure rows; rollups in ${rollupSeconds.toFixed(1)} s; trading tables by SQL`);

  started = performance.now();
  const tradingTables = await fillTradingTables(sql);
  await checkpoint();
  const tradingSeconds = (performance.now() - started) / 1000;
  log(`dataset: ${describeTradingTables(tradingTables)} in ${tradingSeconds.toFixed(1)} s`);
  return { ...month, ...counts, measureRows, tradingTables, insertSeconds, rollupSeconds, tradingSeconds };
}

export function describeTradingTables(fills: readonly TradingTableFill[]): string {
  return fills.map(({ table, rows }) => (rows === undefined ? `${table} (not in this schema)` : `${rows.toLocaleString("en-US")} ${table} rows`)).join(", ");
}
