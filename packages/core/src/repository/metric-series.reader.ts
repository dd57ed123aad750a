import { type AggregationInterval, INTERVAL_MS } from "../models/intervals";
import { coverRange } from "../models/range-cover";
import { isCountOnlyMetric } from "../rollups/metric-names";
import { mergeAll } from "../rollups/rollup-state";
import { sketchQuantile } from "../rollups/value-sketch";
import type { Sql } from "./database";
import { pointObjectSql, POINT_SEPARATOR } from "./metric-point-json";
import { pointsBetween } from "./block-points-text";
import { BlockTextCache } from "./block-text-cache";
import { blockId, DAY_MS, HOUR_MS, isSeriesBlockInterval, SeriesBlocksRepository, type SeriesKey, settledBlockEnds, utcDayStart } from "./series-blocks.repository";
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

/** Block texts a reader keeps, in bytes: a month of 1m points of one series is 2.5 MB (a count) to 11 MB (a price). */
const BLOCK_TEXT_CACHE_BYTES = 64 * 1024 * 1024;

const ARRAY_OPEN = Buffer.from("[");
const ARRAY_CLOSE = Buffer.from("]");
const SEPARATOR = Buffer.from(POINT_SEPARATOR);

type Range = { fromMs: number; toMs: number };

/**
 * What GET /api/v1/metrics serves. The points come out of PostgreSQL as JSON text, which the API
 * sends on without parsing: 43,200 one-minute points would otherwise be decoded into rows and
 * encoded again. The text is kept as UTF-8 parts, written to the socket one after another:
 * joining an 11 MB month into one string and encoding it again cost more than reading it. Settled blocks (days, and hours of the days not settled yet) the aggregator
 * has written to metric_series_blocks are read as one text each, cut at the range's edges and
 * kept by row version, so a text is read once per process; the unsettled end of the range and
 * any block missing come from metric_rollups, in the same form. The summary merges the fewest
 * whole buckets that tile the range (days, then hours, then minutes at the edges).
 */
export class MetricSeriesReader {
  private readonly seriesBlocks = new SeriesBlocksRepository();
  private readonly blockTexts: BlockTextCache;
  private readonly clock: () => number;

  constructor(
    private readonly sql: Sql,
    private readonly rollups: RollupsRepository,
    private readonly intervals: readonly AggregationInterval[],
    options: { blockTextCacheBytes?: number; clock?: () => number } = {},
  ) {
    this.blockTexts = new BlockTextCache(options.blockTextCacheBytes ?? BLOCK_TEXT_CACHE_BYTES);
    this.clock = options.clock ?? Date.now;
  }

  /** The points as a JSON array text, oldest bucket first. */
  async pointsJson(query: MetricSeriesQuery): Promise<string> {
    return Buffer.concat(await this.pointsParts(query)).toString("utf8");
  }

  /**
   * The points as a JSON array, oldest bucket first, in UTF-8 parts to be sent one after
   * another. The parts may share memory with texts the reader keeps: never write into them.
   */
  async pointsParts(query: MetricSeriesQuery): Promise<Buffer[]> {
    const perValue = query.dimension !== undefined && query.dimensionValue === undefined;
    const fromMs = query.from.getTime();
    const toMs = query.to.getTime();
    // Blocks before these may exist (by this clock; see settledBlockEnds); later ones are ignored.
    const { dayEnd, hourEnd } = settledBlockEnds(this.clock());
    const blocksEnd = Math.min(hourEnd, Math.ceil(toMs / HOUR_MS) * HOUR_MS);
    if (perValue || !isSeriesBlockInterval(query.interval) || blocksEnd <= fromMs || toMs <= fromMs) {
      return wrap(await this.rollupPoints(query, perValue, [{ fromMs, toMs }]));
    }
    const firstDay = utcDayStart(fromMs);
    const recent: Range[] = toMs > blocksEnd ? [{ fromMs: Math.max(fromMs, blocksEnd), toMs }] : [];
    // The unsettled end of the range is read from the rollups while the blocks are read.
    const [blocks, recentText] = await Promise.all([this.readBlocks(this.seriesOf(query), firstDay, blocksEnd), this.rollupPoints(query, false, recent)]);

    const texts: Buffer[] = [];
    const missing: Range[] = [];
    const missingAt: number[] = [];
    const add = (range: Range, text: Buffer | undefined, startMs: number, spanMs: number) => {
      if (range.toMs <= range.fromMs) return;
      if (text !== undefined) {
        texts.push(range.fromMs === startMs && range.toMs === startMs + spanMs ? text : pointsBetween(text, range.fromMs, range.toMs));
        return;
      }
      const last = missing.at(-1);
      if (last && last.toMs === range.fromMs && missingAt.at(-1) === texts.length - 1) last.toMs = range.toMs;
      else {
        missing.push({ ...range });
        missingAt.push(texts.length);
        texts.push(Buffer.alloc(0));
      }
    };
    for (let day = firstDay; day < blocksEnd; day += DAY_MS) {
      const dayText = day < dayEnd ? blocks.get(blockId(day, 24)) : undefined;
      if (dayText !== undefined) {
        add({ fromMs: Math.max(fromMs, day), toMs: Math.min(toMs, day + DAY_MS) }, dayText, day, DAY_MS);
        continue;
      }
      for (let hour = day; hour < Math.min(day + DAY_MS, blocksEnd); hour += HOUR_MS) {
        add({ fromMs: Math.max(fromMs, hour), toMs: Math.min(toMs, hour + HOUR_MS) }, blocks.get(blockId(hour, 1)), hour, HOUR_MS);
      }
    }
    const filled = await this.rollupPoints(query, false, missing);
    missingAt.forEach((at, index) => (texts[at] = filled[index]!));
    return wrap([...texts, ...recentText]);
  }

