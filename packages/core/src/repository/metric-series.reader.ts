import { type AggregationInterval, INTERVAL_MS } from "../models/intervals";
import { coverRange } from "../models/range-cover";
import { isCountOnlyMetric } from "../rollups/metric-names";
import { mergeAll } from "../rollups/rollup-state";
import { sketchQuantile } from "../rollups/value-sketch";
import type { Sql } from "./database";
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

const UTC_ISO = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;

/**
 * What GET /api/v1/metrics serves. The points come out of PostgreSQL as one JSON text (built
 * there with json_agg), which the API sends on without parsing: 43,200 one-minute points would
 * otherwise be decoded into rows and encoded again. The summary merges the fewest whole
 * buckets that tile the range (days, then hours, then minutes at the edges).
 */
export class MetricSeriesReader {
  constructor(
    private readonly sql: Sql,
    private readonly rollups: RollupsRepository,
    private readonly intervals: readonly AggregationInterval[],
  ) {}

  /** The points as a JSON array text, oldest bucket first. */
  async pointsJson(query: MetricSeriesQuery): Promise<string> {
    const { sql } = this;
    const countOnly = isCountOnlyMetric(query.metric);
    const perValue = query.dimension !== undefined && query.dimensionValue === undefined;
    const fields = [
      `'bucket_start', to_char(bucket_start at time zone 'UTC', ${UTC_ISO})`,
      ...(perValue ? [`'dimension_value', dimension_value`] : []),
      `'count', count`,
      ...(countOnly
        ? []
        : [
            `'sum', sum, 'avg', sum / nullif(count, 0), 'min', min, 'max', max`,
            `'p50', p50, 'p95', p95, 'p99', p99, 'open', first_value, 'close', last_value`,
          ]),
    ].join(", ");
    const [row] = await sql<{ points: string }[]>`
      select coalesce(json_agg(json_build_object(${sql.unsafe(fields)}) order by bucket_start, dimension_value), '[]')::text as points
      from metric_rollups
      where metric_name = ${query.metric} and interval = ${query.interval}
        and dimension = ${query.dimension ?? ""}
        ${query.dimensionValue === undefined ? sql`` : sql`and dimension_value = ${query.dimensionValue}`}
        and bucket_start >= ${query.from} and bucket_start < ${query.to}`;
    return row!.points;
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
