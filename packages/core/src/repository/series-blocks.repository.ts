import type postgres from "postgres";
import { type AggregationInterval, bucketStart, INTERVAL_MS } from "../models/intervals";
import type { Sql } from "./database";
import { ANY_METRIC_POINT_TEXT_SQL, POINT_SEPARATOR } from "./metric-point-json";
import { settleAll } from "./settle-all";

type Db = Sql | postgres.TransactionSql;

export const DAY_MS = INTERVAL_MS["1d"];
export const HOUR_MS = INTERVAL_MS["1h"];

/** The intervals kept as series blocks: the ones with too many points per day to encode per read. */
export const SERIES_BLOCK_INTERVALS: readonly AggregationInterval[] = ["1m", "5m"];

export function isSeriesBlockInterval(interval: AggregationInterval): boolean {
  return SERIES_BLOCK_INTERVALS.includes(interval);
}

/** A block is a UTC day (24 hours) or an hour. */
export type BlockHours = 24 | 1;

/** A day is written as one block once it has been over this long (until then, as hours). */
export const SERIES_DAY_SETTLE_MS = 2 * HOUR_MS;
/** An hour is written as a block once it has been over this long. */
export const SERIES_HOUR_SETTLE_MS = 5 * 60_000;
/** How far ahead a compacting replica's clock may run without a writer missing its blocks. */
export const SERIES_BLOCK_CLOCK_SKEW_MS = 60_000;

export const utcDayStart = (ms: number): number => bucketStart(ms, "1d");
export const utcHourStart = (ms: number): number => bucketStart(ms, "1h");

/** By this clock: days starting before `dayEnd` and hours starting before `hourEnd` are settled (may be stored as blocks). */
export function settledBlockEnds(nowMs: number): { dayEnd: number; hourEnd: number } {
  return { dayEnd: utcDayStart(nowMs - SERIES_DAY_SETTLE_MS), hourEnd: utcHourStart(nowMs - SERIES_HOUR_SETTLE_MS) };
}

/**
 * Whether a replica whose clock runs up to SERIES_BLOCK_CLOCK_SKEW_MS ahead of this one may have
 * written a block holding this bucket: a writer of the bucket's rollup rows must delete it.
 * (An hour settles before its day, so its hour decides.)
 */
export function mayBeInBlock(bucketMs: number, nowMs: number): boolean {
  return utcHourStart(bucketMs) < settledBlockEnds(nowMs + SERIES_BLOCK_CLOCK_SKEW_MS).hourEnd;
}

/** One series (a metric, overall or for one dimension value) at one interval. */
export interface SeriesKey {
  metric: string;
  interval: AggregationInterval;
  dimension: string;
  dimensionValue: string;
}

/** A bucket of one series whose rollup rows are about to change: the blocks holding it must go. */
export interface SeriesBucketKey extends SeriesKey {
  bucketStartMs: number;
}

export interface SeriesBlock {
  startMs: number;
  hours: BlockHours;
  /** The row's version (its xmin): a rewritten row has another. */
  version: string;
  /** The block's point objects joined by POINT_SEPARATOR, without brackets; null when the caller already holds this version. */
  points: string | null;
}

/** The id of a block within its series, as read() takes known versions by. */
export const blockId = (startMs: number, hours: BlockHours): string => `${hours}@${startMs}`;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The advisory lock of one UTC day's blocks: taken shared by rollup writers, exclusively by compaction. */
const DAY_LOCK = `hashtext('metric_series_blocks')`;
const dayNumber = (ms: number): number => Math.floor(ms / DAY_MS);

/**
 * metric_series_blocks (migration 0010): settled days, and settled hours of days not yet
 * settled, of each 1m/5m series as the JSON text the API serves. A block is written from its
 * rollup rows under its day's lock taken exclusively, and deleted under the same lock, shared,
 * by whatever changes those rollup rows afterwards, in the same transaction as the change: a
 * block that exists is a copy of the committed rollups.
 */
