import { Counter, type Registry } from "prom-client";
import type { Logger } from "../logger";
import { PeriodicTask } from "../periodic-task";
import type { Service } from "../service";
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
  };
  // Every series exists from the start, so rate() and absence alerts see zeros rather than nothing.
  for (const kind of RETENTION_KINDS) {
    metrics.partitionsDropped.inc({ kind }, 0);
    metrics.dropFailures.inc({ kind }, 0);
  }
  return metrics;
}

/**
 * Runs retention every `intervalMs` (analytics.retention.cleanup_interval), the first time at
 * start. Every replica runs one; the advisory lock lets one of them work and the others skip.
 * Runs are counted by the job metrics (task="retention"): skipped when another replica held
 * the lock, failed when a partition could not be dropped. stop() waits for the run in hand.
 */
export class RetentionJob implements Service {
  readonly id = "retention";
  private readonly metrics: RetentionMetrics;
  private readonly schedule: PeriodicTask<RetentionRunResult>;

  constructor(
    private readonly runner: RetentionRunner,
    registry: Registry,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.metrics = createRetentionMetrics(registry);
    this.schedule = new PeriodicTask(
      { id: this.id, intervalMs, logger, registry },
      { run: () => this.run(), outcome: (result) => (result.status === "locked" ? "skipped" : result.partitions.some((entry) => entry.error !== undefined) ? "failed" : "done") },
    );
  }

  start(): void {
    this.schedule.start();
  }

  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One run now, recorded like a scheduled one; undefined when it failed (logged; the next run retries). */
  runOnce(): Promise<RetentionRunResult | undefined> {
    return this.schedule.runOnce();
  }

  private async run(): Promise<RetentionRunResult> {
    const result = await this.runner.run({ dryRun: false });
    this.record(result);
    return result;
  }

  private record(result: RetentionRunResult): void {
    if (result.status === "locked") {
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
    this.logger.info("retention run finished", {
      dropped: result.partitions.length - failures,
      failed: failures,
      late_events_deleted: result.lateEvents,
      event_ids_deleted: result.eventIds,
      partitions_created: result.created,
    });
  }
}
