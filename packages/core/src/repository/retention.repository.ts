import type postgres from "postgres";
import type { DropMethod, ExpiredPartition, StoredPartition } from "../retention/retention-plan";
import type { RetentionKind } from "../retention/retention-policy";
import type { Sql, SqlTransaction } from "./database";

type Db = Sql | SqlTransaction;

/** One connection of the pool, held for a whole run (its session holds the advisory lock). */
export type RetentionSession = postgres.ReservedSql;

// cleanup_old_data() (migrations/0018) takes the same id, so it and this job never run at once.
const RETENTION_LOCK_ID = 7_204_119_006;

/** The partitioned tables whose partitions retention manages (see migrations/0009). */
export const RETENTION_TABLES = ["events", "metric_rollups", "rollup_members"] as const;

export type LockedResult<T> = { acquired: true; result: T } | { acquired: false };

/** The policy as retention_settings holds it (migrations/0018); durations in milliseconds. */
export interface StoredRetentionSettings {
  policy: Readonly<Record<RetentionKind, number>>;
  eventDaysAhead: number;
  rollupsAheadMs: number;
  allowedLatenessMs: number;
  batchSize: number;
  maxRowsPerCall: number;
  dropLockTimeoutMs: number;
}

/** What became of an expired partition in one call of cleanup_old_data(). */
export type CleanupAction = "dropped" | "would_drop" | "failed" | "left_to_caller" | "deferred";

/** Rows deleted (or, on a dry run, that would be), per table. */
export interface CleanupRows {
  event_ids: number;
  set_aside_events: number;
  late_events: number;
  order_analytics: number;
  series_blocks: number;
  /** The trading tables of retention_derived_tables() (migration 0028). */
  order_fills: number;
  positions: number;
  user_sessions: number;
  market_quote_bins: number;
}

/** One call's jsonb report, typed. */
export type CleanupCall =
  | { status: "skipped" }
  | {
      status: "done";
      dryRun: boolean;
      now: Date;
      cutoffs: Record<RetentionKind, Date>;
      /** event_ids, set_aside_events and order_analytics rows before this went (the UTC midnight at or below the raw_events cutoff). */
      idsCutoff: Date;
      partitions: { partition: ExpiredPartition; action: CleanupAction; error?: string }[];
      unclassified: string[];
      kept: number;
      created: { events: number; rollups: number };
      rows: CleanupRows;
      failures: { step: string; name: string; error: string }[];
      more: boolean;
    };

interface PartitionJson {
  kind: RetentionKind;
  table: string;
  partition: string;
  parent: string;
  from: string | null;
  to: string | null;
  bytes: number;
  method: DropMethod;
  detach_pending: boolean;
  action: CleanupAction;
  error?: string;
}

interface ReportJson {
  status: "done" | "skipped";
  dry_run: boolean;
  now: string;
  cutoffs: Record<RetentionKind, string>;
  ids_cutoff: string;
  partitions: PartitionJson[];
  unclassified: string[];
  kept: number;
  created: { events: number; rollups: number };
  deleted?: CleanupRows;
  would_delete?: CleanupRows;
  failures: { step: string; name: string; error: string }[];
  more: boolean;
}

/**
 * The database side of retention: the policy in retention_settings, the job itself
 * (cleanup_old_data(), migrations/0018), and the one step PostgreSQL refuses inside a function:
 * detaching a partition CONCURRENTLY.
 */
