import type { RollupState } from "./rollup-state";

// Trading figures derived from rollup states. Ratios and VWAP are computed when read, from
// counts and sums that merge exactly, so they are right for any range of buckets.

/** Counts over a cohort of orders (those placed in a range), by status; they add up to placed. */
export interface OrderCohortCounts {
  placed: number;
  filled: number;
  partiallyFilled: number;
  canceled: number;
  rejected: number;
  open: number;
  /** Ordered quantity of the cohort's orders that give one. */
  orderedQuantity: number;
  /** Their filled quantity, each order's capped at its ordered quantity. */
  filledQuantity: number;
}

/**
 * Per-order rates of a cohort, in percent (0..100), null with nothing placed. fillRate is
 * trading.order_fill_rate: fully filled orders / orders placed × 100, so partial fills never
 * inflate it. quantityFillRate is filled / ordered quantity × 100.
 */
export interface OrderRates extends OrderCohortCounts {
  fillRate: number | null;
  cancelRate: number | null;
  rejectRate: number | null;
  quantityFillRate: number | null;
}

export function orderRates(counts: OrderCohortCounts): OrderRates {
  const percent = (n: number, of: number) => (of === 0 ? null : (100 * n) / of);
  return {
    ...counts,
    fillRate: percent(counts.filled, counts.placed),
    cancelRate: percent(counts.canceled, counts.placed),
    rejectRate: percent(counts.rejected, counts.placed),
    quantityFillRate: percent(counts.filledQuantity, counts.orderedQuantity),
  };
}

/** Bucket widths the trading.* metrics are served at (computed directly, any of them). */
export const TRADING_METRIC_INTERVAL_MS: Readonly<Record<string, number>> = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

/** The trading metrics GET /api/v1/metrics serves besides the rollups (the seed's names). */
export const TRADING_METRICS = ["trading.order_fill_rate", "trading.total_volume"] as const;
export type TradingMetric = (typeof TRADING_METRICS)[number];

export function isTradingMetric(name: string): name is TradingMetric {
  return (TRADING_METRICS as readonly string[]).includes(name);
}

export interface Candle {
  open: number;
  high: number;
  low: number;
  close: number;
  /** Sum of market-data volume. */
  volume: number;
  /** sum(price × volume) / sum(volume), null without volume. */
  vwap: number | null;
  updates: number;
}

/** OHLCV and VWAP from the price, volume and traded_value (price × volume) states of one bucket. */
export function candleOf(price: RollupState, volume?: RollupState, tradedValue?: RollupState): Candle | null {
  if (price.count === 0 || !price.first || !price.last || price.min === null || price.max === null) return null;
  const totalVolume = volume?.sum ?? 0;
  return {
    open: price.first.value,
    high: price.max,
    low: price.min,
    close: price.last.value,
    volume: totalVolume,
    vwap: totalVolume > 0 && tradedValue ? tradedValue.sum / totalVolume : null,
    updates: price.count,
  };
}
