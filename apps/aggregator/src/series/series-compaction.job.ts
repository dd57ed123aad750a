import { type Logger, PeriodicTask, type SeriesCompaction, type Service } from "@trading-analytics/core";
import { createSeriesCompactionMetrics, type SeriesCompactionMetrics } from "@trading-analytics/metrics";
import type { Registry } from "prom-client";

/** Every this many passes looks at every day retention keeps, not only the recent ones. */
const FULL_PASS_EVERY = 20;

/**
 * Runs series compaction every `intervalMs`, a full pass first and every FULL_PASS_EVERY-th
 * time. Replicas may all run it: a day's rows are written under the day's lock, and a series
 * another replica wrote first is skipped. Passes are counted by the job metrics
 * (task="series_compaction"); stop() waits for the pass in hand.
 */
export class SeriesCompactionJob implements Service {
  readonly id = "series_compaction";
  private readonly metrics: SeriesCompactionMetrics;
  private readonly schedule: PeriodicTask;
  private passes = 0;

  constructor(
    private readonly compaction: SeriesCompaction,
    registry: Registry,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.metrics = createSeriesCompactionMetrics(registry);
    this.schedule = new PeriodicTask({ id: this.id, intervalMs, logger, registry }, { run: () => this.pass() });
  }

  start(): void {
    this.schedule.start();
  }

  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass now, recorded like a scheduled one; never rejects. */
  async runOnce(): Promise<void> {
    await this.schedule.runOnce();
  }

  private async pass(): Promise<void> {
    const full = this.passes % FULL_PASS_EVERY === 0;
    this.passes += 1;
    const pass = await this.compaction.pass(full);
    this.metrics.seriesBlocksWritten.inc(pass.series);
    if (pass.series > 0) this.logger.info("series blocks compacted", { blocks: pass.blocks, series: pass.series, full });
  }
}
