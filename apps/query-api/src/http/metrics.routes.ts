import { Router } from "express";
import {
  type AggregationInterval,
  AGGREGATION_INTERVALS,
  INTERVAL_MS,
  isMergedInterval,
  MERGED_INTERVAL_MS,
  type MergedInterval,
  isTradingMetric,
  type MetricSeriesReader,
  type TradingAnalyticsReader,
} from "@trading-analytics/core";
import type { QueryCache } from "../cache/query-cache";
import { DIMENSION_NAME, type DimensionFilter, parseDimensions } from "../domain/dimensions-param";
import { ParameterError, QueryParams } from "../domain/query-params";
import { rollupScope } from "../domain/cache-scope";
import type { MergedSeriesReader } from "../series/merged-series.reader";
import { METRIC_NAME, metricSeriesRoute } from "./contract/metrics.contract";
import { parameterNames } from "./contract/query-params";
import { sendCachedJson } from "./send-json";
import { tradingMetricResult } from "./trading-metrics";

export interface MetricsRoutesDeps {
  series: MetricSeriesReader;
  /** 30m and 4h, merged from a finer stored interval. */
  merged: MergedSeriesReader;
  cache: QueryCache;
  intervals: readonly AggregationInterval[];
  allowedLatenessMs: number;
  /** Most points one request may return: buckets, times the values when a series is per value. */
  maxPoints: number;
  /** Serves the trading.* metrics (order fill rate, total volume); without it they read as rollups. */
  trading?: TradingAnalyticsReader;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const OBJECT_CLOSE = Buffer.from("}");

/**
 * GET /api/v1/metrics: one rollup series (overall, for one dimension value, or one per value)
 * over a range, each bucket's count/sum/avg/min/max/p50/p95/p99/open/close, plus the whole
 * range merged into a summary (percentiles from merged sketches). The seed's 30m and 4h are
 * merged from a finer stored interval; its `dimensions={"symbol":"BTCUSDT"}` is another
 * spelling of dimension=symbol&dimension_value=BTCUSDT.
 */
export function metricsRoutes(deps: MetricsRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const router = Router();
  router.get("/api/v1/metrics", async (req, res) => {
    const params = new QueryParams(req.query as Record<string, unknown>, parameterNames(metricSeriesRoute.query));
    const metric = params.requiredText("metric_name", {
      pattern: METRIC_NAME,
      patternHint: "must be a rollup metric name like events.count.order.placed (see the README's metric list)",
    });
    if (deps.trading && isTradingMetric(metric)) {
      sendCachedJson(res, await tradingMetricResult({ ...deps, trading: deps.trading }, metric, params, now()));
      return;
    }
    const interval = intervalOf(params, deps);
    const at = now();
    const { from, to } = params.range(at, DAY_MS);
    const points = Math.ceil((to.getTime() - from.getTime()) / intervalMs(interval));
    if (points > deps.maxPoints) {
      throw new ParameterError("interval", `${points} buckets of ${interval} asked for; at most ${deps.maxPoints} per request (use a coarser interval or a shorter range)`);
    }
    const { dimension, dimensionValue } = dimensionOf(params);
    const query = { metric, interval, from, to, dimension, dimensionValue };
    const single = dimension === undefined || dimensionValue !== undefined;
    const head = (summary: unknown) => {
      const text = JSON.stringify({
        metric_name: metric,
        interval,
        start_time: from.toISOString(),
        end_time: to.toISOString(),
        dimension: dimension ?? null,
        dimension_value: dimensionValue ?? null,
        // The seed's form of the same: {} overall, {"symbol":"BTCUSDT"} for one value, null per value.
        dimensions: dimension === undefined ? {} : dimensionValue === undefined ? null : { [dimension]: dimensionValue },
        summary: summary ?? null,
      });
      return Buffer.from(`${text.slice(0, -1)},"points":`);
    };

    if (isMergedInterval(interval)) {
      const result = await deps.cache.json("metrics", query, rollupScope(to, at, deps.allowedLatenessMs), async () => {
        const series = await deps.merged.read({ ...query, interval }, deps.maxPoints);
        // Only a per-value series can outgrow the bucket count checked above.
        if (series === undefined) throw tooManyPoints(dimension!, deps.maxPoints);
        return [head(series.summary), Buffer.from(JSON.stringify(series.points)), OBJECT_CLOSE];
      });
      sendCachedJson(res, result);
      return;
    }

    const stored = { ...query, interval };
    const result = await deps.cache.json("metrics", stored, rollupScope(to, at, deps.allowedLatenessMs), async () => {
      // One point per bucket and value: a per-value series counts its rows, not its buckets.
      if (!single && (await deps.series.pointCount(stored, deps.maxPoints + 1)) > deps.maxPoints) throw tooManyPoints(dimension!, deps.maxPoints);
      const [points, summary] = await Promise.all([deps.series.pointsParts(stored), single ? deps.series.summary(stored) : undefined]);
      return [head(summary), ...points, OBJECT_CLOSE];
    });
    sendCachedJson(res, result);
  });
  return router;
}

function tooManyPoints(dimension: string, maxPoints: number): ParameterError {
  return new ParameterError(
    "dimension",
    `more than ${maxPoints} points (buckets × ${dimension} values) asked for; give dimension_value, a coarser interval or a shorter range`,
  );
}

function intervalMs(interval: AggregationInterval | MergedInterval): number {
  return isMergedInterval(interval) ? MERGED_INTERVAL_MS[interval] : INTERVAL_MS[interval];
}

/** A stored interval, or 30m/4h when a finer stored interval tiles it; 1h by default. */
function intervalOf(params: QueryParams, deps: MetricsRoutesDeps): AggregationInterval | MergedInterval {
  const value = params.text("interval");
  const fallback = deps.intervals.includes("1h") ? "1h" : deps.intervals[0]!;
  if (value === undefined) return fallback;
  if (isMergedInterval(value) && deps.merged.sourceOf(value) !== undefined) return value;
  if ((AGGREGATION_INTERVALS as readonly string[]).includes(value) && deps.intervals.includes(value as AggregationInterval)) return value as AggregationInterval;
  const served = [...deps.intervals, ...(["30m", "4h"] as const).filter((each) => deps.merged.sourceOf(each) !== undefined)];
  throw new ParameterError("interval", `must be one of ${served.sort((a, b) => intervalMs(a) - intervalMs(b)).join(", ")}`);
}

/** dimension[/dimension_value], or the seed's dimensions JSON; not both. */
function dimensionOf(params: QueryParams): DimensionFilter {
  const dimensions = params.text("dimensions", { maxLength: 1024 });
  const dimension = params.text("dimension", { maxLength: 64, pattern: DIMENSION_NAME, patternHint: "must be a dimension name like symbol" });
  const dimensionValue = params.text("dimension_value");
  if (dimensions !== undefined) {
    if (dimension !== undefined || dimensionValue !== undefined) throw new ParameterError("dimensions", "give either dimensions or dimension/dimension_value, not both");
    return parseDimensions(dimensions);
  }
  if (dimensionValue !== undefined && dimension === undefined) throw new ParameterError("dimension_value", "needs dimension as well");
  return { dimension, dimensionValue };
}
