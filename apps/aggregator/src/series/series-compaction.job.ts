import { type Logger, PeriodicTask, type SeriesCompaction } from "@trading-analytics/core";
import { createSeriesCompactionMetrics, type SeriesCompactionMetrics } from "@trading-analytics/metrics";
import type { Registry } from "prom-client";

/** Every this many passes looks at every day retention keeps, not only the recent ones. */
const FULL_PASS_EVERY = 20;

/**
 * Runs series compaction every `intervalMs`, a full pass first and every FULL_PASS_EVERY-th
 * time. Replicas may all run it: a day's rows are written under the day's lock, and a series
 * another replica wrote first is skipped. stop() waits for the pass in hand.
 */
export class SeriesCompactionJob {
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
    this.schedule = new PeriodicTask(intervalMs, () => this.runOnce());
  }

  start(): void {
    this.schedule.start();
  }

  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass, recorded; never throws (a failure waits for the next pass). */
  async runOnce(): Promise<void> {
    const full = this.passes % FULL_PASS_EVERY === 0;
    this.passes += 1;
    try {
      const pass = await this.compaction.pass(full);
      this.metrics.passes.inc({ outcome: "done" });
      this.metrics.seriesBlocksWritten.inc(pass.series);
      if (pass.series > 0) this.logger.info("series blocks compacted", { blocks: pass.blocks, series: pass.series, full });
    } catch (error) {
      this.metrics.passes.inc({ outcome: "failed" });
      this.logger.error("series compaction failed; next pass retries", { error: (error as Error).message });
    }
  }
}
