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

/**
 * Runs cycles until every stored event is folded; returns how many this cycle folded. An idle
 * cycle with events still unfolded means a transaction elsewhere on the server holds the
 * horizon back (another test, another database): wait for it rather than stop early.
 */
export async function drain(cycle: AggregationCycle, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let folded = 0;
  for (;;) {
    const result = await cycle.run();
    if (result.outcome === "folded") folded += result.folded;
    if (result.outcome !== "idle") continue;
    if ((await cycle.unfoldedEvents()) === 0) return folded;
    if (Date.now() > deadline) throw new Error(`events stay unfolded after ${timeoutMs} ms: a transaction holds the horizon back`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
