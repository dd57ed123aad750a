import type { Config } from "../config";
import type { Logger } from "../logger";
import type { CleanupCall, CleanupRows, RetentionRepository, RetentionSession, StoredRetentionSettings } from "../repository/retention.repository";
import type { ExpiredPartition, RetentionPlan } from "./retention-plan";
import { retentionPolicy } from "./retention-policy";
import { errorMessage } from "../errors";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The policy and limits retention runs with; written to retention_settings (migrations/0018) before each run. */
export type RetentionSettings = StoredRetentionSettings;

/** Three months of rollup partitions ahead: a retention job stopped for weeks still leaves the aggregator a partition to write to. */
const ROLLUPS_AHEAD_MS = 92 * DAY_MS;

export function retentionSettings(config: Config): RetentionSettings {
  return {
    policy: retentionPolicy(config.analytics.retention),
    eventDaysAhead: config.analytics.ingestion.partitions_ahead_days,
    rollupsAheadMs: ROLLUPS_AHEAD_MS,
    allowedLatenessMs: config.analytics.aggregation.allowed_lateness,
    // Rows per DELETE statement, and per call of cleanup_old_data(): a call stays a few seconds
    // long, so it never holds back VACUUM and the aggregator's tail for long.
    batchSize: 10_000,
    maxRowsPerCall: 1_000_000,
    dropLockTimeoutMs: 3_000,
  };
}

export interface DroppedPartition {
  partition: ExpiredPartition;
  /** Set when dropping it failed; it stays for the next run. */
  error?: string;
}

export type RetentionRunResult =
  | { status: "locked" }
  | {
      status: "done";
      dryRun: boolean;
      plan: RetentionPlan;
      /** Every expired partition with what became of it (nothing, on a dry run). */
      partitions: DroppedPartition[];
      /** late_events rows recorded before the raw_events cutoff: deleted, or on a dry run that would be. */
      lateEvents: number;
      /** event_ids rows of the days whose events partitions went: deleted, or on a dry run that would be. */
      eventIds: number;
      /** Every table's rows deleted (or that would be). */
      rows: CleanupRows;
      /** Partitions created ahead (0 on a dry run). */
      created: number;
      /** Partitions ahead that could not be created (retried on the next run). */
      createFailures: { name: string; error: string }[];
    };

/**
 * One retention pass. The work is cleanup_old_data() (migrations/0018), the same function a psql
 * caller runs; this runner stores the configured policy first, calls it until it has nothing
 * more (each call deletes a bounded number of rows, so no transaction runs long), and then
 * detaches the expired events days CONCURRENTLY, which PostgreSQL allows only outside a
 * function, so readers and writers of events never wait for retention. A dry run changes nothing.
 */
export class RetentionRunner {
  constructor(
    private readonly repository: RetentionRepository,
    private readonly settings: RetentionSettings,
    private readonly logger?: Logger,
    /** Recorded in retention_settings.updated_by. */
    private readonly writer = "analytics",
  ) {}

  async run(options: { dryRun: boolean }): Promise<RetentionRunResult> {
    if (options.dryRun) {
      const call = await this.repository.dryRun(this.settings, this.writer);
      if (call.status !== "done") throw new Error("cleanup_old_data() skipped a dry run");
      return result(call, call.partitions.map(({ partition }) => ({ partition })), call.rows, 0);
    }
    const locked = await this.repository.withLock((db) => this.apply(db));
    return locked.acquired ? locked.result : { status: "locked" };
  }

