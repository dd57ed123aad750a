import { type Logger, type OrderCohortSummariesRepository, PeriodicTask } from "@trading-analytics/core";
import { Counter, type Registry } from "prom-client";

/** Hours per refresh call: an hour of orders takes milliseconds, a backlog drains over a few runs. */
const HOURS_PER_RUN = 24;

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
  };
  for (const outcome of ["done", "failed"]) metrics.runs.inc({ outcome }, 0);
  return metrics;
}

/**
 * Keeps the order cohort summaries (migration 0029) close behind the folds: every `intervalMs`
 * it recomputes the hours the writes since made stale. Replicas may all run it (each claims its
 * hours). A failed run is counted and the next one retries; readers stay exact meanwhile, only slower.
 */
export class OrderCohortRefreshJob {
  private readonly metrics: ReturnType<typeof createOrderCohortRefreshMetrics>;
  private readonly schedule: PeriodicTask;

  constructor(
    private readonly summaries: OrderCohortSummariesRepository,
    registry: Registry,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.metrics = createOrderCohortRefreshMetrics(registry);
    this.schedule = new PeriodicTask(intervalMs, () => this.runOnce());
  }

  start(): void {
    this.schedule.start();
  }

  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One run; never throws. */
  async runOnce(): Promise<void> {
    try {
      const hours = await this.summaries.refresh(HOURS_PER_RUN);
      this.metrics.runs.inc({ outcome: "done" });
      this.metrics.hoursRefreshed.inc(hours);
    } catch (error) {
      this.metrics.runs.inc({ outcome: "failed" });
      this.logger.error("order cohort summary refresh failed; next run retries", { error: (error as Error).message });
    }
  }
}
