import { Counter, Gauge, type Registry } from "prom-client";

export type OrderCohortRefreshMetrics = ReturnType<typeof createOrderCohortRefreshMetrics>;

export function createOrderCohortRefreshMetrics(registry: Registry) {
  return {
    hoursRefreshed: new Counter({
      name: "analytics_order_cohort_hours_refreshed_total",
      help: "Hours of order placement whose cohort summaries were recomputed (order_cohort_summaries, order_cohort_bins)",
      registers: [registry],
    }),
    hoursSetAside: new Gauge({
      name: "analytics_order_cohort_hours_set_aside",
      help: "Hours of order placement whose summary refresh failed five times; their figures are read from the orders",
      registers: [registry],
    }),
  };
}
