import { type AggregationInterval, INTERVAL_MS, sortIntervals } from "../models/intervals";
import type { Sql } from "./database";
import { type BlockHours, DAY_MS, HOUR_MS, isSeriesBlockInterval, SeriesBlocksRepository, settledBlockEnds, utcDayStart } from "./series-blocks.repository";

export interface SeriesCompactionOptions {
  /** The configured rollup intervals. */
  intervals: readonly AggregationInterval[];
  /** minute_aggregates retention: older days are not worth compacting. */
  retentionMs: number;
  /** analytics.aggregation.allowed_lateness: how far back late events still change days. */
  allowedLatenessMs: number;
  /** Series written per transaction (each holds its day's lock). */
  seriesPerTransaction?: number;
}

export interface CompactionPass {
  /** Blocks (days and hours) that had series to write. */
  blocks: number;
  /** Series blocks written (each at every block interval). */
  series: number;
}

/**
 * Writes metric_series_blocks: each settled UTC day of each 1m/5m series as one text, and each
 * settled hour of the days not settled yet, so that a month of one-minute points is some 30
 * rows to read. A pass looks at the recent days (the ones late events can still change and so
 * invalidate) or, when full, at every day retention keeps (a rebuild can invalidate any); then
 * at the hours since the last settled day. Each block is written a few hundred series per
 * transaction.
 */
export class SeriesCompaction {
  private readonly repository = new SeriesBlocksRepository();
  private readonly blockIntervals: AggregationInterval[];
  /** Every folded series has rows at these: the coarsest interval, and the coarsest no longer than an hour. */
  private readonly detectDays: AggregationInterval | undefined;
  private readonly detectHours: AggregationInterval | undefined;
  private readonly seriesPerTransaction: number;

  constructor(
    private readonly sql: Sql,
    private readonly options: SeriesCompactionOptions,
    private readonly clock: () => number = Date.now,
  ) {
    const sorted = sortIntervals(options.intervals);
    this.blockIntervals = sorted.filter(isSeriesBlockInterval);
    this.detectDays = sorted.at(-1);
    this.detectHours = sorted.filter((interval) => INTERVAL_MS[interval] <= HOUR_MS).at(-1);
    this.seriesPerTransaction = options.seriesPerTransaction ?? 500;
  }

  async pass(full: boolean): Promise<CompactionPass> {
    const { detectDays, detectHours } = this;
    const [finest] = this.blockIntervals;
    if (finest === undefined || detectDays === undefined || detectHours === undefined) return { blocks: 0, series: 0 };
    const nowMs = this.clock();
    const { dayEnd, hourEnd } = settledBlockEnds(nowMs);
    const fromDay = full ? utcDayStart(nowMs - this.options.retentionMs) + DAY_MS : utcDayStart(nowMs - this.options.allowedLatenessMs) - 2 * DAY_MS;
    const days = await this.repository.blocksToCompact(this.sql, 24, finest, detectDays, fromDay, dayEnd);
    let series = 0;
    for (const day of days) series += await this.compact(day, 24, detectDays);
    // The hours of the days not settled yet.
    const hours = await this.repository.blocksToCompact(this.sql, 1, finest, detectHours, Math.min(dayEnd, hourEnd), hourEnd);
    for (const hour of hours) series += await this.compact(hour, 1, detectHours);
    return { blocks: days.length + hours.length, series };
  }

  private async compact(startMs: number, hours: BlockHours, detect: AggregationInterval): Promise<number> {
    let series = 0;
    for (;;) {
      const written = await this.sql.begin((tx) => this.repository.compactBlock(tx, startMs, hours, this.blockIntervals, detect, this.seriesPerTransaction));
      series += written;
      if (written < this.seriesPerTransaction) return series;
    }
  }
}
