import type { RollupState } from "./rollup-state";

// Trading figures derived from rollup states. Ratios and VWAP are computed when read, from
// counts and sums that merge exactly, so they are right for any range of buckets.

export interface OrderRates {
  placed: number;
  filled: number;
  canceled: number;
  rejected: number;
  /** filled / placed (fill events, partial fills included), null with nothing placed. */
  fillRate: number | null;
  cancelRate: number | null;
  rejectRate: number | null;
}

export function orderRates(counts: { placed: number; filled: number; canceled: number; rejected: number }): OrderRates {
  const ratio = (n: number) => (counts.placed === 0 ? null : n / counts.placed);
  return { ...counts, fillRate: ratio(counts.filled), cancelRate: ratio(counts.canceled), rejectRate: ratio(counts.rejected) };
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
