import { z } from "zod";
import { MAX_GAP_FACTOR, MIN_GAP_FACTOR, PNL_BREAKDOWNS } from "@trading-analytics/core";
import { enumParam, integerParam, NAME, numberParam, textParam, timeParam } from "./query-params";
import { json, type RouteContract } from "./route-contract";
import { COMMON_ERRORS, intervalParam, nullableNumber, nullableString, nullableTime, RANGE_PARAMS, rangeView, time } from "./shared.schemas";

export const pnlSchema = z.object({
  ...rangeView,
  by: z.string(),
  realized_pnl: z.number().describe("sum over the positions closed in the range whose PnL is known"),
  closed_positions: z.int().describe("positions closed in the range"),
  breakdown: z.array(z.object({ strategy: nullableString, symbol: nullableString, realized_pnl: z.number(), closed_positions: z.int() })),
  series: z.array(z.object({ bucket_start: time, realized_pnl: z.number(), closed_positions: z.int() })),
});
export type Pnl = z.infer<typeof pnlSchema>;

export const openPositionsSchema = z.object({
  at: time,
  strategy: z.string().optional(),
  symbol: z.string().optional(),
  open_positions: z.int().describe("all positions open at `at` (with the filters), not only those listed"),
  unrealized_pnl: nullableNumber.describe("sum over the open positions that have a mark"),
  exposure: z.array(
    z.object({
      symbol: nullableString,
      net_quantity: z.number().describe("long quantity − short quantity"),
      long_notional: z.number(),
      short_notional: z.number().describe("positive"),
      net_notional: z.number().describe("long_notional − short_notional"),
      unrealized_pnl: nullableNumber,
      mark_price: nullableNumber,
      marked_at: nullableTime,
    }),
  ),
  positions: z.array(
    z.object({
      position_id: z.string(),
      symbol: nullableString,
      side: nullableString,
      strategy: nullableString,
      quantity: nullableNumber,
      entry_price: nullableNumber,
      opened_at: time,
      mark_price: nullableNumber,
      unrealized_pnl: nullableNumber,
    }),
  ),
});
export type OpenPositions = z.infer<typeof openPositionsSchema>;

export const marketDataHealthSchema = z.object({
  start_time: time,
  end_time: time,
  symbol: z.string().optional(),
  gap_factor: z.number(),
  symbols: z.array(
    z.object({
      symbol: z.string(),
      updates: z.int().describe("updates in the range"),
      updates_per_second: z.number().describe("updates / the range's length in seconds"),
      usual_interval_ms: nullableNumber.describe("median positive interval between consecutive updates ending in the range (within 1 %)"),
      gaps: z.int().describe("intervals ending in the range longer than gap_factor × usual_interval_ms"),
      longest_gap_ms: nullableNumber.describe("the longest of those gaps; null without one"),
      spread_bps: z.object({ p50: nullableNumber, p95: nullableNumber }).describe("(ask − bid) / mid × 10,000 of the two-sided quotes, within 1 %"),
    }),
  ),
  gaps: z.array(z.object({ symbol: z.string(), from: time, to: time, duration_ms: z.number() })),
});
export type MarketDataHealth = z.infer<typeof marketDataHealthSchema>;

export const pnlRoute = {
  method: "get",
  path: "/api/v1/trading/pnl",
  tags: ["trading"],
  summary: "Realized PnL of the positions closed in the range: total, breakdown by strategy and/or symbol, and a series",
  description:
    "SQL: trading_realized_pnl(start_time, end_time, by) and trading_realized_pnl_series (migration 0024), over the positions table " +
    "(one row per position_id). A position counts in the range its earliest position.closed falls in; its PnL is the close event's " +
    "realized_pnl, else (exit_price − entry_price) × quantity, + for LONG, − for SHORT. Series buckets are aligned to the epoch, " +
    "every bucket of the range, zeros where nothing closed.",
  // Values checked by hand: the intervals served depend on the config.
  query: z.object({
    ...RANGE_PARAMS,
    interval: intervalParam("series bucket; default 1h (when kept)"),
    by: enumParam("breakdown: strategy, symbol or strategy_symbol (default)", PNL_BREAKDOWNS).optional(),
  }),
  responses: { "200": json(pnlSchema, "realized PnL"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const openPositionsRoute = {
  method: "get",
  path: "/api/v1/trading/positions",
  tags: ["trading"],
  summary: "Positions open at a time, with unrealized PnL marked to the quote in force then, and exposure by symbol",
  description:
    "SQL: trading_open_positions(at) and trading_exposure(at, strategy) (migration 0024). Open at t: opened_at <= t and not closed by t " +
    "(closed_at null or > t). Mark = coalesce(price, mid) of quote_at(symbol, t); unrealized_pnl = sign × (mark − entry_price) × quantity, " +
    "null without a mark. Notionals are quantity × mark (entry_price when there is no mark).",
  // The route parses its query with this schema.
  query: z.object({
    at: timeParam("RFC 3339; default now").optional(),
    strategy: textParam("one strategy id", NAME).optional(),
    symbol: textParam("one symbol", NAME).optional(),
    limit: integerParam("positions listed, most recently opened first; 1..1000, default 100", 1, 1000).optional(),
  }),
  responses: { "200": json(openPositionsSchema, "open positions"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const marketDataHealthRoute = {
  method: "get",
  path: "/api/v1/trading/market-data/health",
  tags: ["trading"],
  summary: "Market-data health per symbol: update rate, usual interval, gaps (counted and listed) and quoted spread",
  description:
    "From market_data_health and market_data_gaps (one definition, also for Grafana and psql). An interval is the time between two " +
    "consecutive updates of a symbol; the usual interval is the median of its positive intervals ending in the range; a gap is an interval " +
    "longer than gap_factor × the usual interval, counted in the range where it ends (it may begin before start_time; a silence still " +
    "running at end_time is not a gap yet). Percentiles (usual interval, spread) are within 1 %; spread over two-sided quotes only.",
  // Values checked by hand: the range comes first, and the most gaps listed comes from the config.
  query: z.object({
    ...RANGE_PARAMS,
    symbol: textParam("one symbol", NAME).optional(),
    gap_factor: numberParam("a gap is longer than this many usual intervals; default analytics.trading.market_data_gap_factor (5)", MIN_GAP_FACTOR, MAX_GAP_FACTOR).optional(),
    limit: integerParam("most gaps listed, the longest first (all are counted); default analytics.query.default_limit", 1).optional(),
  }),
  responses: { "200": json(marketDataHealthSchema, "health per symbol, and the gaps, the longest first"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const POSITIONS_ROUTES: RouteContract[] = [pnlRoute, openPositionsRoute, marketDataHealthRoute];
