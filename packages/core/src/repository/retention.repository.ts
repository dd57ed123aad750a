import type postgres from "postgres";
import type { ExpiredPartition, StoredPartition } from "../retention/retention-plan";
import type { Sql } from "./database";

/** One connection of the pool, held for a whole run (its session holds the advisory lock). */
export type RetentionSession = postgres.ReservedSql;

// Any constant works as long as every replica and the CLI use the same one.
const RETENTION_LOCK_ID = 7_204_119_006;

/** The partitioned tables whose partitions retention manages (see migrations/0009). */
export const RETENTION_TABLES = ["events", "metric_rollups", "rollup_members"] as const;

/** A range bound as pg_get_expr prints it; the literals are cast back in the same session, so its TimeZone cancels out. */
const RANGE_BOUND = "^FOR VALUES FROM \\('([^']+)'\\) TO \\('([^']+)'\\)$";

/** How long a plain DROP may wait for its table's lock before giving up until the next attempt. */
const DROP_LOCK_TIMEOUT = "3s";
const DROP_ATTEMPTS = 3;
const LOCK_NOT_AVAILABLE = "55P03";

export type LockedResult<T> = { acquired: true; result: T } | { acquired: false };

interface PartitionRow {
  table: string;
  name: string;
  parent: string;
  parent_bound: string | null;
  from: Date | null;
  to: Date | null;
  is_default: boolean;
  parent_has_default: boolean;
  detach_pending: boolean;
  bytes: string;
}

