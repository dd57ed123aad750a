// Leg 4: "30 days of 1m buckets for one metric", read from the rollups (RollupsRepository.series)
// against the reference design's GROUP BY date_trunc over the raw events, both warm, on a
// separate database filled by SQL (see month-of-raw-events).
import { RollupsRepository, type Sql } from "@trading-analytics/core";
import { checkpoint } from "./bench-database";
import { fillMinuteCountRollups, insertMonthOfRawEvents } from "./month-of-raw-events";
import { median, timed } from "./timing";

export const QUERIED_TYPE = "order.filled";
const RUNS = 5;

export interface QueryResult {
  rawEvents: number;
  insertSeconds: number;
  rollupRows: number;
  buckets: number;
  rawMedianMs: number;
  rollupMedianMs: number;
  /** The same rollup rows by a bare SELECT of (bucket_start, count): the storage cost alone. */
  rollupSqlMedianMs: number;
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
  const rollups = new RollupsRepository(sql);
  const fromRollups = () => rollups.series({ metric: `events.count.${QUERIED_TYPE}`, interval: "1m", from, to });
  const fromRollupsSql = () => sql<{ bucket_start: Date; count: string }[]>`
    select bucket_start, count::text as count from metric_rollups
    where metric_name = ${`events.count.${QUERIED_TYPE}`} and interval = '1m' and dimension = ''
      and bucket_start >= ${from} and bucket_start < ${to}
    order by bucket_start`;
  const fromRaw = () => sql<{ minute: Date; count: string }[]>`
    select date_trunc('minute', event_time) as minute, count(*)::text as count
    from events where event_type = ${QUERIED_TYPE} and event_time >= ${from} and event_time < ${to}
    group by 1 order by 1`;

  log(`query: ${RUNS} warm runs of each (after one warm-up)`);
  const rollupSeries = await fromRollups();
  const rawSeries = await fromRaw();
  await fromRollupsSql();
  const rollupMs: number[] = [];
  const rollupSqlMs: number[] = [];
  const rawMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    rawMs.push((await timed(fromRaw)).seconds * 1000);
    rollupMs.push((await timed(fromRollups)).seconds * 1000);
    rollupSqlMs.push((await timed(fromRollupsSql)).seconds * 1000);
  }
  const rollupTotal = rollupSeries.reduce((sum, row) => sum + row.state.count, 0);
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
    rollupSqlMedianMs: median(rollupSqlMs)!,
    speedup: rawMedianMs / rollupMedianMs,
    countsAgree: rollupTotal === rawTotal && rollupSeries.length === rawSeries.length,
  };
}
