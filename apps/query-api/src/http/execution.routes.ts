import { Router } from "express";
import type { ExecutionFigures, ExecutionQualityReader } from "@trading-analytics/core";
import type { QueryCache } from "../cache/query-cache";
import { ParameterError, QueryParams } from "../domain/query-params";
import { HttpError } from "./http-error";
import { executionRoute, type ExecutionResponse, orderExecutionRoute } from "./contract/orders.contract";
import { parameterNames, parseParams, parseQuery } from "./contract/query-params";
import { sendCachedJson } from "./send-json";

export interface ExecutionRoutesDeps {
  execution: ExecutionQualityReader;
  cache: QueryCache;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const NAME = { maxLength: 128, pattern: /^[A-Za-z0-9._:/-]+$/, patternHint: "letters, digits and . _ : / - only" };
const BREAKDOWNS = ["symbol", "strategy"] as const;

/**
 * Execution quality from trading_execution_figures (migration 0026): slippage against the arrival
 * price, effective spread and implementation shortfall of the orders placed in a range; and one
 * order's execution, its arrival and slippage with its fills.
 */
export function executionRoutes(deps: ExecutionRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();

  router.get("/api/v1/trading/execution", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(executionRoute.query));
    const { from, to } = params.range(now(), DAY_MS);
    const symbol = params.text("symbol", NAME);
    const strategy = params.text("strategy", NAME);
    if (symbol !== undefined && strategy !== undefined) throw new ParameterError("strategy", "only one of symbol, strategy may be given");
    const by = params.text("by");
    if (by !== undefined && !(BREAKDOWNS as readonly string[]).includes(by)) throw new ParameterError("by", `must be one of ${BREAKDOWNS.join(", ")}`);
    const query = { from, to, symbol, strategy, by: by as (typeof BREAKDOWNS)[number] | undefined };
    // An order placed long ago can still fill, and a late quote re-marks it: any fold may change the answer.
    const result = await deps.cache.json("execution", query, "rollups", async () => {
      const [overall] = await deps.execution.figures({ from, to, symbol, strategy });
      const breakdown = query.by ? await deps.execution.figures({ ...query, by: query.by }) : undefined;
      return JSON.stringify({
        start_time: from.toISOString(),
        end_time: to.toISOString(),
        ...(symbol !== undefined ? { symbol } : {}),
        ...(strategy !== undefined ? { strategy } : {}),
        ...(query.by ? { by: query.by } : {}),
        ...figuresView(overall!),
        ...(breakdown ? { breakdown: breakdown.map((row) => ({ [query.by!]: row.group, ...figuresView(row) })) } : {}),
      } satisfies ExecutionResponse);
    });
    sendCachedJson(res, result);
  });

  router.get("/api/v1/trading/orders/:order_id", async (req, res) => {
    parseQuery(orderExecutionRoute.query, req.query as Record<string, unknown>);
    const { order_id: orderId } = parseParams(orderExecutionRoute.params, req.params);
    const result = await deps.cache.json("order-execution", { orderId }, "rollups", async () => {
      const found = await deps.execution.order(orderId);
      if (!found) throw new HttpError(404, "not_found", `no order ${orderId} has been folded`);
      return JSON.stringify({ ...found.order, fills: found.fills });
    });
    sendCachedJson(res, result);
  });

  return router;
}

function figuresView(figures: ExecutionFigures) {
  const shortfall = figures.implementationShortfall;
  return {
    orders_measured: figures.ordersMeasured,
    arrival_source: figures.arrivalSource,
    slippage_bps: percentilesView(figures.slippageBps),
    effective_spread_bps: percentilesView(figures.effectiveSpreadBps),
    implementation_shortfall: {
      cost: shortfall.cost,
      bps: shortfall.bps,
      arrival_notional: shortfall.arrivalNotional,
      execution_cost: shortfall.executionCost,
      opportunity_cost: shortfall.opportunityCost,
      fees: shortfall.fees,
    },
  };
}

function percentilesView(figures: ExecutionFigures["slippageBps"]) {
  return { count: figures.count, p50: figures.p50, p95: figures.p95, p99: figures.p99, volume_weighted: figures.volumeWeighted };
}
