// Leg 1: a day of stored events (1 % late) folded from scratch by AggregationCycle in pages of
// 20,000, against one recomputation of the reference design's counts over the same events.
import type { Sql } from "@trading-analytics/core";
import { drain, TEST_PLAN, testCycle } from "@trading-analytics/rollups/testing";
import { checkpoint } from "@trading-analytics/core/testing";
import { timed } from "../shared/timing";
import { storeDayOfEvents, STORE_BATCH } from "./day-of-events";
import { createBaselineTable, recomputeBaseline } from "./recompute-baseline";

export const MAX_EVENTS_PER_CYCLE = 20_000;

export interface ThroughputResult {
  events: number;
  late: number;
  storeSeconds: number;
  folded: number;
  foldSeconds: number;
  eventsPerSecond: number;
  rollupRows: number;
  baselineSeconds: number;
  baselinePerSecond: number;
  baselineRows: number;
}

export async function runThroughputLeg(sql: Sql, events: number, log: (line: string) => void): Promise<ThroughputResult> {
  log(`throughput: storing ${events.toLocaleString("en-US")} events over 24 h in COPY batches of ${STORE_BATCH.toLocaleString("en-US")}`);
  const stored = await timed(() =>
    storeDayOfEvents(sql, events, Date.now() - 60_000, (n) => log(`throughput: stored ${n.toLocaleString("en-US")}`)),
  );
  await sql`analyze events`; // what autovacuum would have done after a day of inserts
  await checkpoint();

  log(`throughput: folding with AggregationCycle (max ${MAX_EVENTS_PER_CYCLE.toLocaleString("en-US")} events per cycle)`);
  const folding = await timed(() => drain(testCycle(sql, { maxEvents: MAX_EVENTS_PER_CYCLE })));
  const [rollups] = await sql<{ n: number }[]>`select count(*)::int as n from metric_rollups`;
  await checkpoint();

  log("throughput: baseline recomputation (INSERT ... SELECT date_trunc ... GROUP BY, counts only)");
  await createBaselineTable(sql);
  const baseline = await timed(() => recomputeBaseline(sql, TEST_PLAN.intervals));

  return {
    events: stored.value.events,
    late: stored.value.late,
    storeSeconds: stored.seconds,
    folded: folding.value,
    foldSeconds: folding.seconds,
    eventsPerSecond: folding.value / folding.seconds,
    rollupRows: rollups!.n,
    baselineSeconds: baseline.seconds,
    baselinePerSecond: stored.value.events / baseline.seconds,
    baselineRows: baseline.value,
  };
}