export class SeriesBlocksRepository {
  /**
   * The blocks of this series starting in [fromMs, toMs), oldest first; the text left out
   * (null) of each whose version is the one `known` gives for its blockId.
   */
  async read(db: Db, series: SeriesKey, fromMs: number, toMs: number, known: ReadonlyMap<string, string> = new Map()): Promise<SeriesBlock[]> {
    const held = JSON.stringify(
      [...known].map(([id, version]) => {
        const [hours, start] = id.split("@");
        return { start: iso(Number(start)), hours: Number(hours), version };
      }),
    );
    // The text is only read (and decompressed) for rows whose version the caller lacks.
    const rows = await db<{ start_ms: string; hours: BlockHours; version: string; points: string | null }[]>`
      select (extract(epoch from s.block_start) * 1000)::bigint::text as start_ms, s.block_hours as hours, s.xmin::text as version,
             case when s.xmin::text is not distinct from k.version then null else s.points end as points
      from metric_series_blocks s
      left join jsonb_to_recordset(${held}::text::jsonb) as k(start timestamptz, hours smallint, version text)
        on k.start = s.block_start and k.hours = s.block_hours
      where s.metric_name = ${series.metric} and s.interval = ${series.interval}
        and s.dimension = ${series.dimension} and s.dimension_value = ${series.dimensionValue}
        and s.block_start >= ${new Date(fromMs)} and s.block_start < ${new Date(toMs)}
      order by s.block_start, s.block_hours desc`;
    return rows.map((row) => ({ startMs: Number(row.start_ms), hours: row.hours, version: row.version, points: row.points }));
  }

  /**
   * Blocks of `hours` starting in [fromMs, toMs), newest first, in which some series has rollups
   * at `detect` (an interval every folded series has, no coarser than the block) but no block.
   */
  async blocksToCompact(db: Db, hours: BlockHours, finest: AggregationInterval, detect: AggregationInterval, fromMs: number, toMs: number): Promise<number[]> {
    if (toMs <= fromMs) return [];
    const step = `${hours} hours`;
    const rows = await db<{ start_ms: string }[]>`
      select (extract(epoch from b) * 1000)::bigint::text as start_ms
      from generate_series(${new Date(fromMs)}::timestamptz, ${new Date(toMs - 1)}::timestamptz, ${step}::interval) as b
      where exists (
        select 1 from metric_rollups r
        where r.interval = ${detect} and r.bucket_start >= b and r.bucket_start < b + ${step}::interval
          and not exists (
            select 1 from metric_series_blocks s
            where s.metric_name = r.metric_name and s.interval = ${finest} and s.dimension = r.dimension
              and s.dimension_value = r.dimension_value and s.block_start = b and s.block_hours = ${hours}))
      order by b desc`;
    return rows.map((row) => Number(row.start_ms));
  }

  /**
   * Writes the blocks of up to `maxSeries` series that lack one for the block at startMs, at
   * every interval of `intervals`, inside the caller's transaction (which must commit soon: it
   * holds the day's lock). A day block replaces the day's hour blocks of the same series.
   * Returns how many series it wrote; fewer than maxSeries when the block is done.
   */
  async compactBlock(
    tx: postgres.TransactionSql,
    startMs: number,
    hours: BlockHours,
    intervals: readonly AggregationInterval[],
    detect: AggregationInterval,
    maxSeries: number,
  ): Promise<number> {
    if (intervals.length === 0) return 0;
    await tx`select pg_advisory_xact_lock(${tx.unsafe(DAY_LOCK)}, ${dayNumber(startMs)})`;
    const from = new Date(startMs);
    const to = new Date(startMs + hours * HOUR_MS);
    const [finest] = intervals;
    const rows = await tx<{ series: string }[]>`
      with pending as (
        select distinct r.metric_name, r.dimension, r.dimension_value
        from metric_rollups r
        where r.interval = ${detect} and r.bucket_start >= ${from} and r.bucket_start < ${to}
          and not exists (
            select 1 from metric_series_blocks s
            where s.metric_name = r.metric_name and s.interval = ${finest!} and s.dimension = r.dimension
              and s.dimension_value = r.dimension_value and s.block_start = ${from} and s.block_hours = ${hours})
        order by 1, 2, 3
        limit ${maxSeries}
      ), written as (
        insert into metric_series_blocks (metric_name, interval, dimension, dimension_value, block_start, block_hours, points, point_count)
        select metric_name, interval, dimension, dimension_value, ${from}, ${hours},
               string_agg(${tx.unsafe(ANY_METRIC_POINT_TEXT_SQL)}, ${POINT_SEPARATOR} order by bucket_start), count(*)
        from metric_rollups
        where (metric_name, dimension, dimension_value) in (select metric_name, dimension, dimension_value from pending)
          and interval in ${tx(intervals as AggregationInterval[])} and bucket_start >= ${from} and bucket_start < ${to}
        group by metric_name, interval, dimension, dimension_value
        on conflict (metric_name, interval, dimension, dimension_value, block_start, block_hours)
          do update set points = excluded.points, point_count = excluded.point_count, compacted_at = now()
        returning 1
      ), replaced as (
        delete from metric_series_blocks s
        using pending p
        where ${hours} = 24 and s.block_hours = 1 and s.block_start >= ${from} and s.block_start < ${to}
          and s.metric_name = p.metric_name and s.dimension = p.dimension and s.dimension_value = p.dimension_value
        returning 1
      )
      select (select count(*) from pending)::text as series`;
    return Number(rows[0]!.series);
  }

