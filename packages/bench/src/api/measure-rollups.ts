// Measure rollups (events.<measure>.<type>) as the aggregator stores them: count, sum, min,
// max, open/close and a DDSketch per bucket, p50/p95/p99 read off it. SQL cannot build the
// sketches, so the values are read with a cursor, folded into 1m states with core's observe(),
// merged into every coarser interval with mergeAll(), and written by RollupsRepository.save().
import {
  AGGREGATION_INTERVALS,
  bucketStart,
  emptyValueState,
  measureMetric,
  mergeAll,
  observe,
  type RollupState,
  RollupsRepository,
  type Sql,
  type StoredRollup,
} from "@trading-analytics/core";

/** The values of each measure the bench fills, as the aggregator's default measures define them. */
const MEASURE_VALUES = {
  price: (sql: Sql) => sql`(properties->>'price')::float8`,
  notional: (sql: Sql) => sql`(properties->>'price')::float8 * (properties->>'quantity')::float8`,
  latency_ms: (sql: Sql) => sql`(properties->>'latency_ms')::float8`,
} as const;

export type BenchMeasure = keyof typeof MEASURE_VALUES;

const CURSOR_ROWS = 10_000;
const ROWS_PER_SAVE = 5_000;

export interface MeasureRollupsRequest {
  measure: BenchMeasure;
  eventType: string;
  from: Date;
  to: Date;
}

/** Fills one measure's overall series at every interval over [from, to); returns the rows written. */
export async function fillMeasureRollups(sql: Sql, request: MeasureRollupsRequest): Promise<number> {
  const minutes = new Map<number, RollupState>();
  await sql<{ id: string; timestamp: Date; value: number }[]>`
    select id::text as id, "timestamp", ${MEASURE_VALUES[request.measure](sql)} as value from events
    where event_type = ${request.eventType} and "timestamp" >= ${request.from} and "timestamp" < ${request.to}`.cursor(CURSOR_ROWS, (rows) => {
    for (const row of rows) {
      const timeMs = row.timestamp.getTime();
      const bucket = bucketStart(timeMs, "1m");
      let state = minutes.get(bucket);
      if (!state) minutes.set(bucket, (state = emptyValueState()));
      observe(state, { timeMs, eventId: row.id, value: row.value });
    }
  });

  const metric = measureMetric(request.measure, request.eventType);
  const rows: StoredRollup[] = [];
  for (const interval of AGGREGATION_INTERVALS) {
    const buckets = new Map<number, RollupState[]>();
    for (const [minute, state] of minutes) {
      const bucket = bucketStart(minute, interval);
      const states = buckets.get(bucket);
      if (states) states.push(state);
      else buckets.set(bucket, [state]);
    }
    for (const [bucket, states] of buckets) {
      rows.push({ key: { metric, interval, bucketStartMs: bucket, dimension: "", dimensionValue: "" }, state: mergeAll(states) });
    }
  }
  const repository = new RollupsRepository(sql);
  for (let from = 0; from < rows.length; from += ROWS_PER_SAVE) {
    // save() stages rows in a temp table that is emptied on commit: one transaction per chunk.
    await sql.begin((tx) => repository.save(tx, rows.slice(from, from + ROWS_PER_SAVE)));
  }
  return rows.length;
}
