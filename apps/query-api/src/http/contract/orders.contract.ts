import { z } from "zod";
import { ORDER_FIGURES_BY } from "@trading-analytics/core";
import { enumParam, NAME, textParam } from "./query-params";
import { json, type RouteContract } from "./route-contract";
import { COMMON_ERRORS, errorResponse, nullableNumber, nullableString, nullableTime, RANGE_PARAMS, time, uuid } from "./shared.schemas";

const durationFigures = (description: string) =>
  z.object({ count: z.int().describe("orders measured"), p50: nullableNumber, p95: nullableNumber, p99: nullableNumber }).describe(description);

const ORDER_FIGURES = {
  orders: z.object({ placed: z.int(), filled: z.int(), partially_filled: z.int(), canceled: z.int(), rejected: z.int(), open: z.int() }),
  fill_rate: nullableNumber.describe("orders.filled / orders.placed × 100"),
  quantity_fill_ratio: nullableNumber.describe("Σ min(filled, ordered quantity) / Σ ordered quantity × 100"),
  cancel_to_fill_ratio: nullableNumber.describe("orders.canceled / orders.filled; null with none filled"),
  time_to_first_fill_ms: durationFigures("first fill − placement, ms, exact percentiles"),
  time_to_fill_ms: durationFigures("full fill − placement of the fully filled orders, ms, exact percentiles"),
};

export const orderFiguresSchema = z.object({
  start_time: time,
  end_time: time,
  symbol: z.string().optional(),
  strategy: z.string().optional(),
  side: z.string().optional(),
  by: z.enum(ORDER_FIGURES_BY).optional(),
  ...ORDER_FIGURES,
  breakdown: z
    .array(z.object({ symbol: nullableString.optional(), strategy: nullableString.optional(), side: nullableString.optional(), ...ORDER_FIGURES }))
    .optional()
    .describe("one entry per value of by, ordered by it, null (orders without it) last"),
});
export type OrderFiguresResponse = z.infer<typeof orderFiguresSchema>;

export const executionPercentilesSchema = z.object({ count: z.int(), p50: nullableNumber, p95: nullableNumber, p99: nullableNumber, volume_weighted: nullableNumber });
export type ExecutionPercentiles = z.infer<typeof executionPercentilesSchema>;

export const executionFiguresSchema = z.object({
  symbol: nullableString.optional(),
  strategy: nullableString.optional(),
  orders_measured: z.int().describe("orders of the cohort with fills and an arrival price (buy or sell)"),
  arrival_source: z
    .object({ mid: z.int(), limit: z.int() })
    .describe("of the orders measured, how many had a mid at placement and how many fell back to the limit price"),
  slippage_bps: executionPercentilesSchema,
  effective_spread_bps: executionPercentilesSchema,
  implementation_shortfall: z.object({
    cost: nullableNumber.describe("execution_cost + opportunity_cost + fees, in quote currency; positive is a cost"),
    bps: nullableNumber.describe("cost / arrival_notional × 10,000"),
    arrival_notional: nullableNumber.describe("Σ arrival price × ordered quantity"),
    execution_cost: nullableNumber.describe("Σ side × (fill price − arrival) × fill quantity"),
    opportunity_cost: nullableNumber.describe("Σ side × (mid at end − arrival) × unfilled quantity of canceled and rejected orders"),
    fees: nullableNumber.describe("Σ fee of the fills"),
  }),
});
export type ExecutionFiguresView = z.infer<typeof executionFiguresSchema>;

export const executionSchema = executionFiguresSchema.extend({
  start_time: time,
  end_time: time,
  symbol: z.string().optional(),
  strategy: z.string().optional(),
  by: z.enum(["symbol", "strategy"]).optional(),
  breakdown: z.array(executionFiguresSchema).optional().describe("one entry per value of by (null: orders without one)"),
});
export type ExecutionResponse = z.infer<typeof executionSchema>;

