import { type OrderRates, TRADING_METRIC_INTERVAL_MS, type TradingAnalyticsReader, type TradingMetric } from "@trading-analytics/core";
import type { CachedJson, QueryCache } from "../cache/query-cache";
import { rollupScope } from "../domain/cache-scope";
import { ParameterError, type QueryParams } from "../domain/query-params";

export interface TradingMetricDeps {
  trading: TradingAnalyticsReader;
  cache: QueryCache;
  allowedLatenessMs: number;
  maxPoints: number;
}

const DAY_MS = 86_400_000;
const INTERVALS = Object.keys(TRADING_METRIC_INTERVAL_MS);

export const TRADING_METRIC_DEFINITIONS: Readonly<Record<TradingMetric, string>> = {
  "trading.order_fill_rate":
    "orders placed in the bucket (placement time) that are fully filled, in percent of them (0..100); count = orders placed, sum = orders fully filled, avg = value = the fill rate",
  "trading.total_volume": "sum of price × quantity of the fills in the bucket (fill time); count = fills, sum = value = the volume, avg = volume per fill",
};

/**
 * GET /api/v1/metrics for the trading.* metrics: computed per bucket of any of the API's widths
 * (30m and 4h too), trading.order_fill_rate from order_analytics, trading.total_volume from the
 * filled-notional rollups. The points carry the rollup points' count/sum/avg and a `value`.
 */
export async function tradingMetricResult(deps: TradingMetricDeps, metric: TradingMetric, params: QueryParams, now: Date): Promise<CachedJson> {
  const intervalName = params.text("interval") ?? "1h";
  const widthMs = TRADING_METRIC_INTERVAL_MS[intervalName];
  if (widthMs === undefined) throw new ParameterError("interval", `must be one of ${INTERVALS.join(", ")}`);
  for (const name of ["dimension", "dimension_value"]) {
    if (params.text(name) !== undefined) throw new ParameterError(name, `${metric} is served overall only; see /api/v1/trading/fill-rate and /api/v1/trading/volume for breakdowns`);
  }
  // The seed's spelling of "overall" ({}) is the only breakdown these have; any other would be answered overall, silently.
  const dimensions = params.text("dimensions");
  if (dimensions !== undefined && dimensions.replace(/\s/g, "") !== "{}") {
    throw new ParameterError("dimensions", `${metric} is served overall only ({} or none); see /api/v1/trading/fill-rate and /api/v1/trading/volume for breakdowns`);
  }
  const { from, to } = params.range(now, DAY_MS);
  const buckets = Math.ceil((to.getTime() - from.getTime()) / widthMs);
  if (buckets > deps.maxPoints) {
    throw new ParameterError("interval", `${buckets} buckets of ${intervalName} asked for; at most ${deps.maxPoints} per request (use a coarser interval or a shorter range)`);
  }
  const range = { widthMs, from, to };
  // An order placed long ago can still fill: its cohort changes with any fold, never settles.
  const scope = metric === "trading.order_fill_rate" ? "rollups" : rollupScope(to, now, deps.allowedLatenessMs);
  return deps.cache.json("metrics", { metric, interval: intervalName, from, to }, scope, async () => {
    const head = { metric_name: metric, interval: intervalName, start_time: from.toISOString(), end_time: to.toISOString(), dimension: null, dimension_value: null };
    if (metric === "trading.order_fill_rate") {
      const { points, summary } = await deps.trading.fillRateSeries(range);
      return JSON.stringify({
        ...head,
        definition: TRADING_METRIC_DEFINITIONS[metric],
        summary: fillRateFigures(summary),
        points: points.map((point) => ({ bucket_start: point.bucketStart.toISOString(), ...fillRateFigures(point) })),
      });
    }
    const { points, summary } = await deps.trading.volumeSeries(range);
    return JSON.stringify({
      ...head,
      definition: TRADING_METRIC_DEFINITIONS[metric],
      summary: volumeFigures(summary),
      points: points.map((point) => ({ bucket_start: point.bucketStart.toISOString(), ...volumeFigures(point) })),
    });
  });
}

function fillRateFigures(rates: OrderRates) {
  return {
    count: rates.placed,
    sum: rates.filled,
    avg: rates.fillRate,
    value: rates.fillRate,
    ...orderStatusFigures(rates),
    quantity_fill_rate: rates.quantityFillRate,
  };
}

function volumeFigures({ fills, notional }: { fills: number; notional: number }) {
  return { count: fills, sum: notional, avg: fills === 0 ? null : notional / fills, value: notional };
}

/** The per-order counts and fill rate every fill-rate answer carries, in the API's names. */
export function orderStatusFigures(rates: OrderRates) {
  return {
    orders_placed: rates.placed,
    orders_filled: rates.filled,
    orders_partially_filled: rates.partiallyFilled,
    orders_canceled: rates.canceled,
    orders_rejected: rates.rejected,
    orders_open: rates.open,
    fill_rate: rates.fillRate,
  };
}
