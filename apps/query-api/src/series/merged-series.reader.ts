import {
  type AggregationInterval,
  bucketPoint,
  DISTINCT_METRICS,
  emptyCountState,
  INTERVAL_MS,
  isCountOnlyMetric,
  MERGED_INTERVAL_MS,
  type MergedInterval,
  mergeBuckets,
  mergeSourceInterval,
  type MetricSeriesReader,
  type MetricSummary,
  type RollupsRepository,
  type Sql,
} from "@trading-analytics/core";

export interface MergedSeriesQuery {
  metric: string;
  interval: MergedInterval;
  /** Buckets starting in [from, to) are returned. */
  from: Date;
  to: Date;
  dimension?: string;
  dimensionValue?: string;
}

export interface MergedSeries {
  /** The stored interval merged. */
  source: AggregationInterval;
  points: Record<string, unknown>[];
  /** Only for a single series (overall, or one dimension value). */
  summary?: MetricSummary;
}

const DISTINCT = new Set<string>(Object.values(DISTINCT_METRICS));

/**
 * GET /api/v1/metrics at 30m and 4h: the finer stored buckets read and merged exactly (counts
 * and sums added, min/max, open/close by event order, percentiles from the merged sketches).
 * Distinct-member metrics are counted again from their members, which do not add up.
 */
export class MergedSeriesReader {
  constructor(
    private readonly sql: Sql,
    private readonly rollups: RollupsRepository,
    private readonly series: MetricSeriesReader,
    private readonly intervals: readonly AggregationInterval[],
  ) {}

  /** The stored interval a merged one is served from, undefined when none is stored. */
  sourceOf(interval: MergedInterval): AggregationInterval | undefined {
    return mergeSourceInterval(interval, this.intervals);
  }

  /** The series, or undefined when it would hold more than maxPoints points. */
  async read(query: MergedSeriesQuery, maxPoints: number): Promise<MergedSeries | undefined> {
    const source = this.sourceOf(query.interval);
    if (source === undefined) throw new Error(`no stored interval divides ${query.interval}`);
    const size = MERGED_INTERVAL_MS[query.interval];
    // Buckets starting in [from, to) hold exactly the stored buckets starting in [ceil(from), ceil(to)).
    const from = new Date(Math.ceil(query.from.getTime() / size) * size);
    const to = new Date(Math.ceil(query.to.getTime() / size) * size);
    const perValue = query.dimension !== undefined && query.dimensionValue === undefined;
    const aligned = { ...query, interval: source, from, to };
    // Each merged point holds at most `ratio` stored rows: more rows than that many points' worth is too many, unread.
    const ratio = size / INTERVAL_MS[source];
    if (perValue && (await this.series.pointCount(aligned, maxPoints * ratio + 1)) > maxPoints * ratio) return undefined;
    const points = DISTINCT.has(query.metric) ? await this.distinctPoints(aligned, size, perValue) : await this.mergedPoints(aligned, size, perValue);
    if (points.length > maxPoints) return undefined;
    return { source, points, summary: perValue ? undefined : await this.series.summary(aligned) };
  }

  private async mergedPoints(query: Omit<MergedSeriesQuery, "interval"> & { interval: AggregationInterval }, size: number, perValue: boolean) {
    const rows = await this.rollups.series(query);
    const buckets = mergeBuckets(
      rows.map((row) => ({ bucketStartMs: row.key.bucketStartMs, dimensionValue: row.key.dimensionValue, state: row.state })),
      size,
    );
    return buckets.map((bucket) => bucketPoint(bucket, isCountOnlyMetric(query.metric), perValue));
  }

  /** Distinct members per merged bucket (members are kept per stored bucket, overall only). */
  private async distinctPoints(query: Omit<MergedSeriesQuery, "interval"> & { interval: AggregationInterval }, size: number, perValue: boolean) {
    if (query.dimension !== undefined) return [];
    const seconds = size / 1000;
    const rows = await this.sql<{ start: Date; n: string }[]>`
      select to_timestamp(floor(extract(epoch from bucket_start) / ${seconds}) * ${seconds}) as start, count(distinct member)::text as n
      from rollup_members
      where metric_name = ${query.metric} and interval = ${query.interval} and bucket_start >= ${query.from} and bucket_start < ${query.to}
      group by 1
      order by 1`;
    return rows.map((row) => {
      const state = emptyCountState();
      state.count = Number(row.n);
      return bucketPoint({ bucketStartMs: row.start.getTime(), dimensionValue: "", state }, true, perValue);
    });
  }
}
