import { z } from "zod";
import { enumParam, NAME, textParam } from "./query-params";
import { json, type RouteContract } from "./route-contract";
import { COMMON_ERRORS, intervalParam, nullableNumber, nullableString, RANGE_PARAMS, rangeView, time } from "./shared.schemas";

// The values of these queries are checked by hand (QueryParams): the intervals served depend on the config.

const BREAKDOWNS = ["symbol", "strategy", "side"] as const;
/** The key a breakdown row carries its value under is the one `by` names. */
const breakdownKeys = Object.fromEntries(BREAKDOWNS.map((key) => [key, nullableString.optional().describe(`the row's ${key}, when by=${key}`)])) as Record<
  (typeof BREAKDOWNS)[number],
  z.ZodOptional<z.ZodNullable<z.ZodString>>
>;

export const fillRateSchema = z.object({
  ...rangeView,
  symbol: z.string().optional(),
  strategy: z.string().optional(),
  side: z.string().optional(),
  orders_placed: z.int().describe("orders placed in the range"),
  orders_filled: z.int().describe("of those, fully filled"),
  orders_partially_filled: z.int().describe("of those, still open with some quantity filled"),
  orders_canceled: z.int().describe("of those, canceled (with or without partial fills)"),
  orders_rejected: z.int(),
  orders_open: z.int().describe("of those, open with nothing filled"),
  fill_rate: nullableNumber.describe("orders_filled / orders_placed × 100 (trading.order_fill_rate)"),
  cancel_rate: nullableNumber.describe("orders_canceled / orders_placed × 100"),
  reject_rate: nullableNumber.describe("orders_rejected / orders_placed × 100"),
  ordered_quantity: z.number().describe("ordered quantity of the orders placed"),
  filled_quantity: z.number().describe("their filled quantity, each order's capped at its ordered quantity"),
  quantity_fill_rate: nullableNumber.describe("filled_quantity / ordered_quantity × 100"),
});
export type FillRate = z.infer<typeof fillRateSchema>;

export const volumeSchema = z.object({
  ...rangeView,
  by: z.string(),
  total_fills: z.int(),
  total_quantity: z.number(),
  total_notional: z.number(),
  breakdown: z.array(z.object({ ...breakdownKeys, fills: z.int(), quantity: z.number(), notional: z.number() })),
});
export type Volume = z.infer<typeof volumeSchema>;

export const ohlcvSchema = z.object({
  ...rangeView,
  symbol: z.string(),
  candles: z.array(
    z.object({
      bucket_start: time,
      open: z.number(),
      high: z.number(),
      low: z.number(),
      close: z.number(),
      volume: z.number(),
      vwap: nullableNumber,
      updates: z.int(),
    }),
  ),
});
export type Ohlcv = z.infer<typeof ohlcvSchema>;

export const strategyPerformanceSchema = z.object({
  strategy: z.string(),
  signals: z.int(),
  orders: z.int(),
  fills: z.int().describe("fill events in the range"),
  orders_filled: z.int().describe("orders of the strategy placed in the range that are fully filled"),
  fill_rate: nullableNumber.describe("per order, in percent: fully filled / placed × 100 of the strategy's orders placed in the range"),
  filled_notional: z.number(),
  realized_pnl: z.number(),
  closed_positions: z.int(),
});
export type StrategyPerformance = z.infer<typeof strategyPerformanceSchema>;

export const strategiesSchema = z.object({ ...rangeView, strategies: z.array(strategyPerformanceSchema) });
export type Strategies = z.infer<typeof strategiesSchema>;

export const strategyPerformanceInRangeSchema = strategyPerformanceSchema.extend(rangeView);
export type StrategyPerformanceInRange = z.infer<typeof strategyPerformanceInRangeSchema>;

const p50p95 = z.object({ p50: nullableNumber, p95: nullableNumber });
export const sessionsSchema = z.object({
  start_time: time,
  end_time: time,
  sessions: z.int().describe("sessions started in the range"),
  users: z.int().describe("distinct user ids among them"),
  duration_s: p50p95,
  events_per_session: z.object({ avg: nullableNumber, p50: nullableNumber, p95: nullableNumber }),
  login_to_first_order_s: z.object({ count: z.int().describe("sessions with a login and an order.placed at or after it"), p50: nullableNumber, p95: nullableNumber }),
});
export type SessionsResponse = z.infer<typeof sessionsSchema>;

