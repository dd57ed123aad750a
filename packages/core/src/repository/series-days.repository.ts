import type postgres from "postgres";
import type { AggregationInterval } from "../models/intervals";
import type { Sql } from "./database";
import { ANY_METRIC_POINT_TEXT_SQL, POINT_SEPARATOR } from "./metric-point-json";

type Db = Sql | postgres.TransactionSql;

export const DAY_MS = 86_400_000;

/** The intervals kept as day series: the ones with too many points per day to encode per read. */
export const SERIES_DAY_INTERVALS: readonly AggregationInterval[] = ["1m", "5m"];

export function isSeriesDayInterval(interval: AggregationInterval): boolean {
  return SERIES_DAY_INTERVALS.includes(interval);
}

/** One series (a metric, overall or for one dimension value) at one interval. */
export interface SeriesKey {
  metric: string;
  interval: AggregationInterval;
  dimension: string;
  dimensionValue: string;
}

/** A UTC day of one series whose day row must go (its rollup rows are about to change). */
export interface SeriesDayKey extends SeriesKey {
  dayMs: number;
}

export interface SeriesDay {
  dayMs: number;
  /** The row's version (its xmin): a rewritten row has another. */
  version: string;
  /** The day's point objects joined by POINT_SEPARATOR, without brackets; null when the caller already holds this version. */
  points: string | null;
}

export const utcDayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

const HOUR_MS = 3_600_000;
/** A day is compacted once it has been over this long (late events may still change it: they invalidate). */
export const SERIES_DAY_SETTLE_MS = 2 * HOUR_MS;
/** How far ahead a compacting replica's clock may run without a writer missing its day rows. */
export const SERIES_DAY_CLOCK_SKEW_MS = HOUR_MS;

/** Whether the day starting at dayMs is over long enough to compact, by this process' clock. */
export function isSettledDay(dayMs: number, nowMs: number): boolean {
  return dayMs + DAY_MS <= nowMs - SERIES_DAY_SETTLE_MS;
}

/**
 * Whether a replica whose clock runs up to SERIES_DAY_CLOCK_SKEW_MS ahead of this one may have
 * compacted the day: a writer of its rollup rows must delete its day rows.
 */
export function mayHaveDayRows(dayMs: number, nowMs: number): boolean {
  return isSettledDay(dayMs, nowMs + SERIES_DAY_CLOCK_SKEW_MS);
}
const dayNumber = (dayMs: number): number => Math.floor(dayMs / DAY_MS);
const isoDay = (dayMs: number): string => new Date(dayMs).toISOString().slice(0, 10);

/** The advisory lock of one UTC day's series rows: taken shared by rollup writers, exclusively by compaction. */
const DAY_LOCK = `hashtext('metric_series_days')`;

/**
 * metric_series_days (migration 0010): each UTC day of each 1m/5m series as the JSON text the
 * API serves. A row is written from the day's rollup rows under the day's lock taken
 * exclusively, and deleted under the same lock, shared, by whatever changes those rollup rows
 * afterwards, in the same transaction as the change: a row that exists is the committed rollups.
 */
export class SeriesDaysRepository {
  /**
   * The days in [fromDayMs, toDayMs) that have a row for this series, oldest first; the text
   * left out (null) of each day whose version is the one `known` gives for it.
   */
  async read(db: Db, series: SeriesKey, fromDayMs: number, toDayMs: number, known: ReadonlyMap<number, string> = new Map()): Promise<SeriesDay[]> {
    const held = JSON.stringify([...known].map(([dayMs, version]) => ({ day: isoDay(dayMs), version })));
    // The text is only read (and decompressed) for rows whose version the caller lacks.
    const rows = await db<{ day: string; version: string; points: string | null }[]>`
      select to_char(s.day, 'YYYY-MM-DD') as day, s.xmin::text as version,
             case when s.xmin::text is not distinct from k.version then null else s.points end as points
      from metric_series_days s
      left join jsonb_to_recordset(${held}::text::jsonb) as k(day date, version text) on k.day = s.day
      where s.metric_name = ${series.metric} and s.interval = ${series.interval}
        and s.dimension = ${series.dimension} and s.dimension_value = ${series.dimensionValue}
        and s.day >= ${isoDay(fromDayMs)}::date and s.day < ${isoDay(toDayMs)}::date
      order by s.day`;
    return rows.map((row) => ({ dayMs: Date.parse(`${row.day}T00:00:00Z`), version: row.version, points: row.points }));
  }

  /**
   * Days in [fromDayMs, toDayMs), newest first, with a series that has rollups (at `coarsest`,
   * which every folded series has) but no day row at `finest`.
   */
  async daysToCompact(db: Db, finest: AggregationInterval, coarsest: AggregationInterval, fromDayMs: number, toDayMs: number): Promise<number[]> {
    if (toDayMs <= fromDayMs) return [];
    const rows = await db<{ day: string }[]>`
      select to_char(d, 'YYYY-MM-DD') as day
      from generate_series(${isoDay(fromDayMs)}::date, ${isoDay(toDayMs - DAY_MS)}::date, interval '1 day') as d
      where exists (
        select 1 from metric_rollups r
        where r.interval = ${coarsest}
          and r.bucket_start >= d::timestamp at time zone 'UTC' and r.bucket_start < (d + interval '1 day')::timestamp at time zone 'UTC'
          and not exists (
            select 1 from metric_series_days s
            where s.metric_name = r.metric_name and s.interval = ${finest} and s.dimension = r.dimension
              and s.dimension_value = r.dimension_value and s.day = d::date))
      order by d desc`;
    return rows.map((row) => Date.parse(`${row.day}T00:00:00Z`));
  }