  /** The texts of this series' blocks starting in [fromMs, toMs), by blockId, each read once per version. */
  private async readBlocks(series: SeriesKey, fromMs: number, toMs: number): Promise<Map<string, Buffer>> {
    const id = `${series.metric}\u0000${series.interval}\u0000${series.dimension}\u0000${series.dimensionValue}`;
    const wanted: string[] = [];
    for (let day = fromMs; day < toMs; day += DAY_MS) wanted.push(blockId(day, 24));
    for (let hour = Math.max(fromMs, toMs - 2 * DAY_MS); hour < toMs; hour += HOUR_MS) wanted.push(blockId(hour, 1));
    const rows = await this.seriesBlocks.read(this.sql, series, fromMs, toMs, this.blockTexts.versions(id, wanted));
    const texts = new Map<string, Buffer>();
    for (const row of rows) {
      const block = blockId(row.startMs, row.hours);
      let text = row.points === null ? this.blockTexts.get(id, block, row.version) : Buffer.from(row.points);
      if (text === undefined) {
        // Dropped from the cache between the two calls: read this one block again, in full.
        const [again] = (await this.seriesBlocks.read(this.sql, series, row.startMs, row.startMs + 1)).filter((each) => each.hours === row.hours);
        if (again?.points == null) continue; // deleted meanwhile: the rollups have it
        text = Buffer.from(again.points);
      } else if (row.points !== null) this.blockTexts.set(id, block, row.version, text);
      texts.set(block, text);
    }
    return texts;
  }

  /** Each range's points as text (empty when it has none), in one statement. */
  /**
   * How many points (buckets × dimension values) the query's series holds, counting at most
   * `atMost` rows, so a caller can refuse an answer too large before building it.
   */
  async pointCount(query: MetricSeriesQuery, atMost: number): Promise<number> {
    const { sql } = this;
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from (
        select 1 from metric_rollups
        where metric_name = ${query.metric} and interval = ${query.interval}
          and dimension = ${query.dimension ?? ""}
          ${query.dimensionValue === undefined ? sql`` : sql`and dimension_value = ${query.dimensionValue}`}
          and bucket_start >= ${query.from} and bucket_start < ${query.to}
        limit ${atMost}
      ) as capped`;
    return row?.n ?? 0;
  }

  private async rollupPoints(query: MetricSeriesQuery, perValue: boolean, ranges: readonly Range[]): Promise<Buffer[]> {
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
    return rows.map((row) => Buffer.from(row.points ?? ""));
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

/** One JSON array of the texts' points, skipping empty texts, as parts. */
function wrap(texts: readonly Buffer[]): Buffer[] {
  const parts: Buffer[] = [ARRAY_OPEN];
  for (const text of texts) {
    if (text.length === 0) continue;
    if (parts.length > 1) parts.push(SEPARATOR);
    parts.push(text);
  }
  parts.push(ARRAY_CLOSE);
  return parts;
}