  private async apply(db: RetentionSession): Promise<RetentionRunResult> {
    await this.repository.writeSettings(db, this.settings, this.writer);
    const rows: CleanupRows = { event_ids: 0, set_aside_events: 0, late_events: 0, order_analytics: 0, series_blocks: 0, order_fills: 0, positions: 0, user_sessions: 0, market_quote_bins: 0 };
    const partitions: DroppedPartition[] = [];
    let created = 0;
    let call: CleanupCall;
    for (let calls = 1; ; calls++) {
      call = await this.repository.cleanup(db, { dryRun: false, maxRows: this.settings.maxRowsPerCall, leaveDetachable: true });
      // Our own session holds the lock, which the function takes again: it cannot be skipped.
      if (call.status !== "done") throw new Error("cleanup_old_data() was skipped while this runner held the lock");
      for (const name of Object.keys(rows) as (keyof CleanupRows)[]) rows[name] += call.rows[name];
      created += call.created.events + call.created.rollups;
      for (const { partition, action, error } of call.partitions) {
        if (action === "dropped") this.dropped(partitions, partition);
        else if (action === "failed") this.failed(partitions, partition, error ?? "unknown error");
      }
      for (const failure of call.failures.filter((entry) => entry.step === "create")) {
        this.logger?.error("retention could not create a partition ahead; next run retries", failure);
      }
      if (!call.more) break;
      this.logger?.debug("retention continues: rows left after a bounded call", { calls });
    }
    // The days the function left to us: every id of them is gone (its last call had nothing more).
    for (const { partition, action } of call.partitions) {
      if (action !== "left_to_caller") continue;
      try {
        await this.repository.detachAndDrop(db, partition);
        this.dropped(partitions, partition);
      } catch (error) {
        this.failed(partitions, partition, errorMessage(error));
      }
    }
    if (rows.series_blocks > 0) this.logger?.info("retention deleted series blocks", { rows: rows.series_blocks });
    if (rows.event_ids > 0) this.logger?.info("retention deleted event ids", { rows: rows.event_ids, before: call.idsCutoff });
    if (rows.set_aside_events > 0) {
      this.logger?.info("retention deleted set-aside records of dropped days", { rows: rows.set_aside_events, before: call.idsCutoff });
    }
    if (rows.order_analytics > 0) {
      this.logger?.info("retention deleted order_analytics rows of orders placed in dropped days", { rows: rows.order_analytics, before: call.idsCutoff });
    }
    const trading = { order_fills: rows.order_fills, positions: rows.positions, user_sessions: rows.user_sessions, market_quote_bins: rows.market_quote_bins };
    if (Object.values(trading).some((n) => n > 0)) this.logger?.info("retention deleted trading rows of dropped days", { ...trading, before: call.idsCutoff });
    if (created > 0) this.logger?.info("retention created partitions ahead", { created });
    if (rows.late_events > 0) this.logger?.info("retention deleted late_events rows", { rows: rows.late_events, recorded_before: call.cutoffs.raw_events });
    return result(call, partitions, rows, created);
  }

  private dropped(partitions: DroppedPartition[], partition: ExpiredPartition): void {
    partitions.push({ partition });
    this.logger?.info("retention dropped a partition", { ...fields(partition), bytes: partition.bytes });
  }

  private failed(partitions: DroppedPartition[], partition: ExpiredPartition, error: string): void {
    partitions.push({ partition, error });
    this.logger?.error("retention could not drop a partition; next run retries", { ...fields(partition), error });
  }
}

function fields(partition: ExpiredPartition) {
  return { kind: partition.kind, table: partition.table, partition: partition.name, from: partition.from, to: partition.to };
}

function result(call: Extract<CleanupCall, { status: "done" }>, partitions: DroppedPartition[], rows: CleanupRows, created: number): RetentionRunResult {
  const order = (a: DroppedPartition, b: DroppedPartition) =>
    a.partition.table.localeCompare(b.partition.table) ||
    (a.partition.from?.getTime() ?? 0) - (b.partition.from?.getTime() ?? 0) ||
    a.partition.name.localeCompare(b.partition.name);
  return {
    status: "done",
    dryRun: call.dryRun,
    plan: { now: call.now, cutoffs: call.cutoffs, kept: call.kept, unclassified: call.unclassified },
    partitions: [...partitions].sort(order),
    lateEvents: rows.late_events,
    eventIds: rows.event_ids,
    rows,
    created,
    createFailures: call.failures.filter((entry) => entry.step === "create").map(({ name, error }) => ({ name, error })),
  };
}
