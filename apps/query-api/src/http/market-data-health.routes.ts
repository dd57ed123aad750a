import { Router } from "express";
import { MAX_GAP_FACTOR, MIN_GAP_FACTOR, type MarketDataHealthReader } from "@trading-analytics/core";
import type { QueryCache } from "../cache/query-cache";
import { ParameterError, QueryParams } from "../domain/query-params";
import { marketDataHealthRoute, type MarketDataHealth } from "./contract/positions.contract";
import { parameterNames } from "./contract/query-params";
import { sendCachedJson } from "./send-json";

export interface MarketDataHealthRoutesDeps {
  health: MarketDataHealthReader;
  cache: QueryCache;
  /** analytics.trading.market_data_gap_factor: used when the request names none. */
  gapFactor: number;
  defaultLimit: number;
  maxLimit: number;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const SYMBOL = { maxLength: 128, pattern: /^[A-Za-z0-9._:/-]+$/, patternHint: "letters, digits and . _ : / - only" };
const DECIMAL = /^\d+(\.\d+)?$/;

/** GET /api/v1/trading/market-data/health: per symbol update rate, usual interval, gaps and quoted spread (docs/trading.md). */
export function marketDataHealthRoutes(deps: MarketDataHealthRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();

  router.get("/api/v1/trading/market-data/health", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(marketDataHealthRoute.query));
    const { from, to } = params.range(now(), DAY_MS);
    const symbol = params.text("symbol", SYMBOL);
    const gapFactor = gapFactorOf(params.text("gap_factor", { maxLength: 16 })) ?? deps.gapFactor;
    const limit = params.integer("limit", 1, deps.maxLimit) ?? Math.min(deps.defaultLimit, deps.maxLimit);
    const query = { from, to, gapFactor, gapLimit: limit, ...(symbol ? { symbol } : {}) };
    // Every fold can add quotes (late ones too) to any range: cached until the next fold.
    const result = await deps.cache.json("market-data-health", { from, to, gapFactor, symbol, limit }, "rollups", async () => {
      const { symbols, gaps } = await deps.health.health(query);
      return JSON.stringify({
        start_time: from.toISOString(),
        end_time: to.toISOString(),
        ...(symbol ? { symbol } : {}),
        gap_factor: gapFactor,
        symbols: symbols.map((row) => ({
          symbol: row.symbol,
          updates: row.updates,
          updates_per_second: row.updatesPerSecond,
          usual_interval_ms: row.usualIntervalMs,
          gaps: row.gaps,
          longest_gap_ms: row.longestGapMs,
          spread_bps: { p50: row.spreadP50Bps, p95: row.spreadP95Bps },
        })),
        gaps: gaps.map((gap) => ({ symbol: gap.symbol, from: gap.from.toISOString(), to: gap.to.toISOString(), duration_ms: gap.durationMs })),
      } satisfies MarketDataHealth);
    });
    sendCachedJson(res, result);
  });

  return router;
}

function gapFactorOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const factor = Number(value);
  if (!DECIMAL.test(value) || factor < MIN_GAP_FACTOR || factor > MAX_GAP_FACTOR) {
    throw new ParameterError("gap_factor", `must be a number from ${MIN_GAP_FACTOR} to ${MAX_GAP_FACTOR}`);
  }
  return factor;
}
