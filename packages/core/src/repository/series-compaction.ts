import { type AggregationInterval, sortIntervals } from "../models/intervals";
import type { Sql } from "./database";
import { isSeriesDayInterval, SERIES_DAY_SETTLE_MS, SeriesDaysRepository, utcDayStart } from "./series-days.repository";

const DAY_MS = 86_400_000;

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
  /** Days that had series to write. */
  days: number;
  /** Series days written (each at every day-series interval). */
  series: number;
}

/**
 * Writes metric_series_days: each settled UTC day of each 1m/5m series as one text, so that a
 * month of one-minute points is 30 rows to read. A pass looks at the recent days (the ones late
 * events can still change and so invalidate) or, when full, at every day retention keeps (a
 * rebuild can invalidate any); each day is written a few hundred series per transaction.
 */
export class SeriesCompaction {
  private readonly repository = new SeriesDaysRepository();
  private readonly dayIntervals: AggregationInterval[];
  private readonly coarsest: AggregationInterval | undefined;
  private readonly seriesPerTransaction: number;

  constructor(
    private readonly sql: Sql,
    private readonly options: SeriesCompactionOptions,
    private readonly clock: () => number = Date.now,
  ) {
    const sorted = sortIntervals(options.intervals);
    this.dayIntervals = sorted.filter(isSeriesDayInterval);
    this.coarsest = sorted.at(-1);
    this.seriesPerTransaction = options.seriesPerTransaction ?? 500;
  }

  async pass(full: boolean): Promise<CompactionPass> {
    const { coarsest } = this;
    const [finest] = this.dayIntervals;
    if (finest === undefined || coarsest === undefined) return { days: 0, series: 0 };
    const nowMs = this.clock();
    // Days over for SERIES_DAY_SETTLE_MS: [.., utcDayStart(now - settle)).
    const toDay = utcDayStart(nowMs - SERIES_DAY_SETTLE_MS);
    const fromDay = full ? utcDayStart(nowMs - this.options.retentionMs) + DAY_MS : utcDayStart(nowMs - this.options.allowedLatenessMs) - 2 * DAY_MS;
    const days = await this.repository.daysToCompact(this.sql, finest, coarsest, fromDay, toDay);
    let series = 0;
    for (const day of days) {
      for (;;) {
        const written = await this.sql.begin((tx) => this.repository.compactDay(tx, day, this.dayIntervals, coarsest, this.seriesPerTransaction));
        series += written;
        if (written < this.seriesPerTransaction) break;
      }
    }
    return { days: days.length, series };
  }
}