  /** Deletes the blocks (day and hour) holding these buckets, under each day's lock (shared), in the caller's transaction. */
  async invalidate(tx: postgres.TransactionSql, buckets: readonly SeriesBucketKey[]): Promise<void> {
    if (buckets.length === 0) return;
    const wanted = JSON.stringify(
      buckets.map((b) => ({ m: b.metric, i: b.interval, d: b.dimension, v: b.dimensionValue, day: iso(utcDayStart(b.bucketStartMs)), hour: iso(utcHourStart(b.bucketStartMs)) })),
    );
    // Both sent at once: the connection runs the delete once the locks are held.
    await settleAll([
      this.lockDaysShared(
        tx,
        buckets.map((bucket) => bucket.bucketStartMs),
      ),
      tx`
        delete from metric_series_blocks s
        using jsonb_to_recordset(${wanted}::text::jsonb) as k(m text, i text, d text, v text, day timestamptz, hour timestamptz)
        where s.metric_name = k.m and s.interval = k.i and s.dimension = k.d and s.dimension_value = k.v
          and ((s.block_hours = 24 and s.block_start = k.day) or (s.block_hours = 1 and s.block_start = k.hour))`,
    ]);
  }

  /** Deletes every block of the UTC days overlapping [fromMs, toMs) (a rebuild rewrites them), in the caller's transaction. */
  async invalidateDays(tx: postgres.TransactionSql, fromMs: number, toMs: number): Promise<void> {
    const days: number[] = [];
    for (let day = utcDayStart(fromMs); day < toMs; day += DAY_MS) days.push(day);
    if (days.length === 0) return;
    await this.lockDaysShared(tx, days);
    await tx`delete from metric_series_blocks where block_start >= ${new Date(days[0]!)} and block_start < ${new Date(days.at(-1)! + DAY_MS)}`;
  }

  /** Retention: deletes the blocks of these intervals starting before the cutoff's day. Returns how many. */
  async deleteBefore(db: Db, intervals: readonly AggregationInterval[], cutoffMs: number): Promise<number> {
    if (intervals.length === 0) return 0;
    const deleted = await db`
      delete from metric_series_blocks where interval in ${db(intervals as AggregationInterval[])} and block_start < ${new Date(utcDayStart(cutoffMs))}`;
    return deleted.count;
  }

  /** In one order everywhere, so two writers never wait on each other crosswise. */
  private async lockDaysShared(tx: postgres.TransactionSql, times: readonly number[]): Promise<void> {
    const numbers = [...new Set(times.map(dayNumber))].sort((a, b) => a - b);
    await tx`select pg_advisory_xact_lock_shared(${tx.unsafe(DAY_LOCK)}, d) from unnest(${numbers}::int[]) as d`;
  }
}
