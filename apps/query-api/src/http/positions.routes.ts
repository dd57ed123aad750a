import { Router } from "express";
import { type AggregationInterval, INTERVAL_MS, PNL_BREAKDOWNS, type PnlBreakdown, type PositionsReader } from "@trading-analytics/core";
import type { QueryCache } from "../cache/query-cache";
import { ParameterError, QueryParams } from "../domain/query-params";
import { type OpenPositions, openPositionsRoute, pnlRoute, type Pnl } from "./contract/positions.contract";
import { parameterNames, parseQuery } from "./contract/query-params";
import { sendCachedJson } from "./send-json";

export interface PositionsRoutesDeps {
  positions: PositionsReader;
  cache: QueryCache;
  intervals: readonly AggregationInterval[];
  maxPoints: number;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const DEFAULT_LIMIT = 100;

/**
 * Positions and PnL from the positions table, through the SQL functions of migration 0024:
 * realized PnL of the positions closed in a range (total, breakdown, series), and the positions
 * open at a time with unrealized PnL marked to the quote in force then, and exposure by symbol.
 * Both change with any fold (a late close moves a past figure), so they are cached per rollups version.
 */
export function positionsRoutes(deps: PositionsRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();
  // A day's range at hourly points by default, when the aggregator keeps 1h.
  const defaultInterval = deps.intervals.includes("1h") ? "1h" : deps.intervals[0]!;

  router.get("/api/v1/trading/pnl", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(pnlRoute.query));
    const { from, to } = params.range(now(), DAY_MS);
    const interval = params.interval("interval", deps.intervals, defaultInterval);
    const by = params.text("by") ?? "strategy_symbol";
    if (!(PNL_BREAKDOWNS as readonly string[]).includes(by)) throw new ParameterError("by", `must be one of ${PNL_BREAKDOWNS.join(", ")}`);
    const widthMs = INTERVAL_MS[interval];
    const buckets = Math.ceil((to.getTime() - Math.floor(from.getTime() / widthMs) * widthMs) / widthMs);
    if (buckets > deps.maxPoints) throw new ParameterError("interval", `${buckets} points asked for; at most ${deps.maxPoints} per request`);
    const result = await deps.cache.json("pnl", { from, to, interval, by }, "rollups", async () => {
      const pnl = await deps.positions.realizedPnl({ from, to, widthMs }, by as PnlBreakdown);
      return JSON.stringify({
        start_time: from.toISOString(),
        end_time: to.toISOString(),
        interval,
        by,
        realized_pnl: pnl.realizedPnl,
        closed_positions: pnl.closedPositions,
        breakdown: pnl.breakdown.map((group) => ({
          strategy: group.strategy,
          symbol: group.symbol,
          realized_pnl: group.realizedPnl,
          closed_positions: group.closedPositions,
        })),
        series: pnl.series.map((point) => ({
          bucket_start: point.bucketStart.toISOString(),
          realized_pnl: point.realizedPnl,
          closed_positions: point.closedPositions,
        })),
      } satisfies Pnl);
    });
    sendCachedJson(res, result);
  });

  router.get("/api/v1/trading/positions", async (req, res) => {
    const query = parseQuery(openPositionsRoute.query, req.query as Record<string, unknown>);
    const { strategy, symbol } = query;
    const at = query.at ?? now();
    const limit = query.limit ?? DEFAULT_LIMIT;
    const result = await deps.cache.json("positions", { at, strategy, symbol, limit }, "rollups", async () => {
      const open = await deps.positions.openAt(at, { strategy, symbol }, limit);
      return JSON.stringify({
        at: at.toISOString(),
        ...(strategy === undefined ? {} : { strategy }),
        ...(symbol === undefined ? {} : { symbol }),
        open_positions: open.openPositions,
        unrealized_pnl: open.unrealizedPnl,
        exposure: open.exposure.map((row) => ({
          symbol: row.symbol,
          net_quantity: row.netQuantity,
          long_notional: row.longNotional,
          short_notional: row.shortNotional,
          net_notional: row.netNotional,
          unrealized_pnl: row.unrealizedPnl,
          mark_price: row.markPrice,
          marked_at: row.markedAt?.toISOString() ?? null,
        })),
        positions: open.positions.map((position) => ({
          position_id: position.positionId,
          symbol: position.symbol,
          side: position.side,
          strategy: position.strategy,
          quantity: position.quantity,
          entry_price: position.entryPrice,
          opened_at: position.openedAt.toISOString(),
          mark_price: position.markPrice,
          unrealized_pnl: position.unrealizedPnl,
        })),
      } satisfies OpenPositions);
    });
    sendCachedJson(res, result);
  });

  return router;
}