export class RetentionRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Runs `work` on one connection holding the retention advisory lock, so one runner at a time
   * works across replicas, the CLI and psql callers of cleanup_old_data(); `{ acquired: false }`
   * at once when another holds it. A session lock (not a transaction's): DETACH ... CONCURRENTLY
   * cannot run inside a transaction, and a runner that dies releases it with its connection.
   */
  async withLock<T>(work: (db: RetentionSession) => Promise<T>): Promise<LockedResult<T>> {
    const db = await this.sql.reserve();
    try {
      const [row] = await db<{ locked: boolean }[]>`select pg_try_advisory_lock(${RETENTION_LOCK_ID}) as locked`;
      if (!row?.locked) return { acquired: false };
      try {
        return { acquired: true, result: await work(db) };
      } finally {
        // Fails only with the connection gone, and the lock went with it.
        await db`select pg_advisory_unlock(${RETENTION_LOCK_ID})`.catch(() => undefined);
      }
    } finally {
      db.release();
    }
  }

  /** Upserts the one row of retention_settings: psql callers of cleanup_old_data() then use this policy. */
  async writeSettings(db: Db, settings: StoredRetentionSettings, updatedBy: string): Promise<void> {
    const ms = (value: number) => db`justify_hours(${value}::bigint * interval '1 millisecond')`;
    const { policy } = settings;
    await db`
      insert into retention_settings as s (id, raw_events, minute_aggregates, hour_aggregates, daily_aggregates, partitions_ahead_days,
                                           rollups_ahead, allowed_lateness, batch_size, max_rows_per_call, drop_lock_timeout, updated_at, updated_by)
      values (true, ${ms(policy.raw_events)}, ${ms(policy.minute_aggregates)}, ${ms(policy.hour_aggregates)}, ${ms(policy.daily_aggregates)},
              ${settings.eventDaysAhead}, ${ms(settings.rollupsAheadMs)}, ${ms(settings.allowedLatenessMs)}, ${settings.batchSize},
              ${settings.maxRowsPerCall}, ${ms(settings.dropLockTimeoutMs)}, now(), ${updatedBy})
      on conflict (id) do update set
        raw_events = excluded.raw_events, minute_aggregates = excluded.minute_aggregates, hour_aggregates = excluded.hour_aggregates,
        daily_aggregates = excluded.daily_aggregates, partitions_ahead_days = excluded.partitions_ahead_days,
        rollups_ahead = excluded.rollups_ahead, allowed_lateness = excluded.allowed_lateness, batch_size = excluded.batch_size,
        max_rows_per_call = excluded.max_rows_per_call, drop_lock_timeout = excluded.drop_lock_timeout,
        updated_at = excluded.updated_at, updated_by = excluded.updated_by`;
  }

  /**
   * A dry run of cleanup_old_data() against `settings` without storing them: written and read in
   * one transaction that is rolled back, so a dry run changes nothing, not even the settings.
   */
  async dryRun(settings: StoredRetentionSettings, updatedBy: string): Promise<CleanupCall> {
    let report: CleanupCall | undefined;
    await this.sql
      .begin(async (tx) => {
        await this.writeSettings(tx, settings, updatedBy);
        report = await this.cleanup(tx, { dryRun: true });
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
    return report!;
  }

  /** One call of cleanup_old_data() (migrations/0018). */
  async cleanup(db: Db, options: { dryRun: boolean; maxRows?: number; leaveDetachable?: boolean }): Promise<CleanupCall> {
    const [row] = await db<{ report: ReportJson }[]>`
      select cleanup_old_data(${options.dryRun}, ${options.maxRows ?? null}::bigint, ${options.leaveDetachable ?? false}) as report`;
    return toCall(row!.report);
  }

  /** Every leaf partition of the retention tables, with its bounds (retention_partitions(), migrations/0018). */
  async listPartitions(db: Sql = this.sql): Promise<StoredPartition[]> {
    const rows = await db<
      {
        table_name: string;
        partition_name: string;
        parent: string;
        parent_bound: string | null;
        range_from: Date | null;
        range_to: Date | null;
        is_default: boolean;
        parent_has_default: boolean;
        detach_pending: boolean;
        bytes: string;
      }[]
    >`select * from retention_partitions()`;
    return rows.map((row) => ({
      table: row.table_name,
      name: row.partition_name,
      parent: row.parent,
      parentBound: row.parent_bound,
      from: row.range_from,
      to: row.range_to,
      isDefault: row.is_default,
      parentHasDefault: row.parent_has_default,
      detachPending: row.detach_pending,
      bytes: Number(row.bytes),
    }));
  }

  /**
   * Removes a partition without a DEFAULT beside it (events): detached CONCURRENTLY, so readers
   * and writers of the table never wait, not even for a long export; or, when an earlier detach
   * was cut short, FINALIZE completes it. Only a client can run this (not a function), so it is
   * the one step of retention outside cleanup_old_data().
   */
  async detachAndDrop(db: RetentionSession, partition: ExpiredPartition): Promise<void> {
    if (partition.detachPending) {
      await db`alter table ${db(partition.parent)} detach partition ${db(partition.name)} finalize`;
    } else {
      await db`alter table ${db(partition.parent)} detach partition ${db(partition.name)} concurrently`;
    }
    await db`drop table ${db(partition.name)}`;
  }
}

class RolledBack extends Error {}

function toCall(report: ReportJson): CleanupCall {
  if (report.status === "skipped") return { status: "skipped" };
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return {
    status: "done",
    dryRun: report.dry_run,
    now: new Date(report.now),
    cutoffs: Object.fromEntries(Object.entries(report.cutoffs).map(([kind, time]) => [kind, new Date(time)])) as Record<RetentionKind, Date>,
    idsCutoff: new Date(report.ids_cutoff),
    partitions: report.partitions.map((entry) => ({
      partition: {
        table: entry.table,
        name: entry.partition,
        parent: entry.parent,
        from: date(entry.from),
        to: date(entry.to),
        kind: entry.kind,
        method: entry.method,
        detachPending: entry.detach_pending,
        bytes: Number(entry.bytes),
      },
      action: entry.action,
      ...(entry.error === undefined ? {} : { error: entry.error }),
    })),
    unclassified: report.unclassified,
    kept: Number(report.kept),
    created: report.created,
    rows: (report.deleted ?? report.would_delete)!,
    failures: report.failures,
    more: report.more,
  };
}
