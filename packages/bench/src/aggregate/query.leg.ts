// Leg 4: "30 days of 1m buckets for one metric", read from the rollups the way GET /api/v1/metrics
// reads them (MetricSeriesReader.pointsJson: settled days and hours from metric_series_blocks, the rest as
// JSON built by PostgreSQL from metric_rollups) against the reference design's GROUP BY
// date_trunc over the raw events, both warm, on a separate database filled by SQL (see
// month-of-raw-events). The same read from metric_rollups alone (before the aggregator's series
// compaction has run) is measured beside it.
import { AGGREGATION_INTERVALS, MetricSeriesReader, RollupsRepository, SeriesCompaction, type Sql } from "@trading-analytics/core";
import { checkpoint } from "@trading-analytics/core/testing";
import { fillMinuteCountRollups } from "../shared/dataset";
import { median, timed } from "../shared/timing";
import { insertMonthOfRawEvents } from "./month-of-raw-events";

export const QUERIED_TYPE = "order.filled";
const RUNS = 5;

export interface QueryResult {
  rawEvents: number;
  insertSeconds: number;
  rollupRows: number;
  buckets: number;
  rawMedianMs: number;
  rollupMedianMs: number;
  /** After compaction, by a new reader each run: every day text read from PostgreSQL. */
  rollupColdMedianMs: number;
  /** pointsJson before series compaction: every point built from metric_rollups. */
  rollupRowsMedianMs: number;
  compactionSeconds: number;
  /** Day and hour blocks of the series after compaction. */
  seriesDays: number;
  seriesHours: number;
  /** The same rollup rows by a bare SELECT of (bucket_start, count): the storage cost alone. */
  rollupSqlMedianMs: number;
  /** Execution time inside PostgreSQL (EXPLAIN ANALYZE, median), without the transfer to the client. */
  rawServerMs: number;
  rollupServerMs: number;
  speedup: number;
  countsAgree: boolean;
}

export async function runQueryLeg(sql: Sql, rawEvents: number, log: (line: string) => void): Promise<QueryResult> {
  const toMs = Math.floor(Date.now() / 60_000) * 60_000;
  log(`query: inserting ${rawEvents.toLocaleString("en-US")} raw events over 30 days with one INSERT ... SELECT ... generate_series`);
  const inserted = await timed(() => insertMonthOfRawEvents(sql, rawEvents, toMs));
  log(`query: inserted in ${inserted.seconds.toFixed(1)} s; vacuum analyze, then 1m count rollups by SQL`);
  await sql`vacuum analyze events`;
  const rollupRows = await fillMinuteCountRollups(sql);
  await sql`vacuum analyze metric_rollups`;
  await checkpoint();

  const from = new Date(inserted.value.fromMs);
  const to = new Date(toMs);
  const series = new MetricSeriesReader(sql, new RollupsRepository(sql), AGGREGATION_INTERVALS);
  const fromRollups = () => series.pointsJson({ metric: `events.count.${QUERIED_TYPE}`, interval: "1m", from, to });
  const fromRollupsSql = () => sql.unsafe<{ bucket_start: Date; count: string }[]>(ROLLUP_SQL, [`events.count.${QUERIED_TYPE}`, from, to]);
  const fromRaw = () => sql.unsafe<{ minute: Date; count: string }[]>(RAW_SQL, [QUERIED_TYPE, from, to]);

  log(`query: ${RUNS} warm runs from metric_rollups alone (after one warm-up)`);
  const rowsSeries = await fromRollups();
  const rollupRowsMs: number[] = [];
  for (let run = 0; run < RUNS; run++) rollupRowsMs.push((await timed(fromRollups)).seconds * 1000);
  // The rows were made by SQL at 1m only, so 1m is also the interval every series has.
  log("query: series compaction (what the aggregator does for settled days and hours)");
  const compaction = new SeriesCompaction(sql, { intervals: ["1m"], retentionMs: 40 * 86_400_000, allowedLatenessMs: 86_400_000 });
  const compacted = await timed(() => compaction.pass(true));
  await sql`vacuum analyze metric_series_blocks`;
  const [{ days, hours }] = await sql<[{ days: string; hours: string }]>`select count(*) filter (where block_hours = 24)::text as days,
    count(*) filter (where block_hours = 1)::text as hours from metric_series_blocks
    where metric_name = ${`events.count.${QUERIED_TYPE}`} and interval = '1m' and block_start >= ${from} and block_start < ${to}`;
  log(`query: ${days} days and ${hours} hours compacted in ${compacted.seconds.toFixed(1)} s; ${RUNS} warm runs of each (after one warm-up)`);
  const rollupText = await fromRollups();
  if (rollupText !== rowsSeries) throw new Error("the series read through metric_series_blocks differs from the one read from metric_rollups");
  const rollupSeries = JSON.parse(rollupText) as Array<{ count: number }>;
  const fromStorage = () => new MetricSeriesReader(sql, new RollupsRepository(sql), AGGREGATION_INTERVALS).pointsJson({ metric: `events.count.${QUERIED_TYPE}`, interval: "1m", from, to });
  const rawSeries = await fromRaw();
  await fromRollupsSql();
  const rollupMs: number[] = [];
  const rollupColdMs: number[] = [];
  const rollupSqlMs: number[] = [];
  const rawMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    rawMs.push((await timed(fromRaw)).seconds * 1000);
    rollupMs.push((await timed(fromRollups)).seconds * 1000);
    rollupColdMs.push((await timed(fromStorage)).seconds * 1000);
    rollupSqlMs.push((await timed(fromRollupsSql)).seconds * 1000);
  }
  const rawServerMs = await medianServerMs(sql, RAW_SQL, [QUERIED_TYPE, from, to]);
  const rollupServerMs = await medianServerMs(sql, ROLLUP_SQL, [`events.count.${QUERIED_TYPE}`, from, to]);
  const rollupTotal = rollupSeries.reduce((sum, point) => sum + point.count, 0);
  const rawTotal = rawSeries.reduce((sum, row) => sum + Number(row.count), 0);
  const rawMedianMs = median(rawMs)!;
  const rollupMedianMs = median(rollupMs)!;
  return {
    rawEvents,
    insertSeconds: inserted.seconds,
    rollupRows,
    buckets: rollupSeries.length,
    rawMedianMs,
    rollupMedianMs,
    rollupRowsMedianMs: median(rollupRowsMs)!,
    rollupColdMedianMs: median(rollupColdMs)!,
    compactionSeconds: compacted.seconds,
    seriesDays: Number(days),
    seriesHours: Number(hours),
    rollupSqlMedianMs: median(rollupSqlMs)!,
    rawServerMs,
    rollupServerMs,
    speedup: rawMedianMs / rollupMedianMs,
    countsAgree: rollupTotal === rawTotal && rollupSeries.length === rawSeries.length,
  };
}

const RAW_SQL = `select date_trunc('minute', "timestamp") as minute, count(*) from events
  where event_type = $1 and "timestamp" >= $2 and "timestamp" < $3 group by 1 order by 1`;
const ROLLUP_SQL = `select bucket_start, count from metric_rollups
  where metric_name = $1 and interval = '1m' and dimension = '' and bucket_start >= $2 and bucket_start < $3
  order by bucket_start`;

async function medianServerMs(sql: Sql, text: string, params: (string | Date)[]): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const [row] = await sql.unsafe<{ "QUERY PLAN": [{ "Execution Time": number }] }[]>(`explain (analyze, timing off, format json) ${text}`, params);
    times.push(row!["QUERY PLAN"][0]["Execution Time"]);
  }
  return median(times)!;
}
