import { type AggregationInterval, INTERVAL_MS } from "../models/intervals";
import { coverRange } from "../models/range-cover";
import { isCountOnlyMetric } from "../rollups/metric-names";
import { mergeAll } from "../rollups/rollup-state";
import { sketchQuantile } from "../rollups/value-sketch";
import type { Sql } from "./database";
import { pointObjectSql, POINT_SEPARATOR } from "./metric-point-json";
import { DAY_MS, isSeriesDayInterval, type SeriesDay, SeriesDaysRepository, type SeriesKey, utcDayStart } from "./series-days.repository";
import type { RollupsRepository } from "./rollups.repository";

export interface MetricSeriesQuery {
  metric: string;
  interval: AggregationInterval;
  /** Buckets starting in [from, to) are returned. */
  from: Date;
  to: Date;
  /** Omitted: the overall series. */
  dimension?: string;
  /** Omitted with a dimension: one series per value, each point naming its value. */
  dimensionValue?: string;
}

/** A whole range merged into one figure set; percentiles from the merged sketches. */
export interface MetricSummary {
  count: number;
  sum: number | null;
  avg: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  open: number | null;
  close: number | null;
}

/**
 * What GET /api/v1/metrics serves. The points come out of PostgreSQL as JSON text, which the API
 * sends on without parsing: 43,200 one-minute points would otherwise be decoded into rows and
 * encoded again. Days the aggregator has compacted (metric_series_days) are read as one text
 * each; only the days around them come from metric_rollups. The summary merges the fewest whole
 * buckets that tile the range (days, then hours, then minutes at the edges).
 */
export class MetricSeriesReader {
  private readonly seriesDays = new SeriesDaysRepository();

  constructor(
    private readonly sql: Sql,
    private readonly rollups: RollupsRepository,
    private readonly intervals: readonly AggregationInterval[],
  ) {}

  /** The points as a JSON array text, oldest bucket first. */
  async pointsJson(query: MetricSeriesQuery): Promise<string> {
    const perValue = query.dimension !== undefined && query.dimensionValue === undefined;
    const fromMs = query.from.getTime();
    const toMs = query.to.getTime();
    // The UTC days wholly inside [from, to): only those can be served from day rows.
    const firstDay = Math.ceil(fromMs / DAY_MS) * DAY_MS;
    const endDay = utcDayStart(toMs);
    const days =
      perValue || !isSeriesDayInterval(query.interval) || endDay <= firstDay
        ? []
        : await this.seriesDays.read(this.sql, this.seriesOf(query), firstDay, endDay);
    // The rest of the range, between and around those days, from the rollups.
    const segments: Array<{ fromMs: number; toMs: number } | SeriesDay> = [];
    let at = fromMs;
    for (const day of days) {
      if (day.dayMs > at) segments.push({ fromMs: at, toMs: day.dayMs });
      segments.push(day);
      at = day.dayMs + DAY_MS;
    }
    if (toMs > at) segments.push({ fromMs: at, toMs });
    const ranges = segments.filter((segment): segment is { fromMs: number; toMs: number } => !("points" in segment));
    const fromRollups = await this.rollupPoints(query, perValue, ranges);
    let range = 0;
    const texts = segments.map((segment) => ("points" in segment ? segment.points : fromRollups[range++]!));
    return `[${texts.filter((text) => text.length > 0).join(POINT_SEPARATOR)}]`;
  }

  /** Each range's points as text (empty when it has none), in one statement. */
  private async rollupPoints(query: MetricSeriesQuery, perValue: boolean, ranges: ReadonlyArray<{ fromMs: number; toMs: number }>): Promise<string[]> {
    if (ranges.length === 0) return [];
    const { sql } = this;
    const point = pointObjectSql(isCountOnlyMetric(query.metric), perValue);
    const wanted = JSON.stringify(ranges.map((r, i) => ({ i, s: new Date(r.fromMs).toISOString(), e: new Date(r.toMs).toISOString() })));
    const rows = await sql<{ points: string | null }[]>`
      select (
        select string_agg(${sql.unsafe(point)}::text, ${POINT_SEPARATOR} order by bucket_start, dimension_value)
        from metric_rollups
        where metric_name = ${query.metric} and interval = ${query.interval}
          and dimension = ${query.dimension ?? ""}
          ${query.dimensionValue === undefined ? sql`` : sql`and dimension_value = ${query.dimensionValue}`}
          and bucket_start >= g.s and bucket_start < g.e
      ) as points
      from jsonb_to_recordset(${wanted}::text::jsonb) as g(i int, s timestamptz, e timestamptz)
      order by g.i`;
    return rows.map((row) => row.points ?? "");
  }

  private seriesOf(query: MetricSeriesQuery): SeriesKey {
    return { metric: query.metric, interval: query.interval, dimension: query.dimension ?? "", dimensionValue: query.dimensionValue ?? "" };
  }

  /** The whole range of one series merged: exactly the union of the buckets pointsJson lists. */
  async summary(query: MetricSeriesQuery): Promise<MetricSummary> {
    const size = INTERVAL_MS[query.interval];
    // Buckets starting in [from, to) cover [ceil(from), ceil(to)) on the interval's grid.
    const fromMs = Math.ceil(query.from.getTime() / size) * size;
    const toMs = Math.ceil(query.to.getTime() / size) * size;
    // Every configured interval holds the same events, so any mix of them tiles the range exactly.
    const rows = await this.rollups.covering({
      metric: query.metric,
      segments: coverRange(fromMs, toMs, this.intervals),
      dimension: query.dimension,
      dimensionValue: query.dimensionValue,
    });
    const merged = mergeAll(rows.map((row) => row.state));
    const countOnly = isCountOnlyMetric(query.metric);
    const quantile = (q: number) => (merged.sketch ? sketchQuantile(merged.sketch, q) : null);
    return {
      count: merged.count,
      sum: countOnly ? null : merged.sum,
      avg: countOnly || merged.count === 0 ? null : merged.sum / merged.count,
      min: merged.min,
      max: merged.max,
      p50: quantile(0.5),
      p95: quantile(0.95),
      p99: quantile(0.99),
      open: merged.first?.value ?? null,
      close: merged.last?.value ?? null,
    };
  }
}