export const fillRateRoute = {
  method: "get",
  path: "/api/v1/trading/fill-rate",
  tags: ["trading"],
  summary: "Per-order fill, cancel and reject rates of the orders placed in the range, overall or for one symbol, strategy or side",
  description:
    "The cohort is the orders whose order.placed falls in the range's buckets (order_analytics, one row per order_id). " +
    "fill_rate = orders fully filled / orders placed × 100: trading.order_fill_rate, at most 100, partial fills never inflate it. " +
    "An order is fully filled when a fill says no quantity is left (is_partial false) or its fills reach the ordered quantity; " +
    "a filled order counts as filled even if a cancel was also sent. The statuses (filled, partially_filled = still open with fills, " +
    "canceled (also after partial fills), rejected, open) add up to orders_placed. All rates are percentages; null with nothing placed.",
  query: z.object({
    ...RANGE_PARAMS,
    interval: intervalParam(),
    symbol: textParam("one symbol", NAME).optional(),
    strategy: textParam("one strategy id", NAME).optional(),
    side: textParam("BUY or SELL", NAME).optional(),
  }),
  responses: { "200": json(fillRateSchema, "per-order rates in percent (null when nothing was placed)"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const volumeRoute = {
  method: "get",
  path: "/api/v1/trading/volume",
  tags: ["trading"],
  summary: "Filled orders, quantity and notional per symbol, strategy or side",
  query: z.object({ ...RANGE_PARAMS, interval: intervalParam(), by: enumParam("symbol (default), strategy or side", BREAKDOWNS).optional() }),
  responses: { "200": json(volumeSchema, "volume"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const ohlcvRoute = {
  method: "get",
  path: "/api/v1/trading/ohlcv",
  tags: ["trading"],
  summary: "OHLCV candles with VWAP for one symbol, from market.data.update",
  query: z.object({ ...RANGE_PARAMS, interval: intervalParam("candle size; default the finest interval"), symbol: textParam("the symbol", NAME) }),
  responses: { "200": json(ohlcvSchema, "candles"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const strategiesRoute = {
  method: "get",
  path: "/api/v1/trading/strategies",
  tags: ["trading"],
  summary: "Performance of every strategy active in the range",
  query: z.object({ ...RANGE_PARAMS, interval: intervalParam() }),
  responses: { "200": json(strategiesSchema, "strategies"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const strategyPerformanceRoute = {
  method: "get",
  path: "/api/v1/trading/strategies/{strategy}/performance",
  tags: ["trading"],
  summary: "One strategy's signals, orders, fills, filled notional and realized PnL",
  // The route parses its path with this schema.
  params: z.object({ strategy: textParam("strategy id", NAME) }),
  query: z.object({ ...RANGE_PARAMS, interval: intervalParam() }),
  responses: { "200": json(strategyPerformanceInRangeSchema, "performance"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const sessionsRoute = {
  method: "get",
  path: "/api/v1/trading/sessions",
  tags: ["trading"],
  summary: "User sessions started in the range: how many, by how many users, duration, events per session, login to first order",
  description:
    "From user_sessions (one row per user_id and session_id, folded exactly once with the rollups) through the SQL function " +
    "session_figures(start_time, end_time), which Grafana and psql call too. A session belongs to the range its first event falls in. " +
    "duration = last event - first event; login_to_first_order = first order.placed - first login (user.login or user_login), " +
    "over the sessions with a login and an order at or after it. Percentiles are exact (percentile_cont); null without sessions.",
  query: z.object(RANGE_PARAMS),
  responses: { "200": json(sessionsSchema, "session figures"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const TRADING_ROUTES: RouteContract[] = [fillRateRoute, volumeRoute, ohlcvRoute, strategiesRoute, strategyPerformanceRoute, sessionsRoute];
