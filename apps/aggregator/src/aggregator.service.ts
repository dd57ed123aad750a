import { backoffDelay, errorMessage, type HealthCheck, type Logger, type Service } from "@trading-analytics/core";
import type { AggregationCycle, CycleResult } from "@trading-analytics/rollups";
import type { AggregatorMetrics } from "@trading-analytics/metrics";

const MAX_BACKOFF_MS = 5_000;

export interface FailurePolicy {
  /** Failed cycles in a row after which the page is folded by bisection (poisonous events set aside). */
  isolateAfterFailures: number;
  /** Failed cycles in a row after which readiness fails. */
  maxFailedCycles: number;
  /** A cycle running this long is stuck (a page takes seconds): readiness fails until it ends. */
  stalledCycleMs?: number;
}

const DEFAULT_POLICY: FailurePolicy = { isolateAfterFailures: 3, maxFailedCycles: 5 };
const DEFAULT_STALLED_CYCLE_MS = 120_000;

/**
 * Runs aggregation cycles back to back while there is a backlog, every poll interval once
 * caught up, and with growing back-off while cycles fail. A page that keeps failing is folded
 * by bisection so the events failing on their own are set aside; readiness fails after too many
 * failures in a row, while a cycle is stuck, and once the loop has ended. stop() lets the cycle
 * in hand commit.
 */
export class AggregatorService implements Service {
  readonly id = "aggregation";
  private running = false;
  /** When the cycle in hand began (performance.now()); undefined between cycles. */
  private cycleStartedAt: number | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  private lastError = "";

  constructor(
    private readonly cycle: AggregationCycle,
    private readonly metrics: AggregatorMetrics,
    private readonly logger: Logger,
    private readonly pollIntervalMs: number,
    /** Called after each committed cycle that changed rollups (e.g. to bump the cache version). */
    private readonly onRollupsChanged: () => void = () => undefined,
    private readonly policy: FailurePolicy = DEFAULT_POLICY,
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

  /**
   * Readiness follows the fold loop: it fails once the loop is not running, while a cycle is
   * stuck, and once maxFailedCycles cycles in a row have failed, until one succeeds.
   */
  healthcheck(): HealthCheck {
    return {
      name: "aggregation",
      critical: true,
      check: async () => {
        if (!this.running) throw new Error("the fold loop is not running");
        const cycleMs = this.cycleStartedAt === undefined ? 0 : performance.now() - this.cycleStartedAt;
        if (cycleMs > (this.policy.stalledCycleMs ?? DEFAULT_STALLED_CYCLE_MS)) throw new Error(`an aggregation cycle has been running for ${Math.round(cycleMs / 1000)} s`);
        if (this.failures >= this.policy.maxFailedCycles) {
          throw new Error(`${this.failures} aggregation cycles failed in a row; last: ${this.lastError}`);
        }
      },
    };
  }

  /** Failed cycles in a row. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      let delayMs = this.pollIntervalMs;
      try {
        const started = process.hrtime.bigint();
        const isolate = this.failures >= this.policy.isolateAfterFailures;
        if (isolate) this.logger.warn("folding the failing page by bisection to set aside the events that fail it", { failures: this.failures });
        this.cycleStartedAt = performance.now();
        const result = await this.cycle.run({ isolate }).finally(() => (this.cycleStartedAt = undefined));
        this.record(result, Number(process.hrtime.bigint() - started) / 1e9);
        if (this.failures > 0) this.logger.info("aggregation resumed", { after_failures: this.failures });
        this.setFailures(0);
        if (result.outcome === "folded" && result.more) delayMs = 0;
      } catch (error) {
        this.setFailures(this.failures + 1);
        this.lastError = errorMessage(error);
        this.metrics.cycles.inc({ outcome: "error" });
        this.recordCacheSize(); // a failed cycle empties the cache
        await this.refreshOldestUnfolded();
        delayMs = backoffDelay(this.failures, { baseMs: this.pollIntervalMs, maxMs: MAX_BACKOFF_MS });
        this.logger.error("aggregation cycle failed; retrying", { error: this.lastError, retry_in_ms: delayMs, failures: this.failures });
      }
      if (delayMs > 0 && this.running) await this.sleep(delayMs);
    }
  }

  private setFailures(failures: number): void {
    this.failures = failures;
    this.metrics.consecutiveFailedCycles.set(failures);
  }

  /** After a failed cycle: the cursor did not move, so the oldest unfolded event is still waiting. */
  private async refreshOldestUnfolded(): Promise<void> {
    try {
      this.metrics.setOldestUnfolded(await this.cycle.oldestUnfoldedReceivedAt());
    } catch {
      // The database is away: keep the last known oldest event, whose wait keeps growing.
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
    if (result.outcome === "other_replica") {
      this.metrics.setOldestUnfolded(null); // the replica holding the cursor reports the lag
      return;
    }
    // Idle is not caught up when stored events wait behind a transaction held open elsewhere.
    this.metrics.setOldestUnfolded(result.oldestUnfoldedReceivedAtMs);
    if (result.outcome !== "folded") return;
    this.onRollupsChanged();
    this.metrics.cycleDuration.observe(seconds);
    this.metrics.eventsAggregated.inc(result.folded);
    this.metrics.rollupRowsWritten.inc(result.rowsWritten);
    for (const [state, count] of Object.entries(result.orders)) if (count > 0) this.metrics.orders.inc({ state }, count);
    for (const event of result.late) this.metrics.lateEvents.inc({ event_type: event.eventType });
    if (result.late.length > 0) {
      this.logger.warn("events stored too late to fold; recorded in late_events", { count: result.late.length });
    }
    for (const event of result.setAside) this.metrics.eventsSetAside.inc({ reason: event.reason });
    if (result.setAside.length > 0) {
      const first = result.setAside[0]!;
      this.logger.warn("events the aggregator cannot fold were set aside; see set_aside_events", {
        count: result.setAside.length,
        first: { event_id: first.eventId, event_type: first.eventType, reason: first.reason, detail: first.detail },
      });
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
