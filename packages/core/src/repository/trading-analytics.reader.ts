import { AGGREGATION_INTERVALS, type AggregationInterval, INTERVAL_MS } from "../models/intervals";
import { coverRange } from "../models/range-cover";
import { countMetric, measureMetric } from "../rollups/metric-names";
import { mergeAll, type RollupState } from "../rollups/rollup-state";
import { type Candle, candleOf, type OrderRates, orderRates } from "../rollups/trading-analytics";
import type { OrderBreakdown, OrderLifecycleRepository } from "./order-lifecycle.repository";
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

/** Buckets `widthMs` wide (aligned to the epoch) that start in [from, to). */
export interface TradingMetricRange {
  widthMs: number;
  from: Date;
  to: Date;
}

export interface FillRatePoint extends OrderRates {
  bucketStart: Date;
}

export interface VolumePoint {
  bucketStart: Date;
  /** Fills in the bucket. */
  fills: number;
  /** Sum of price × quantity of the fills. */
  notional: number;
}

/**
 * Trading analytics: candles per symbol, strategy performance and volume from the rollups (totals
 * over a range merge the fewest whole buckets that tile it, see coverRange, so a month costs a
 * few dozen rows per metric); order rates per order from order_analytics, for the cohort of
 * orders placed in the range. Ranges mean the buckets of `interval` that start in [from, to),
 * like a series does.
 */
export class TradingAnalyticsReader {
  constructor(
    private readonly rollups: RollupsRepository,
    private readonly orders: OrderLifecycleRepository,
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

  /**
   * Per-order rates of the orders placed in the range (trading.order_fill_rate and the rest),
   * overall or for one symbol, strategy or side.
   */
  async orderRates(range: RollupRange, breakdown?: OrderBreakdown): Promise<OrderRates> {
    return orderRates(await this.orders.cohort(this.aligned(range), breakdown));
  }

  /** trading.order_fill_rate per bucket of any width: each bucket is the cohort of orders placed in it. */
  async fillRateSeries(range: TradingMetricRange): Promise<{ points: FillRatePoint[]; summary: OrderRates }> {
    const aligned = alignTo(range.widthMs, range);
    const [buckets, whole] = await Promise.all([this.orders.cohortSeries({ ...aligned, widthMs: range.widthMs }), this.orders.cohort(aligned)]);
    return {
      points: buckets.map(({ bucketStartMs, counts }) => ({ bucketStart: new Date(bucketStartMs), ...orderRates(counts) })),
      summary: orderRates(whole),
    };
  }

  /**
   * trading.total_volume (sum of price × quantity of fills) per bucket of any width, merged from
   * the coarsest kept rollup interval that divides the width (30m from 15m, 4h from 1h).
   */
  async volumeSeries(range: TradingMetricRange): Promise<{ points: VolumePoint[]; summary: { fills: number; notional: number } }> {
    const base = [...this.intervals].reverse().find((interval) => range.widthMs % INTERVAL_MS[interval] === 0);
    if (base === undefined) throw new Error(`no kept rollup interval divides ${range.widthMs} ms`);
    const aligned = alignTo(range.widthMs, range);
    const rows = await this.rollups.series({ metric: FILLED_NOTIONAL, interval: base, ...aligned });
    const buckets = new Map<number, VolumePoint>();
    for (const { key, state } of rows) {
      const start = Math.floor(key.bucketStartMs / range.widthMs) * range.widthMs;
      let point = buckets.get(start);
      if (!point) buckets.set(start, (point = { bucketStart: new Date(start), fills: 0, notional: 0 }));
      point.fills += state.count;
      point.notional += state.sum;
    }
    const points = [...buckets.values()].sort((a, b) => a.bucketStart.getTime() - b.bucketStart.getTime());
    return {
      points,
      summary: { fills: points.reduce((n, p) => n + p.fills, 0), notional: points.reduce((n, p) => n + p.notional, 0) },
    };
  }

  /** Signals, orders, fills, filled notional and realized PnL of one strategy over the range. */
  async strategyPerformance(strategy: string, range: RollupRange) {
    const breakdown = { dimension: "strategy", value: strategy };
    const [cohort, [signals, orders, fills, notional, pnl]] = await Promise.all([
      this.orders.cohort(this.aligned(range), { dimension: "strategy", value: strategy }),
      Promise.all(PERFORMANCE_METRICS.map((metric) => this.total(metric, range, breakdown))),
    ]);
    return {
      strategy,
      signals: signals!.count,
      orders: orders!.count,
      fills: fills!.count,
      /** Orders placed in the range (order_analytics) and how many of them are fully filled. */
      ordersPlaced: cohort.placed,
      ordersFilled: cohort.filled,
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
    const [totals, cohorts] = await Promise.all([
      this.rollups.totalsByValue({ metrics: PERFORMANCE_METRICS, segments: this.segments(range), dimension: "strategy" }),
      this.orders.cohortsByStrategy(this.aligned(range)),
    ]);
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
          ordersPlaced: cohorts.get(strategy)?.placed ?? 0,
          ordersFilled: cohorts.get(strategy)?.filled ?? 0,
          filledNotional: total(FILLED_NOTIONAL).sum,
          realizedPnl: pnl.sum,
          closedPositions: pnl.count,
        };
      })
      .sort((a, b) => (a.strategy < b.strategy ? -1 : a.strategy > b.strategy ? 1 : 0));
  }

  /** The times the range's buckets of its interval cover: [ceil(from), ceil(to)). */
  private aligned(range: RollupRange): { from: Date; to: Date } {
    return alignTo(INTERVAL_MS[range.interval], range);
  }

  /** The whole buckets tiling the range's buckets of its interval: [ceil(from), ceil(to)). */
  private segments(range: RollupRange) {
    const size = INTERVAL_MS[range.interval];
    const fromMs = Math.ceil(range.from.getTime() / size) * size;
    const toMs = Math.ceil(range.to.getTime() / size) * size;
    return coverRange(fromMs, toMs, this.intervals);
  }
}

/** The times covered by the buckets `widthMs` wide that start in [from, to): [ceil(from), ceil(to)). */
function alignTo(widthMs: number, range: { from: Date; to: Date }): { from: Date; to: Date } {
  return {
    from: new Date(Math.ceil(range.from.getTime() / widthMs) * widthMs),
    to: new Date(Math.ceil(range.to.getTime() / widthMs) * widthMs),
  };
}
