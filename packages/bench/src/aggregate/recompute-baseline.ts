// The reference design's aggregation: a periodic INSERT ... SELECT date_trunc ... GROUP BY over
// the raw events, recomputing counts per event type at each interval. It computes less than
// the aggregator (counts only: no sums, min/max, percentiles, OHLC, dimensions or distinct
// users/sessions), so its events/s flatters it.
import type { Sql } from "@trading-analytics/core";

/** Bucket expression per interval: date_trunc where PostgreSQL has the unit, date_bin otherwise. */
const BUCKET_SQL: Record<string, string> = {
  "1m": `date_trunc('minute', "timestamp")`,
  "5m": `date_bin('5 minutes', "timestamp", 'epoch')`,
  "15m": `date_bin('15 minutes', "timestamp", 'epoch')`,
  "1h": `date_trunc('hour', "timestamp")`,
  "1d": `date_trunc('day', "timestamp")`,
};

export async function createBaselineTable(sql: Sql): Promise<void> {
  await sql`
    create table if not exists baseline_rollups (
      metric_name text not null, interval text not null, bucket_start timestamptz not null, count bigint not null,
      primary key (metric_name, interval, bucket_start))`;
}

/** One full recomputation at every interval, in one transaction; returns the rows written. */
export async function recomputeBaseline(sql: Sql, intervals: readonly string[]): Promise<number> {
  return sql.begin(async (tx) => {
    let rows = 0;
    for (const interval of intervals) {
      const bucket = BUCKET_SQL[interval];
      if (!bucket) throw new Error(`baseline: no bucket expression for interval ${interval}`);
      const result = await tx.unsafe(
        `insert into baseline_rollups (metric_name, interval, bucket_start, count)
         select 'events.count.' || event_type, $1, ${bucket}, count(*) from events group by 1, 3
         on conflict (metric_name, interval, bucket_start) do update set count = excluded.count`,
        [interval],
      );
      rows += result.count;
    }
    return rows;
  });
}
