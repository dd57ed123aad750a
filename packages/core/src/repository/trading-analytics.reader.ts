import { AGGREGATION_INTERVALS, type AggregationInterval, INTERVAL_MS } from "../models/intervals";
import { coverRange } from "../models/range-cover";
import { countMetric, measureMetric } from "../rollups/metric-names";
import { mergeAll, type RollupState } from "../rollups/rollup-state";
import { type Candle, candleOf, type OrderRates, orderRates } from "../rollups/trading-analytics";
import type { RollupsRepository, StoredRollup } from "./rollups.repository";

const SIGNALS = countMetric("signal.generated");
const ORDERS = countMetric("order.placed");
const FILLS = countMetric("order.filled");
const FILLED_NOTIONAL = measureMetric("notional", "order.filled");
const REALIZED_PNL = measureMetric("realized_pnl", "position.closed");
/** A strategy is active in a range when it signalled, ordered or closed a position. */
const ACTIVITY_METRICS = [SIGNALS, ORDERS, REALIZED_PNL];
const PERFORMANCE_METRICS = [SIGNALS, ORDERS, FILLS, FILLED_NOTIONAL, REALIZED_PNL];

export interface RollupRange {
  interval: AggregationInterval;
  from: Date;
  to: Date;
}

/**
 * Trading analytics read from rollups: candles per symbol, order rates, strategy performance,
 * volume. Totals over a range merge the fewest whole buckets that tile it (see coverRange), so
 * a month costs a few dozen rows per metric. Ranges mean the buckets of `interval` that start
 * in [from, to), like a series does.
 */
export class TradingAnalyticsReader {
  constructor(
    private readonly rollups: RollupsRepository,
    /** The intervals the aggregator keeps; any of them may be used to tile a range. */
    private readonly intervals: readonly AggregationInterval[] = AGGREGATION_INTERVALS,
  ) {}

  /** One OHLCV candle per bucket for a symbol, from market.data.update. */
  async candles(symbol: string, range: RollupRange): Promise<Array<Candle & { bucketStart: Date }>> {
    const [price, volume, tradedValue] = await Promise.all(
      ["price", "volume", "traded_value"].map((measure) => this.bySymbol(measureMetric(measure, "market.data.update"), symbol, range)),
    );
    const candles: Array<Candle & { bucketStart: Date }> = [];
    for (const [bucket, state] of price!) {
      const candle = candleOf(state, volume!.get(bucket), tradedValue!.get(bucket));
      if (candle) candles.push({ bucketStart: new Date(bucket), ...candle });
    }
    return candles;
  }

  /** Fill, cancel and reject rates over the range, overall or for one dimension value. */
  async orderRates(range: RollupRange, breakdown?: { dimension: string; value: string }): Promise<OrderRates> {
    const [placed, filled, canceled, rejected] = await Promise.all(
      ["order.placed", "order.filled", "order.canceled", "order.rejected"].map((type) => this.total(countMetric(type), range, breakdown)),
    );
    return orderRates({ placed: placed!.count, filled: filled!.count, canceled: canceled!.count, rejected: rejected!.count });
  }

  /** Signals, orders, fills, filled notional and realized PnL of one strategy over the range. */
  async strategyPerformance(strategy: string, range: RollupRange) {
    const breakdown = { dimension: "strategy", value: strategy };
    const [signals, orders, fills, notional, pnl] = await Promise.all(PERFORMANCE_METRICS.map((metric) => this.total(metric, range, breakdown)));
    return {
      strategy,
      signals: signals!.count,
      orders: orders!.count,
      fills: fills!.count,
      filledNotional: notional!.sum,
      realizedPnl: pnl!.sum,
      closedPositions: pnl!.count,
    };
  }

  private async bySymbol(metric: string, symbol: string, range: RollupRange): Promise<Map<number, RollupState>> {
    const rows = await this.rollups.series({ metric, ...range, dimension: "symbol", dimensionValue: symbol });
    return new Map(rows.map((row) => [row.key.bucketStartMs, row.state]));
  }

  private async total(metric: string, range: RollupRange, breakdown?: { dimension: string; value: string }): Promise<RollupState> {
    const rows: StoredRollup[] = await this.rollups.covering({
      metric,
      segments: this.segments(range),
      dimension: breakdown?.dimension,
      dimensionValue: breakdown?.value,
    });
    return mergeAll(rows.map((row) => row.state));
  }

  /** Filled orders, quantity and notional per value of a dimension (symbol, strategy, side), most notional first. */
  async volumeBy(dimension: string, range: RollupRange): Promise<Array<{ value: string; fills: number; quantity: number; notional: number }>> {
    const quantity = measureMetric("quantity", "order.filled");
    const notional = measureMetric("notional", "order.filled");
    const totals = await this.rollups.totalsByValue({ metrics: [quantity, notional], segments: this.segments(range), dimension });
    return [...totals]
      .map(([value, byMetric]) => ({
        value,
        fills: byMetric.get(quantity)?.count ?? 0,
        quantity: byMetric.get(quantity)?.sum ?? 0,
        notional: byMetric.get(notional)?.sum ?? 0,
      }))
      .sort((a, b) => b.notional - a.notional || a.value.localeCompare(b.value));
  }

  /** Strategies that signalled, ordered or closed a position in the range. */
  async activeStrategies(range: RollupRange): Promise<string[]> {
    const totals = await this.rollups.totalsByValue({ metrics: ACTIVITY_METRICS, segments: this.segments(range), dimension: "strategy" });
    return [...totals.keys()].sort();
  }

  /**
   * strategyPerformance of every active strategy, by name, from one query over all of them
   * (a query per strategy and metric made the list cost 5 round trips per strategy).
   */
  async allStrategyPerformances(range: RollupRange): Promise<Array<Awaited<ReturnType<TradingAnalyticsReader["strategyPerformance"]>>>> {
    const totals = await this.rollups.totalsByValue({ metrics: PERFORMANCE_METRICS, segments: this.segments(range), dimension: "strategy" });
    const active = [...totals].filter(([, byMetric]) => ACTIVITY_METRICS.some((metric) => byMetric.has(metric)));
    return active
      .map(([strategy, byMetric]) => {
        const total = (metric: string) => byMetric.get(metric) ?? { count: 0, sum: 0 };
        const pnl = total(REALIZED_PNL);
        return {
          strategy,
          signals: total(SIGNALS).count,
          orders: total(ORDERS).count,
          fills: total(FILLS).count,
          filledNotional: total(FILLED_NOTIONAL).sum,
          realizedPnl: pnl.sum,
          closedPositions: pnl.count,
        };
      })
      .sort((a, b) => (a.strategy < b.strategy ? -1 : a.strategy > b.strategy ? 1 : 0));
  }

  /** The whole buckets tiling the range's buckets of its interval: [ceil(from), ceil(to)). */
  private segments(range: RollupRange) {
    const size = INTERVAL_MS[range.interval];
    const fromMs = Math.ceil(range.from.getTime() / size) * size;
    const toMs = Math.ceil(range.to.getTime() / size) * size;
    return coverRange(fromMs, toMs, this.intervals);
  }
}
