import { Counter, Gauge, type Registry } from "prom-client";

export type OrderCohortRefreshMetrics = ReturnType<typeof createOrderCohortRefreshMetrics>;

export function createOrderCohortRefreshMetrics(registry: Registry) {
  const metrics = {
    hoursRefreshed: new Counter({
      name: "analytics_order_cohort_hours_refreshed_total",
      help: "Hours of order placement whose cohort summaries were recomputed (order_cohort_summaries, order_cohort_bins)",
      registers: [registry],
    }),
    runs: new Counter({
      name: "analytics_order_cohort_refresh_runs_total",
      help: "Order cohort summary refreshes by outcome (done, failed)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    hoursSetAside: new Gauge({
      name: "analytics_order_cohort_hours_set_aside",
      help: "Hours of order placement whose summary refresh failed five times; their figures are read from the orders",
      registers: [registry],
    }),
  };
  for (const outcome of ["done", "failed"]) metrics.runs.inc({ outcome }, 0);
  return metrics;
}
