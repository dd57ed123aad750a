import { type Logger, type OrderCohortSummariesRepository, PeriodicTask } from "@trading-analytics/core";
import { createOrderCohortRefreshMetrics, type OrderCohortRefreshMetrics } from "@trading-analytics/metrics";
import type { Registry } from "prom-client";

/** Hours per refresh call: an hour of orders takes tens of milliseconds, a backlog drains over a few runs. */
const HOURS_PER_RUN = 24;
/** An hour still being written to (the current one) is left alone: its readers read it from its orders anyway. */
const QUIET_MS = 10_000;

/**
 * Keeps the order cohort summaries (migration 0029) close behind the folds: every `intervalMs`
 * it recomputes the hours the writes since made stale, once they have been quiet for QUIET_MS.
 * Replicas may all run it (each claims its hours). A failed run is counted and the next one
 * retries; an hour that keeps failing is set aside and counted; readers stay exact meanwhile.
 */
export class OrderCohortRefreshJob {
  private readonly metrics: OrderCohortRefreshMetrics;
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
      const hours = await this.summaries.refresh(HOURS_PER_RUN, QUIET_MS);
      this.metrics.runs.inc({ outcome: "done" });
      this.metrics.hoursRefreshed.inc(hours);
      this.metrics.hoursSetAside.set(await this.summaries.setAsideHours());
    } catch (error) {
      this.metrics.runs.inc({ outcome: "failed" });
      this.logger.error("order cohort summary refresh failed; next run retries", { error: (error as Error).message });
    }
  }
}
