import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export type AggregatorMetrics = ReturnType<typeof createAggregatorMetrics>;

export function createAggregatorMetrics(registry: Registry) {
  let oldestUnfoldedMs: number | null = null;
  return {
    /** When the oldest event not yet folded was received (null: none waits); the lag is computed from it when scraped. */
    setOldestUnfolded(receivedAtMs: number | null): void {
      oldestUnfoldedMs = receivedAtMs;
    },
    aggregationLag: new Gauge({
      name: "analytics_aggregation_lag_seconds",
      help: "Seconds since the oldest stored event not yet folded into rollups was received (0 when every event is folded); grows while cycles fail",
      registers: [registry],
      // At scrape time, so the lag keeps growing while no cycle completes.
      collect() {
        this.set(oldestUnfoldedMs === null ? 0 : Math.max(0, (Date.now() - oldestUnfoldedMs) / 1000));
      },
    }),
    eventsSetAside: new Counter({
      name: "analytics_events_set_aside_total",
      help: "Stored events the aggregator could not fold, by reason (measure_out_of_range, measure_not_finite, fold_failed): recorded in set_aside_events",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    consecutiveFailedCycles: new Gauge({
      name: "analytics_aggregation_consecutive_failed_cycles",
      help: "Aggregation cycles failed in a row, 0 after one succeeds; /ready fails at analytics.aggregation.max_failed_cycles",
      registers: [registry],
    }),
    eventsAggregated: new Counter({
      name: "analytics_events_aggregated_total",
      help: "Stored events folded into rollups",
      registers: [registry],
    }),
    lateEvents: new Counter({
      name: "analytics_late_events_total",
      help: "Events stored later than allowed_lateness after their own time: recorded in late_events, not folded",
      labelNames: ["event_type"] as const,
      registers: [registry],
    }),
    orders: new Counter({
      name: "analytics_orders_total",
      help: "Placed orders that reached each lifecycle state (placed, filled, canceled, rejected), each order counted once per state when the aggregator folds it; filled / placed is the per-order fill rate",
      labelNames: ["state"] as const,
      registers: [registry],
    }),
    rollupRowsWritten: new Counter({
      name: "analytics_rollup_rows_written_total",
      help: "metric_rollups rows inserted or updated",
      registers: [registry],
    }),
    cycles: new Counter({
      name: "analytics_aggregation_cycles_total",
      help: "Aggregation transactions, by outcome (folded, idle, other_replica, error)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    stateCacheRows: new Gauge({
      name: "analytics_rollup_state_cache_rows",
      help: "Rollup rows kept decoded between aggregation cycles (emptied when another writer moves the cursor)",
      registers: [registry],
    }),
    stateCacheBytes: new Gauge({
      name: "analytics_rollup_state_cache_bytes",
      help: "Estimated V8 heap held by the rollup rows kept decoded between cycles; bounded by the cache's cap",
      registers: [registry],
    }),
    cycleDuration: new Histogram({
      name: "analytics_aggregation_cycle_duration_seconds",
      help: "Duration of one aggregation transaction that folded events",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
