import type { Logger } from "@trading-analytics/core";
import type { AggregationCycle, CycleResult } from "./aggregation-cycle";
import type { AggregatorMetrics } from "./metrics";

const MAX_BACKOFF_MS = 5_000;

/**
 * Runs aggregation cycles back to back while there is a backlog, every poll interval once
 * caught up, and with growing back-off while the database fails. stop() lets the cycle in
 * hand commit.
 */
export class AggregatorService {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly cycle: AggregationCycle,
    private readonly metrics: AggregatorMetrics,
    private readonly logger: Logger,
    private readonly pollIntervalMs: number,
    /** Called after each committed cycle that changed rollups (e.g. to bump the cache version). */
    private readonly onRollupsChanged: () => void = () => undefined,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async runLoop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let delayMs = this.pollIntervalMs;
      try {
        const started = process.hrtime.bigint();
        const result = await this.cycle.run();
        this.record(result, Number(process.hrtime.bigint() - started) / 1e9);
        if (failures > 0) this.logger.info("aggregation resumed", { after_failures: failures });
        failures = 0;
        if (result.outcome === "folded" && result.more) delayMs = 0;
      } catch (error) {
        failures += 1;
        this.metrics.cycles.inc({ outcome: "error" });
        this.recordCacheSize(); // a failed cycle empties the cache
        delayMs = Math.min(MAX_BACKOFF_MS, this.pollIntervalMs * 2 ** Math.min(failures, 10));
        this.logger.error("aggregation cycle failed; retrying", { error: (error as Error).message, retry_in_ms: delayMs, failures });
      }
      if (delayMs > 0 && this.running) await this.sleep(delayMs);
    }
  }

  private recordCacheSize(): void {
    const { rows, bytes } = this.cycle.cacheSize();
    this.metrics.stateCacheRows.set(rows);
    this.metrics.stateCacheBytes.set(bytes);
  }

  private record(result: CycleResult, seconds: number): void {
    this.metrics.cycles.inc({ outcome: result.outcome });
    this.recordCacheSize();
    if (result.outcome !== "folded") {
      if (result.outcome === "idle") {
        // Idle is not caught up when stored events wait behind a transaction held open elsewhere.
        const oldest = result.oldestUnfoldedReceivedAtMs;
        this.metrics.aggregationLag.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      }
      return;
    }
    this.onRollupsChanged();
    this.metrics.cycleDuration.observe(seconds);
    this.metrics.eventsAggregated.inc(result.folded);
    this.metrics.rollupRowsWritten.inc(result.rowsWritten);
    if (Number.isFinite(result.oldestReceivedAtMs)) this.metrics.aggregationLag.set(Math.max(0, (Date.now() - result.oldestReceivedAtMs) / 1000));
    for (const event of result.late) this.metrics.lateEvents.inc({ event_type: event.eventType });
    if (result.late.length > 0) {
      this.logger.warn("events stored too late to fold; recorded in late_events", { count: result.late.length });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
