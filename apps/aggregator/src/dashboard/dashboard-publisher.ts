import { dashboardMetricsKey, type DashboardMetricsReader, type Logger, PeriodicTask, type RedisClient, type Service } from "@trading-analytics/core";
import type { Registry } from "prom-client";

/** Long enough to survive a few missed refreshes, short enough that a stopped aggregator shows. */
const TTL_SECONDS = 60;

export interface DashboardPublisherOptions {
  keyPrefix: string;
  logger: Logger;
  /** How often the figures are recomputed (analytics.aggregation.dashboard_refresh_interval). */
  intervalMs: number;
  /** Where its runs are counted (task="dashboard"); none in some tests. */
  registry?: Registry;
}

/**
 * Keeps the dashboard figures fresh in Redis: recomputed from the rollups every refresh and
 * written whole, so a flushed or empty Redis is rebuilt on the next refresh. Best effort:
 * with Redis down the figures wait (the run counts as skipped), rollups do not.
 */
export class DashboardPublisher implements Service {
  readonly id = "dashboard";
  private readonly schedule: PeriodicTask<boolean>;

  constructor(
    private readonly reader: DashboardMetricsReader,
    private readonly redis: RedisClient,
    private readonly options: DashboardPublisherOptions,
  ) {
    const { intervalMs, logger, registry } = options;
    this.schedule = new PeriodicTask({ id: this.id, intervalMs, logger, registry }, { run: () => this.publish(), outcome: (written) => (written ? "done" : "skipped") });
  }

  /** Computes and writes once; false when Redis was not available. */
  async publish(now = new Date()): Promise<boolean> {
    if (!this.redis.isReady) return false;
    const metrics = await this.reader.read(now);
    await this.redis.set(dashboardMetricsKey(this.options.keyPrefix), JSON.stringify(metrics), { EX: TTL_SECONDS });
    return true;
  }

  start(): void {
    this.schedule.start();
  }

  stop(): Promise<void> {
    return this.schedule.stop();
  }
}