export const orderExecutionSchema = z.object({
  order_id: z.string(),
  symbol: nullableString.optional(),
  side: nullableString.optional(),
  strategy_id: nullableString.optional(),
  order_type: nullableString.optional(),
  status: z.enum(["open", "partially_filled", "filled", "canceled", "rejected"]),
  limit_price: nullableNumber.optional(),
  quantity: nullableNumber.optional(),
  filled_quantity: z.number().optional(),
  fill_count: z.int().optional(),
  avg_fill_price: nullableNumber.optional().describe("VWAP of the fills"),
  placed_at: nullableTime.optional(),
  first_fill_at: nullableTime.optional(),
  last_fill_at: nullableTime.optional(),
  filled_at: nullableTime.optional(),
  canceled_at: nullableTime.optional(),
  rejected_at: nullableTime.optional(),
  arrival_price: nullableNumber.describe("mid of the quote in force at placement, else the limit price; null when neither"),
  arrival_source: z.enum(["mid", "limit"]).nullable(),
  arrival_quote_at: nullableTime.optional().describe("time of the quote whose mid is the arrival price"),
  end_mid: nullableNumber.optional().describe("mid in force when it was canceled or rejected"),
  slippage_bps: nullableNumber.describe("side × (avg_fill_price − arrival_price) / arrival_price × 10,000; null without fills"),
  fills: z.array(
    z.object({
      event_id: uuid,
      filled_at: time,
      price: nullableNumber,
      quantity: nullableNumber,
      fee: nullableNumber.optional(),
      mid_at_fill: nullableNumber.describe("mid of the quote in force at the fill (its own symbol)"),
      spread_at_fill_bps: nullableNumber.optional().describe("quoted spread in force at the fill"),
      effective_spread_bps: nullableNumber.describe("2 × side × (price − mid_at_fill) / mid_at_fill × 10,000"),
    }),
  ),
});
export type OrderExecution = z.infer<typeof orderExecutionSchema>;

export const orderFiguresRoute = {
  method: "get",
  path: "/api/v1/trading/orders",
  tags: ["trading"],
  summary: "Order lifecycle figures of the orders placed in the range: outcomes, fill rate, fill ratio, cancel-to-fill, time to fill",
  description:
    "The cohort is the orders whose order.placed falls in [start_time, end_time) (order_analytics, one row per order_id), " +
    "as SQL's trading_order_figures(start, end, by) computes it. Statuses add up to orders.placed. fill_rate = filled / placed × 100 " +
    "(by orders, at most 100); quantity_fill_ratio = Σ min(filled, ordered quantity) / Σ ordered quantity × 100; cancel_to_fill_ratio = " +
    "canceled / filled orders (null with none filled). time_to_first_fill_ms = first fill − placement, time_to_fill_ms = full fill − placement " +
    "(fully filled orders), percentiles as the value at rank floor(q(n-1)) within 1 % (log bins); a fill timed before its placement (clock skew) counts with its negative time. " +
    'by breaks the cohort down (orders without that attribute under null). See docs/trading.md, "Order lifecycle figures".',
  // Values checked by hand: the range comes first, and only one of symbol, strategy, side may be given.
  query: z.object({
    ...RANGE_PARAMS,
    by: enumParam("also break the figures down by symbol, strategy or side", ORDER_FIGURES_BY).optional(),
    symbol: textParam("only orders of this symbol", NAME).optional(),
    strategy: textParam("only orders of this strategy id", NAME).optional(),
    side: textParam("only orders of this side (BUY or SELL)", NAME).optional(),
  }),
  responses: {
    "200": json(orderFiguresSchema, "the cohort's figures (ratios null when their denominator is 0, percentiles null with nothing measured)"),
    ...COMMON_ERRORS,
  },
} satisfies RouteContract;

export const executionRoute = {
  method: "get",
  path: "/api/v1/trading/execution",
  tags: ["trading"],
  summary: "Execution quality of the orders placed in the range: slippage against arrival, effective spread, implementation shortfall",
  description:
    'trading_execution_figures(start_time, end_time, by, symbol, strategy), see docs/trading.md "Execution quality". The arrival price is the mid of the ' +
    "quote in force at placement (market.data.update), else the order's limit price; arrival_source counts which. Basis points are signed " +
    "by side (BUY +1, SELL -1, any case) so a positive value is a cost. Percentiles are the value at rank floor(q(n-1)), within 1 % (log bins).",
  // Values checked by hand: the range comes first, and symbol and strategy exclude each other.
  query: z.object({
    ...RANGE_PARAMS,
    symbol: textParam("only this symbol's orders", NAME).optional(),
    strategy: textParam("only this strategy's orders", NAME).optional(),
    by: enumParam("also break the figures down by symbol or strategy", ["symbol", "strategy"]).optional(),
  }),
  responses: { "200": json(executionSchema, "the figures"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const orderExecutionRoute = {
  method: "get",
  path: "/api/v1/trading/orders/{order_id}",
  tags: ["trading"],
  summary: "One order's lifecycle row with its arrival price and slippage, and its fills with the quote in force at each",
  // The route parses its path and (empty) query with these schemas.
  params: z.object({ order_id: textParam("the order_id (or, for an order.placed without one, its event id)") }),
  query: z.object({}),
  responses: { "200": json(orderExecutionSchema, "the order"), "404": errorResponse("no order with this id has been folded"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const ORDERS_ROUTES: RouteContract[] = [orderFiguresRoute, executionRoute, orderExecutionRoute];
