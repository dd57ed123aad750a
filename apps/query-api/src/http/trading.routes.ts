import { Router } from "express";
import { type AggregationInterval, INTERVAL_MS, type TradingAnalyticsReader } from "@trading-analytics/core";
import type { QueryCache } from "../cache/query-cache";
import { rollupScope } from "../domain/cache-scope";
import { ParameterError, QueryParams } from "../domain/query-params";
import { sendCachedJson } from "./send-json";
import { parameterNames, parseParams } from "./contract/query-params";
import { type FillRate, fillRateRoute, type Ohlcv, ohlcvRoute, strategiesRoute, type Strategies, strategyPerformanceRoute, type StrategyPerformanceInRange, volumeRoute, type Volume } from "./contract/trading.contract";
import { orderStatusFigures } from "./trading-metrics";

export interface TradingRoutesDeps {
  trading: TradingAnalyticsReader;
  cache: QueryCache;
  intervals: readonly AggregationInterval[];
  allowedLatenessMs: number;
  maxPoints: number;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const NAME = { maxLength: 128, pattern: /^[A-Za-z0-9._:/-]+$/, patternHint: "letters, digits and . _ : / - only" };
const BREAKDOWNS = ["symbol", "strategy", "side"] as const;

/**
 * Trading analytics: per-order fill/cancel/reject rates of the orders placed in a range (from
 * order_analytics), and from the rollups filled volume and notional per symbol/strategy/side,
 * OHLCV candles with VWAP per symbol, and strategy performance.
 */
export function tradingRoutes(deps: TradingRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();

  /** Parses the range and interval shared by every trading route, and its cache scope. */
  const rangeOf = (params: QueryParams) => {
    const at = now();
    const { from, to } = params.range(at, DAY_MS);
    const interval = params.interval("interval", deps.intervals, deps.intervals[0]!);
    return { range: { interval, from, to }, scope: rollupScope(to, at, deps.allowedLatenessMs) };
  };
  const rangeView = ({ interval, from, to }: { interval: string; from: Date; to: Date }) => ({
    interval,
    start_time: from.toISOString(),
    end_time: to.toISOString(),
  });

  router.get("/api/v1/trading/fill-rate", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(fillRateRoute.query));
    const { range } = rangeOf(params);
    const given = BREAKDOWNS.map((dimension) => ({ dimension, value: params.text(dimension, NAME) })).filter((entry) => entry.value !== undefined);
    if (given.length > 1) throw new ParameterError(given[1]!.dimension, "only one of symbol, strategy, side may be given");
    const breakdown = given[0] ? { dimension: given[0].dimension, value: given[0].value! } : undefined;
    // An order placed long ago can still fill: its cohort changes with any fold, never settles.
    const result = await deps.cache.json("fill-rate", { ...range, ...breakdown }, "rollups", async () => {
      const rates = await deps.trading.orderRates(range, breakdown);
      return JSON.stringify({
        ...rangeView(range),
        ...(breakdown ? { [breakdown.dimension]: breakdown.value } : {}),
        ...orderStatusFigures(rates),
        cancel_rate: rates.cancelRate,
        reject_rate: rates.rejectRate,
        ordered_quantity: rates.orderedQuantity,
        filled_quantity: rates.filledQuantity,
        quantity_fill_rate: rates.quantityFillRate,
      } satisfies FillRate);
    });
    sendCachedJson(res, result);
  });

  router.get("/api/v1/trading/volume", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(volumeRoute.query));
    const { range, scope } = rangeOf(params);
    const by = params.text("by") ?? "symbol";
    if (!(BREAKDOWNS as readonly string[]).includes(by)) throw new ParameterError("by", `must be one of ${BREAKDOWNS.join(", ")}`);
    const result = await deps.cache.json("volume", { ...range, by }, scope, async () => {
      const rows = await deps.trading.volumeBy(by, range);
      return JSON.stringify({
        ...rangeView(range),
        by,
        total_fills: rows.reduce((sum, row) => sum + row.fills, 0),
        total_quantity: rows.reduce((sum, row) => sum + row.quantity, 0),
        total_notional: rows.reduce((sum, row) => sum + row.notional, 0),
        breakdown: rows.map((row) => ({ [by]: row.value, fills: row.fills, quantity: row.quantity, notional: row.notional })),
      } satisfies Volume);
    });
    sendCachedJson(res, result);
  });

  router.get("/api/v1/trading/ohlcv", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(ohlcvRoute.query));
    const symbol = params.requiredText("symbol", NAME);
    const { range, scope } = rangeOf(params);
    const buckets = Math.ceil((range.to.getTime() - range.from.getTime()) / INTERVAL_MS[range.interval]);
    if (buckets > deps.maxPoints) throw new ParameterError("interval", `${buckets} candles asked for; at most ${deps.maxPoints} per request`);
    const result = await deps.cache.json("ohlcv", { ...range, symbol }, scope, async () => {
      const candles = await deps.trading.candles(symbol, range);
      return JSON.stringify({
        ...rangeView(range),
        symbol,
        candles: candles.map((candle) => ({
          bucket_start: candle.bucketStart.toISOString(),
          open: candle.open,
          high: candle.high,
          low: candle.low,
          close: candle.close,
          volume: candle.volume,
          vwap: candle.vwap,
          updates: candle.updates,
        })),
      } satisfies Ohlcv);
    });
    sendCachedJson(res, result);
  });

  router.get("/api/v1/trading/strategies", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(strategiesRoute.query));
    const { range, scope } = rangeOf(params);
    const result = await deps.cache.json("strategies", range, scope, async () => {
      const performances = await deps.trading.allStrategyPerformances(range);
      return JSON.stringify({ ...rangeView(range), strategies: performances.map(performanceView) } satisfies Strategies);
    });
    sendCachedJson(res, result);
  });

  router.get("/api/v1/trading/strategies/:strategy/performance", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(strategyPerformanceRoute.query));
    const { strategy } = parseParams(strategyPerformanceRoute.params, req.params);
    const { range, scope } = rangeOf(params);
    const result = await deps.cache.json("strategy", { ...range, strategy }, scope, async () =>
      JSON.stringify({ ...rangeView(range), ...performanceView(await deps.trading.strategyPerformance(strategy, range)) } satisfies StrategyPerformanceInRange),
    );
    sendCachedJson(res, result);
  });

  return router;
}

function performanceView(performance: Awaited<ReturnType<TradingAnalyticsReader["strategyPerformance"]>>) {
  return {
    strategy: performance.strategy,
    signals: performance.signals,
    orders: performance.orders,
    fills: performance.fills,
    orders_filled: performance.ordersFilled,
    // Per order, of the orders placed in the range, in percent (as /trading/fill-rate).
    fill_rate: performance.ordersPlaced === 0 ? null : (100 * performance.ordersFilled) / performance.ordersPlaced,
    filled_notional: performance.filledNotional,
    realized_pnl: performance.realizedPnl,
    closed_positions: performance.closedPositions,
  };
}

