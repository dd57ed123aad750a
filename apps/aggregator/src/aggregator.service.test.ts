import { createLogger, createMetricsRegistry } from "@trading-analytics/core";
import { createAggregatorMetrics } from "@trading-analytics/metrics";
import type { AggregationCycle, CycleResult } from "@trading-analytics/rollups";
import { AggregatorService } from "./aggregator.service";

const logger = createLogger({ level: "error", format: "json" }, "aggregator-test");

/** A cycle whose runs end only when the test says so. */
function heldCycle() {
  const pending: Array<(result: CycleResult) => void> = [];
  const cycle = {
    run: () => new Promise<CycleResult>((resolve) => pending.push(resolve)),
    cacheSize: () => ({ rows: 0, bytes: 0 }),
    oldestUnfoldedReceivedAt: async () => null,
  } as unknown as AggregationCycle;
  return { cycle, pending };
}

function service(cycle: AggregationCycle, stalledCycleMs: number) {
  const metrics = createAggregatorMetrics(createMetricsRegistry({ enabled: true, path: "/metrics", default_metrics: false }, "aggregator"));
  return new AggregatorService(cycle, metrics, logger, 1_000, () => undefined, { isolateAfterFailures: 3, maxFailedCycles: 5, stalledCycleMs });
}

describe("AggregatorService readiness follows its fold loop", () => {
  it("fails before the loop starts, while a cycle is stuck, and after the loop stops", async () => {
    const { cycle, pending } = heldCycle();
    const aggregation = service(cycle, 50);
    const check = () => aggregation.healthcheck().check();
    await expect(check()).rejects.toThrow(/not running/);

    aggregation.start();
    await check(); // a cycle in hand, not stuck yet
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(check()).rejects.toThrow(/has been running for/);

    const stopped = aggregation.stop();
    pending.shift()!({ outcome: "idle", oldestUnfoldedReceivedAtMs: null });
    await stopped;
    await expect(check()).rejects.toThrow(/not running/);
  });
});
