import { Counter, Gauge, type Registry } from "prom-client";
import type { Logger } from "../logger";
import { PeriodicTask } from "../periodic-task";
import { RETENTION_KINDS } from "./retention-policy";
import type { RetentionRunner, RetentionRunResult } from "./retention-runner";

export type RetentionMetrics = ReturnType<typeof createRetentionMetrics>;

export function createRetentionMetrics(registry: Registry) {
  const metrics = {
    partitionsDropped: new Counter({
      name: "analytics_retention_partitions_dropped_total",
      help: "Partitions dropped by retention, by data kind (raw_events, minute_aggregates, hour_aggregates, daily_aggregates)",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    dropFailures: new Counter({
      name: "analytics_retention_drop_failures_total",
      help: "Expired partitions retention failed to drop (retried on the next run), by data kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    lateEventsDeleted: new Counter({
      name: "analytics_retention_late_events_deleted_total",
      help: "late_events rows deleted by retention (recorded longer ago than raw_events retention)",
      registers: [registry],
    }),
    eventIdsDeleted: new Counter({
      name: "analytics_retention_event_ids_deleted_total",
      help: "event_ids rows deleted by retention with the days of events it dropped",
      registers: [registry],
    }),
    runs: new Counter({
      name: "analytics_retention_runs_total",
      help: "Retention runs by outcome: done, failed, or skipped (another replica held the lock)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: "analytics_retention_last_success_timestamp_seconds",
      help: "When this process last finished a retention run that dropped everything expired (Unix seconds; 0 before the first)",
      registers: [registry],
    }),
  };
  // Every series exists from the start, so rate() and absence alerts see zeros rather than nothing.
  for (const kind of RETENTION_KINDS) {
    metrics.partitionsDropped.inc({ kind }, 0);
    metrics.dropFailures.inc({ kind }, 0);
  }
  for (const outcome of ["done", "failed", "skipped"]) metrics.runs.inc({ outcome }, 0);
  return metrics;
}

/**
 * Runs retention every `intervalMs` (analytics.retention.cleanup_interval), the first time at
 * start. Every replica runs one; the advisory lock lets one of them work and the others skip.
 * stop() waits for the run in hand.
 */
export class RetentionJob {
  readonly id = "retention";
  private readonly metrics: RetentionMetrics;
  private readonly schedule: PeriodicTask;

  constructor(
    private readonly runner: RetentionRunner,
    registry: Registry,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.metrics = createRetentionMetrics(registry);
    this.schedule = new PeriodicTask(intervalMs, () => this.runOnce());
  }

  start(): void {
    this.schedule.start();
  }

  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One run, recorded in the metrics and logs; never throws (a failure waits for the next run). */
  async runOnce(): Promise<RetentionRunResult | undefined> {
    try {
      const result = await this.runner.run({ dryRun: false });
      this.record(result);
      return result;
    } catch (error) {
      this.metrics.runs.inc({ outcome: "failed" });
      this.logger.error("retention run failed; next run retries", { error: (error as Error).message });
      return undefined;
    }
  }

  private record(result: RetentionRunResult): void {
    if (result.status === "locked") {
      this.metrics.runs.inc({ outcome: "skipped" });
      this.logger.debug("retention skipped: another replica holds the lock");
      return;
    }
    let failures = 0;
    for (const { partition, error } of result.partitions) {
      if (error === undefined) this.metrics.partitionsDropped.inc({ kind: partition.kind });
      else {
        this.metrics.dropFailures.inc({ kind: partition.kind });
        failures += 1;
      }
    }
    this.metrics.lateEventsDeleted.inc(result.lateEvents);
    this.metrics.eventIdsDeleted.inc(result.eventIds);
    this.metrics.runs.inc({ outcome: failures === 0 ? "done" : "failed" });
    if (failures === 0) this.metrics.lastSuccess.set(Date.now() / 1000);
    this.logger.info("retention run finished", {
      dropped: result.partitions.length - failures,
      failed: failures,
      late_events_deleted: result.lateEvents,
      event_ids_deleted: result.eventIds,
      partitions_created: result.created,
    });
  }
}
