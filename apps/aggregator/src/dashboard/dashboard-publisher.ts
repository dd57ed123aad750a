import { dashboardMetricsKey, type DashboardMetricsReader, type Logger, type RedisClient } from "@trading-analytics/core";

/** Long enough to survive a few missed refreshes, short enough that a stopped aggregator shows. */
const TTL_SECONDS = 60;

/**
 * Keeps the dashboard figures fresh in Redis: recomputed from the rollups every refresh and
 * written whole, so a flushed or empty Redis is rebuilt on the next refresh. Best effort:
 * with Redis down the figures wait, rollups do not.
 */
export class DashboardPublisher {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly reader: DashboardMetricsReader,
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {}

  /** Computes and writes once; false when Redis was not available. */
  async publish(now = new Date()): Promise<boolean> {
    if (!this.redis.isReady) return false;
    const metrics = await this.reader.read(now);
    await this.redis.set(dashboardMetricsKey(this.keyPrefix), JSON.stringify(metrics), { EX: TTL_SECONDS });
    return true;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.publish()
        .then(() => undefined)
        .catch((error: Error) => {
          this.logger.warn("dashboard metrics not refreshed", { error: error.message });
        })
        .finally(() => (this.inFlight = undefined));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}
