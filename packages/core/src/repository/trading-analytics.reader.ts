import type { AggregationInterval } from "../models/intervals";
import { countMetric, measureMetric } from "../rollups/metric-names";
import { mergeAll, type RollupState } from "../rollups/rollup-state";
import { type Candle, candleOf, type OrderRates, orderRates } from "../rollups/trading-analytics";
import type { RollupsRepository, StoredRollup } from "./rollups.repository";

export interface RollupRange {
  interval: AggregationInterval;
  from: Date;
  to: Date;
}

/** Trading analytics read from rollups: candles per symbol, order rates, strategy performance. */
export class TradingAnalyticsReader {
  constructor(private readonly rollups: RollupsRepository) {}

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
    const [signals, orders, fills, notional, pnl] = await Promise.all([
      this.total(countMetric("signal.generated"), range, breakdown),
      this.total(countMetric("order.placed"), range, breakdown),
      this.total(countMetric("order.filled"), range, breakdown),
      this.total(measureMetric("notional", "order.filled"), range, breakdown),
      this.total(measureMetric("realized_pnl", "position.closed"), range, breakdown),
    ]);
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
    const rows: StoredRollup[] = await this.rollups.series({ metric, ...range, dimension: breakdown?.dimension, dimensionValue: breakdown?.value });
    return mergeAll(rows.map((row) => row.state));
  }
}