/** The catalog side of retention: partitions and their bounds, dropping them, creating them ahead. */
export class RetentionRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Runs `work` on one connection holding the retention advisory lock, so one runner at a time
   * works across replicas and the CLI; `{ acquired: false }` at once when another holds it. A
   * session lock (not a transaction's): DETACH ... CONCURRENTLY cannot run inside a transaction,
   * and a runner that dies releases it with its connection.
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

  /** The database's clock: every replica plans against the same one. */
  async now(db: Sql = this.sql): Promise<Date> {
    const [row] = await db<{ now: Date }[]>`select now() as now`;
    return row!.now;
  }

  /** Every leaf partition of the retention tables, with its bounds (pg_inherits + pg_get_expr(relpartbound)). */
  async listPartitions(db: Sql = this.sql): Promise<StoredPartition[]> {
    const rows = await db<PartitionRow[]>`
      with recursive tree as (
        select c.oid as relid, c.relname::text as root
        from pg_class c
        where c.relkind = 'p' and c.relnamespace = current_schema()::regnamespace
          and c.relname = any(${RETENTION_TABLES as unknown as string[]}::text[])
        union all
        select i.inhrelid, t.root from pg_inherits i join tree t on i.inhparent = t.relid
      )
      select t.root as table, c.relname::text as name, p.relname::text as parent,
             case when p.relispartition then pg_get_expr(p.relpartbound, p.oid) end as parent_bound,
             bound.m[1]::timestamptz as from, bound.m[2]::timestamptz as to,
             pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' as is_default,
             pp.partdefid <> 0 as parent_has_default,
             i.inhdetachpending as detach_pending,
             pg_total_relation_size(c.oid)::text as bytes
      from tree t
      join pg_class c on c.oid = t.relid and c.relkind = 'r'
      join pg_inherits i on i.inhrelid = c.oid
      join pg_class p on p.oid = i.inhparent
      join pg_partitioned_table pp on pp.partrelid = p.oid
      left join lateral (select regexp_match(pg_get_expr(c.relpartbound, c.oid), ${RANGE_BOUND}) as m) bound on true
      order by t.root, bound.m[1]::timestamptz nulls first, c.relname`;
    return rows.map((row) => ({
      table: row.table,
      name: row.name,
      parent: row.parent,
      parentBound: row.parent_bound,
      from: row.from,
      to: row.to,
      isDefault: row.is_default,
      parentHasDefault: row.parent_has_default,
      detachPending: row.detach_pending,
      bytes: Number(row.bytes),
    }));
  }

  /**
   * Removes one partition. Without a DEFAULT beside it (events) it is detached
   * CONCURRENTLY: readers and writers of the table never wait, not even for a long export. Next
   * to a DEFAULT (rollups) PostgreSQL allows only a plain DROP, which needs the parent's lock for
   * an instant: it waits at most DROP_LOCK_TIMEOUT per attempt, so it never queues the
   * aggregator behind a long reader for long. `db` is one connection: the lock timeout is set
   * on its session for the drop only.
   */
  async dropPartition(db: RetentionSession, partition: ExpiredPartition): Promise<void> {
    if (partition.method === "detach_concurrently") {
      if (partition.detachPending) {
        await db`alter table ${db(partition.parent)} detach partition ${db(partition.name)} finalize`;
      } else {
        await db`alter table ${db(partition.parent)} detach partition ${db(partition.name)} concurrently`;
      }
      await db`drop table ${db(partition.name)}`;
      return;
    }
    await db`select set_config('lock_timeout', ${DROP_LOCK_TIMEOUT}, false)`;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await db`drop table ${db(partition.name)}`;
          return;
        } catch (error) {
          if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt >= DROP_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
        }
      }
    } finally {
      await db`reset lock_timeout`;
    }
  }

  /**
   * Creates the events partitions for [eventsFrom, eventsTo] (UTC days) and the
   * rollup partitions overlapping [rollupsFrom, rollupsTo], moving any rows that fell into a
   * rollup DEFAULT partition into partitions of their own. Returns how many were new.
   */
  async ensurePartitions(
    db: Sql,
    window: { eventsFrom: Date; eventsTo: Date; rollupsFrom: Date; rollupsTo: Date },
  ): Promise<{ events: number; rollups: number }> {
    const day = (time: Date) => time.toISOString().slice(0, 10);
    const [events] = await db<{ created: number }[]>`
      select ensure_events_partitions(${day(window.eventsFrom)}::date, ${day(window.eventsTo)}::date) as created`;
    const missing = await db<{ kind_table: string; width: string; fill_factor: number; bucket_start: Date }[]>`
      select kind_table, width, fill_factor, bucket_start
      from rollup_partitions_wanted(${window.rollupsFrom}, ${window.rollupsTo})
      where to_regclass(partition_name) is null`;
    let rollups = 0;
    // One statement (one transaction) each: creating one locks its kind's DEFAULT partition, and
    // holding one such lock at a time leaves no lock cycle with the aggregator's writes.
    for (const wanted of missing) {
      const [row] = await db<{ created: boolean }[]>`
        select ensure_rollup_partition(${wanted.kind_table}, ${wanted.width}, ${wanted.fill_factor}, ${wanted.bucket_start}) as created`;
      if (row?.created) rollups += 1;
    }
    return { events: events?.created ?? 0, rollups };
  }

  /**
   * Deletes the ids (event_ids) of events in [from, to), one window of `windowMs` per statement:
   * each statement finds its rows through the BRIN index once, so a day of ids costs one pass,
   * not a pass per batch over the dead rows earlier batches left. Ids are unique across all
   * retained days, so they cannot leave with their day's partition (migrations/0013).
   */
  async deleteIdsBetween(db: Sql, from: Date, to: Date, windowMs: number): Promise<number> {
    let deleted = 0;
    for (let start = from.getTime(); start < to.getTime(); start += windowMs) {
      const end = Math.min(start + windowMs, to.getTime());
      const result = await db`delete from event_ids where event_time >= ${new Date(start)} and event_time < ${new Date(end)}`;
      deleted += result.count;
    }
    return deleted;
  }

  /**
   * Deletes whatever ids older than `before` are left (a run stopped halfway, ids of days dropped
   * by hand). Normally it finds none. Returns how many went.
   */
  deleteIdsBefore(db: Sql, before: Date, batchSize: number): Promise<number> {
    return deleteByEventTime(db, "event_ids", before, batchSize);
  }

  /** Deletes the set-aside records of events older than `before` (their events are gone). */
  deleteSetAsideBefore(db: Sql, before: Date, batchSize: number): Promise<number> {
    return deleteByEventTime(db, "set_aside_events", before, batchSize);
  }

  /** How many ids belong to events older than `before`. */
  async countIdsBefore(before: Date, db: Sql = this.sql): Promise<number> {
    const [row] = await db<{ n: string }[]>`select count(*)::text as n from event_ids where event_time < ${before}`;
    return Number(row?.n ?? 0);
  }

  /** late_events rows recorded before `cutoff`. */
  async countLateEventsBefore(cutoff: Date, db: Sql = this.sql): Promise<number> {
    const [row] = await db<{ n: string }[]>`select count(*)::text as n from late_events where recorded_at < ${cutoff}`;
    return Number(row?.n ?? 0);
  }

  /**
   * Deletes late_events rows recorded before `cutoff`, `batchSize` rows per statement: the table
   * stays small, and no statement holds many row locks or runs long. Returns how many went.
   */
  async deleteLateEventsBefore(db: Sql, cutoff: Date, batchSize: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const result = await db`
        delete from late_events where event_id in (
          select event_id from late_events where recorded_at < ${cutoff} order by recorded_at limit ${batchSize}
        )`;
      deleted += result.count;
      if (result.count < batchSize) return deleted;
    }
  }
}

/** Rows of `table` with event_time before `before`, `batchSize` per statement, so none holds many row locks or runs long. */
async function deleteByEventTime(db: Sql, table: "event_ids" | "set_aside_events", before: Date, batchSize: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await db`
      delete from ${db(table)} where ctid = any(array(
        select ctid from ${db(table)} where event_time < ${before} limit ${batchSize}
      ))`;
    deleted += result.count;
    if (result.count < batchSize) return deleted;
  }
}
