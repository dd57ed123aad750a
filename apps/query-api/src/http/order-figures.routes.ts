import { Router } from "express";
import { ORDER_FIGURES_BY, type OrderFigures, type OrderFiguresBy, type OrderFiguresReader } from "@trading-analytics/core";
import type { QueryCache } from "../cache/query-cache";
import { ParameterError, QueryParams } from "../domain/query-params";
import { orderFiguresRoute, type OrderFiguresResponse } from "./contract/orders.contract";
import { parameterNames } from "./contract/query-params";
import { sendCachedJson } from "./send-json";

export interface OrderFiguresRoutesDeps {
  figures: OrderFiguresReader;
  cache: QueryCache;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const NAME = { maxLength: 128, pattern: /^[A-Za-z0-9._:/-]+$/, patternHint: "letters, digits and . _ : / - only" };

/**
 * GET /api/v1/trading/orders: the order lifecycle figures of the orders placed in a range
 * (trading_order_figures, migration 0023), overall or for one symbol, strategy or side, and
 * broken down by one of them.
 */
export function orderFiguresRoutes(deps: OrderFiguresRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();

  router.get("/api/v1/trading/orders", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(orderFiguresRoute.query));
    const { from, to } = params.range(now(), DAY_MS);
    const given = ORDER_FIGURES_BY.map((dimension) => ({ dimension, value: params.text(dimension, NAME) })).filter((entry) => entry.value !== undefined);
    if (given.length > 1) throw new ParameterError(given[1]!.dimension, "only one of symbol, strategy, side may be given");
    const filter = given[0] ? { dimension: given[0].dimension, value: given[0].value! } : undefined;
    const by = params.text("by");
    if (by !== undefined && !(ORDER_FIGURES_BY as readonly string[]).includes(by)) throw new ParameterError("by", `must be one of ${ORDER_FIGURES_BY.join(", ")}`);
    const query = { from, to, filter, by: by as OrderFiguresBy | undefined };
    // An order placed long ago can still fill: its cohort changes with any fold, never settles.
    const result = await deps.cache.json("order-figures", query, "rollups", async () => {
      const answer = await deps.figures.figures(query);
      return JSON.stringify({
        start_time: from.toISOString(),
        end_time: to.toISOString(),
        ...(filter ? { [filter.dimension]: filter.value } : {}),
        ...(query.by ? { by: query.by } : {}),
        ...figuresView(answer.overall),
        ...(answer.breakdown ? { breakdown: answer.breakdown.map((group) => ({ [by!]: group.value, ...figuresView(group.figures) })) } : {}),
      } satisfies OrderFiguresResponse);
    });
    sendCachedJson(res, result);
  });

  return router;
}

/** One cohort's figures in the API's names. */
export function figuresView(figures: OrderFigures) {
  const { orders } = figures;
  return {
    orders: {
      placed: orders.placed,
      filled: orders.filled,
      partially_filled: orders.partiallyFilled,
      canceled: orders.canceled,
      rejected: orders.rejected,
      open: orders.open,
    },
    fill_rate: figures.fillRate,
    quantity_fill_ratio: figures.quantityFillRatio,
    cancel_to_fill_ratio: figures.cancelToFillRatio,
    time_to_first_fill_ms: figures.timeToFirstFillMs,
    time_to_fill_ms: figures.timeToFillMs,
  };
}
