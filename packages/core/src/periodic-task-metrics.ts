import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export type PeriodicTaskMetrics = ReturnType<typeof createPeriodicTaskMetrics>;

/** Outcomes of one run of a periodic job. */
export const RUN_OUTCOMES = ["done", "failed", "skipped"] as const;

function createPeriodicTaskMetrics(registry: Registry) {
  return {
    runs: new Counter({
      name: "analytics_periodic_task_runs_total",
      help: "Runs of each periodic job by outcome: done, failed, or skipped (another replica did the work)",
      labelNames: ["task", "outcome"] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: "analytics_periodic_task_duration_seconds",
      help: "How long each run of a periodic job took, whatever its outcome",
      labelNames: ["task"] as const,
      buckets: [0.005, 0.025, 0.1, 0.5, 2.5, 10, 60, 300],
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: "analytics_periodic_task_last_success_timestamp_seconds",
      help: "When each periodic job last finished a run that did all its work (Unix seconds; 0 before the first)",
      labelNames: ["task"] as const,
      registers: [registry],
    }),
  };
}

// One set per registry: every task of an app shares the metrics, told apart by the `task` label
// (not `job`, which Prometheus gives every series of a scrape target).
const byRegistry = new WeakMap<Registry, PeriodicTaskMetrics>();

/** The periodic task metrics of `registry`, registered on first use. */
export function periodicTaskMetrics(registry: Registry): PeriodicTaskMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = createPeriodicTaskMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
