import { Router } from "express";
import { type AggregationInterval, INTERVAL_MS, isTradingMetric, type MetricSeriesReader, type TradingAnalyticsReader } from "@trading-analytics/core";
import type { QueryCache } from "../cache/query-cache";
import { ParameterError, QueryParams } from "../domain/query-params";
import { rollupScope } from "../domain/cache-scope";
import { sendCachedJson } from "./send-json";
import { tradingMetricResult } from "./trading-metrics";

export interface MetricsRoutesDeps {
  series: MetricSeriesReader;
  cache: QueryCache;
  intervals: readonly AggregationInterval[];
  allowedLatenessMs: number;
  /** Most points one request may return: buckets, times the values when a series is per value. */
  maxPoints: number;
  /** Serves the trading.* metrics (order fill rate, total volume); without it they read as rollups. */
  trading?: TradingAnalyticsReader;
  now?: () => Date;
}

const METRIC_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
const DAY_MS = 86_400_000;
const OBJECT_CLOSE = Buffer.from("}");

/**
 * GET /api/v1/metrics: one rollup series (overall, for one dimension value, or one per value)
 * over a range, each bucket's count/sum/avg/min/max/p50/p95/p99/open/close, plus the whole
 * range merged into a summary (percentiles from merged sketches).
 */
export function metricsRoutes(deps: MetricsRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();
  router.get("/api/v1/metrics", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, [
      "metric_name",
      "interval",
      "start_time",
      "end_time",
      "dimension",
      "dimension_value",
    ]);
    const metric = params.requiredText("metric_name", {
      pattern: METRIC_NAME,
      patternHint: "must be a rollup metric name like events.count.order.placed (see the README's metric list)",
    });
    if (deps.trading && isTradingMetric(metric)) {
      sendCachedJson(res, await tradingMetricResult({ ...deps, trading: deps.trading }, metric, params, now()));
      return;
    }
    const interval = params.interval("interval", deps.intervals, deps.intervals.includes("1h") ? "1h" : deps.intervals[0]!);
    const at = now();
    const { from, to } = params.range(at, DAY_MS);
    const points = Math.ceil((to.getTime() - from.getTime()) / INTERVAL_MS[interval]);
    if (points > deps.maxPoints) {
      throw new ParameterError("interval", `${points} buckets of ${interval} asked for; at most ${deps.maxPoints} per request (use a coarser interval or a shorter range)`);
    }
    const dimension = params.text("dimension", { maxLength: 64, pattern: /^[a-z][a-z0-9_]*$/, patternHint: "must be a dimension name like symbol" });
    const dimensionValue = params.text("dimension_value");
    if (dimensionValue !== undefined && dimension === undefined) throw new ParameterError("dimension_value", "needs dimension as well");
    const query = { metric, interval, from, to, dimension, dimensionValue };
    const single = dimension === undefined || dimensionValue !== undefined;

    const result = await deps.cache.json("metrics", query, rollupScope(to, at, deps.allowedLatenessMs), async () => {
      // One point per bucket and value: a per-value series counts its rows, not its buckets.
      if (!single && (await deps.series.pointCount(query, deps.maxPoints + 1)) > deps.maxPoints) {
        throw new ParameterError(
          "dimension",
          `more than ${deps.maxPoints} points (buckets × ${dimension} values) asked for; give dimension_value, a coarser interval or a shorter range`,
        );
      }
      const [points, summary] = await Promise.all([deps.series.pointsParts(query), single ? deps.series.summary(query) : undefined]);
      const head = JSON.stringify({
        metric_name: metric,
        interval,
        start_time: from.toISOString(),
        end_time: to.toISOString(),
        dimension: dimension ?? null,
        dimension_value: dimensionValue ?? null,
        summary: summary ?? null,
      });
      return [Buffer.from(`${head.slice(0, -1)},"points":`), ...points, OBJECT_CLOSE];
    });
    sendCachedJson(res, result);
  });
  return router;
}
