import { type Logger, type OrderCohortSummariesRepository, PeriodicTask, type Service } from "@trading-analytics/core";
import { createOrderCohortRefreshMetrics, type OrderCohortRefreshMetrics } from "@trading-analytics/metrics";
import type { Registry } from "prom-client";

/** Hours per refresh call: an hour of orders takes tens of milliseconds, a backlog drains over a few runs. */
const HOURS_PER_RUN = 24;
/** An hour still being written to (the current one) is left alone: its readers read it from its orders anyway. */
const QUIET_MS = 10_000;

/**
 * Keeps the order cohort summaries (migration 0029) close behind the folds: every `intervalMs`
 * it recomputes the hours the writes since made stale, once they have been quiet for QUIET_MS.
 * Replicas may all run it (each claims its hours). Runs are counted by the job metrics
 * (task="order_cohort_refresh"); a failed run is retried by the next one; an hour that keeps
 * failing is set aside and counted; readers stay exact meanwhile.
 */
export class OrderCohortRefreshJob implements Service {
  readonly id = "order_cohort_refresh";
  private readonly metrics: OrderCohortRefreshMetrics;
  private readonly schedule: PeriodicTask;

  constructor(
    private readonly summaries: OrderCohortSummariesRepository,
    registry: Registry,
    logger: Logger,
    intervalMs: number,
  ) {
    this.metrics = createOrderCohortRefreshMetrics(registry);
    this.schedule = new PeriodicTask({ id: this.id, intervalMs, logger, registry }, { run: () => this.refresh() });
  }

  start(): void {
    this.schedule.start();
  }

  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One run now, recorded like a scheduled one; never rejects. */
  async runOnce(): Promise<void> {
    await this.schedule.runOnce();
  }

  private async refresh(): Promise<void> {
    const hours = await this.summaries.refresh(HOURS_PER_RUN, QUIET_MS);
    this.metrics.hoursRefreshed.inc(hours);
    this.metrics.hoursSetAside.set(await this.summaries.setAsideHours());
  }
}
