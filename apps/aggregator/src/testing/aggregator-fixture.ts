import { DEFAULT_DIMENSIONS, DEFAULT_MEASURES, RollupsRepository, type Sql } from "@trading-analytics/core";
import { AggregationCycle } from "../aggregation-cycle";
import { RollupPlan, type RollupPlanOptions } from "../domain/rollup-plan";
import { EventTail } from "../storage/event-tail";

export const TEST_PLAN: RollupPlanOptions = {
  intervals: ["1m", "5m", "15m", "1h", "1d"],
  dimensions: DEFAULT_DIMENSIONS,
  measures: DEFAULT_MEASURES,
  allowedLatenessMs: 24 * 3_600_000,
};

export function testCycle(sql: Sql, options: { maxEvents?: number; plan?: RollupPlanOptions } = {}): AggregationCycle {
  return new AggregationCycle(sql, new EventTail(sql), new RollupsRepository(sql), new RollupPlan(options.plan ?? TEST_PLAN), options.maxEvents ?? 20_000);
}

/** Runs cycles until one finds nothing new; returns how many events were folded. */
export async function drain(cycle: AggregationCycle): Promise<number> {
  let folded = 0;
  for (;;) {
    const result = await cycle.run();
    if (result.outcome === "idle") return folded;
    if (result.outcome === "folded") folded += result.folded;
  }
}