  /**
   * Writes the day rows of up to `maxSeries` series of one day that lack one, at every interval
   * of `intervals`, inside the caller's transaction (which must commit soon: it holds the day's
   * lock). Returns how many series it wrote; 0 when the day is done.
   */
  async compactDay(
    tx: postgres.TransactionSql,
    dayMs: number,
    intervals: readonly AggregationInterval[],
    coarsest: AggregationInterval,
    maxSeries: number,
  ): Promise<number> {
    if (intervals.length === 0) return 0;
    await tx`select pg_advisory_xact_lock(${tx.unsafe(DAY_LOCK)}, ${dayNumber(dayMs)})`;
    const from = new Date(dayMs);
    const to = new Date(dayMs + DAY_MS);
    const [finest] = intervals;
    const rows = await tx<{ series: string }[]>`
      with pending as (
        select distinct r.metric_name, r.dimension, r.dimension_value
        from metric_rollups r
        where r.interval = ${coarsest} and r.bucket_start >= ${from} and r.bucket_start < ${to}
          and not exists (
            select 1 from metric_series_days s
            where s.metric_name = r.metric_name and s.interval = ${finest!} and s.dimension = r.dimension
              and s.dimension_value = r.dimension_value and s.day = ${isoDay(dayMs)}::date)
        order by 1, 2, 3
        limit ${maxSeries}
      ), written as (
        insert into metric_series_days as s (metric_name, interval, dimension, dimension_value, day, points, point_count)
        select metric_name, interval, dimension, dimension_value, ${isoDay(dayMs)}::date,
               string_agg(${tx.unsafe(ANY_METRIC_POINT_TEXT_SQL)}, ${POINT_SEPARATOR} order by bucket_start), count(*)
        from metric_rollups
        where (metric_name, dimension, dimension_value) in (select metric_name, dimension, dimension_value from pending)
          and interval in ${tx(intervals as AggregationInterval[])} and bucket_start >= ${from} and bucket_start < ${to}
        group by metric_name, interval, dimension, dimension_value
        on conflict (metric_name, interval, dimension, dimension_value, day)
          do update set points = excluded.points, point_count = excluded.point_count, compacted_at = now()
        returning 1
      )
      select (select count(*) from pending)::text as series`;
    return Number(rows[0]!.series);
  }

  /** Deletes the day rows of these series days, under each day's lock (shared), in the caller's transaction. */
  async invalidate(tx: postgres.TransactionSql, keys: readonly SeriesDayKey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.lockDaysShared(tx, keys.map((key) => key.dayMs));
    const wanted = JSON.stringify(keys.map((key) => ({ m: key.metric, i: key.interval, d: key.dimension, v: key.dimensionValue, day: isoDay(key.dayMs) })));
    await tx`
      delete from metric_series_days s
      using jsonb_to_recordset(${wanted}::text::jsonb) as k(m text, i text, d text, v text, day date)
      where s.metric_name = k.m and s.interval = k.i and s.dimension = k.d and s.dimension_value = k.v and s.day = k.day`;
  }

  /** Deletes every day row of the days in [fromDayMs, toDayMs) (a rebuild rewrites them), in the caller's transaction. */
  async invalidateDays(tx: postgres.TransactionSql, fromDayMs: number, toDayMs: number): Promise<void> {
    const days: number[] = [];
    for (let day = utcDayStart(fromDayMs); day < toDayMs; day += DAY_MS) days.push(day);
    if (days.length === 0) return;
    await this.lockDaysShared(tx, days);
    await tx`delete from metric_series_days where day >= ${isoDay(days[0]!)}::date and day < ${isoDay(toDayMs)}::date`;
  }

  /** Retention: deletes the day rows of these intervals for days before the cutoff. Returns how many. */
  async deleteBefore(db: Db, intervals: readonly AggregationInterval[], cutoffMs: number): Promise<number> {
    if (intervals.length === 0) return 0;
    const deleted = await db`
      delete from metric_series_days where interval in ${db(intervals as AggregationInterval[])} and day < ${isoDay(utcDayStart(cutoffMs))}::date`;
    return deleted.count;
  }

  /** In one order everywhere, so two writers never wait on each other crosswise. */
  private async lockDaysShared(tx: postgres.TransactionSql, days: readonly number[]): Promise<void> {
    const numbers = [...new Set(days.map(dayNumber))].sort((a, b) => a - b);
    await tx`select pg_advisory_xact_lock_shared(${tx.unsafe(DAY_LOCK)}, d) from unnest(${numbers}::int[]) as d`;
  }
}
