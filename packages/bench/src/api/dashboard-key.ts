// The dashboard figures in Redis, kept fresh the way the aggregator's DashboardPublisher does:
// recomputed from the rollups every second and written whole with a 60 s expiry.
import { dashboardMetricsKey, type DashboardMetricsReader, type RedisClient } from "@trading-analytics/core";

const TTL_SECONDS = 60;

export class DashboardKeyRefresher {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> | undefined;

  constructor(
    private readonly reader: DashboardMetricsReader,
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  get key(): string {
    return dashboardMetricsKey(this.keyPrefix);
  }

  async publish(): Promise<void> {
    await this.redis.set(this.key, JSON.stringify(await this.reader.read()), { EX: TTL_SECONDS });
  }

  /** Publishes now, then every `everyMs` until stop(). */
  async start(everyMs: number): Promise<void> {
    await this.publish();
    this.timer = setInterval(() => {
      this.inFlight ??= this.publish()
        .catch((error: Error) => process.stderr.write(`[bench] dashboard key not refreshed: ${error.message}\n`))
        .finally(() => (this.inFlight = undefined));
    }, everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  /** The uncached case: no figures in Redis, so the API computes them from the rollups. */
  async remove(): Promise<void> {
    await this.stop();
    await this.redis.del(this.key);
  }
}
