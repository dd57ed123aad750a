import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export type AggregatorMetrics = ReturnType<typeof createAggregatorMetrics>;

export function createAggregatorMetrics(registry: Registry) {
  return {
    aggregationLag: new Gauge({
      name: "analytics_aggregation_lag_seconds",
      help: "Seconds from an event being stored to its rollups being committed: the oldest event of the last cycle (0 when idle)",
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
