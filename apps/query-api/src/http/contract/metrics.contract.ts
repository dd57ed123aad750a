import { z } from "zod";
import { DIMENSION_NAME } from "../../domain/dimensions-param";
import { enumParam, textParam } from "./query-params";
import { json, type RouteContract } from "./route-contract";
import { COMMON_ERRORS, nullableNumber, nullableString, RANGE_PARAMS, rangeView, time } from "./shared.schemas";

export const METRIC_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

export const metricFiguresSchema = z.object({
  count: z.int(),
  value: nullableNumber.optional().describe("trading.* metrics: the headline figure (the fill rate in percent, or the volume)"),
  sum: nullableNumber.optional(),
  avg: nullableNumber.optional(),
  min: nullableNumber.optional(),
  max: nullableNumber.optional(),
  p50: nullableNumber.optional(),
  p95: nullableNumber.optional(),
  p99: nullableNumber.optional(),
  open: nullableNumber.optional(),
  close: nullableNumber.optional(),
});
export type MetricFigures = z.infer<typeof metricFiguresSchema>;

export const metricPointSchema = metricFiguresSchema.extend({ bucket_start: time, dimension_value: z.string().optional() });
export type MetricPoint = z.infer<typeof metricPointSchema>;

export const metricSeriesSchema = z.object({
  metric_name: z.string(),
  ...rangeView,
  dimension: nullableString,
  dimension_value: nullableString,
  definition: z.string().optional().describe("what the figures mean (trading.* metrics only)"),
  dimensions: z
    .record(z.string(), z.string())
    .nullable()
    .optional()
    .describe("the seed's form of dimension and dimension_value: {} overall, null for one series per value"),
  summary: metricFiguresSchema.nullable(),
  points: z.array(metricPointSchema),
});
export type MetricSeries = z.infer<typeof metricSeriesSchema>;

export const dashboardMetricsSchema = z.object({
  active_users: z.int(),
  events_per_second: z.number(),
  orders_placed: z.int().describe("orders placed today (UTC), one per order_id"),
  orders_filled: z.int().describe("of those, fully filled (never more than orders_placed)"),
  order_fill_rate: nullableNumber.optional().describe("orders_filled / orders_placed × 100 (trading.order_fill_rate of today)"),
  active_strategies: z.int(),
  total_volume: z.number(),
  average_latency: z.number().describe("mean order.filled latency_ms today; 0 without fills carrying it"),
  error_rate: z.number().describe("of the orders placed today, the share rejected (0..1); 0 with nothing placed"),
  custom_metrics: z.record(z.string(), z.int()).describe("events of each active custom event type in the window"),
  window_minutes: z.int().optional(),
  last_updated: time,
});
export type DashboardMetrics = z.infer<typeof dashboardMetricsSchema>;

export const metricSeriesRoute = {
  method: "get",
  path: "/api/v1/metrics",
  tags: ["metrics"],
  summary: "One rollup metric's buckets over a range, and the range merged into a summary (percentiles from merged sketches)",
  description:
    "Besides the rollup metrics, the seed's trading metrics, computed per bucket of any interval (30m and 4h too): " +
    "trading.order_fill_rate is, for the orders PLACED in each bucket, the percentage of them that are fully filled " +
    "(0..100, one count per order, partial fills never inflate it); its points carry count = orders placed, sum = orders fully filled, " +
    "avg = value = the fill rate, and the per-status counts. trading.total_volume is the sum of price × quantity of the fills in each " +
    "bucket (by fill time): count = fills, sum = value = the volume. Both are served overall only (no dimension).",
  // The route checks the values by hand: the intervals it serves depend on the configured ones.
  query: z.object({
    metric_name: textParam("e.g. events.count.order.placed, events.price.order.filled, users.active, trading.order_fill_rate, trading.total_volume", {
      pattern: METRIC_NAME,
      patternHint: "must be a rollup metric name like events.count.order.placed (see the README's metric list)",
    }),
    interval: enumParam(
      "bucket size; default 1h. 30m and 4h (the B25 seed's) are merged exactly from 15m and 1h buckets (or the coarsest stored interval that tiles them)",
      ["1m", "5m", "15m", "30m", "1h", "4h", "1d"],
    ).optional(),
    ...RANGE_PARAMS,
    dimension: textParam("symbol, strategy, side (as configured); without dimension_value: one series per value", {
      maxLength: 64,
      pattern: DIMENSION_NAME,
      patternHint: "must be a dimension name like symbol",
    }).optional(),
    dimension_value: textParam("one value of the dimension").optional(),
    dimensions: textParam('the B25 seed\'s spelling of one dimension value, a JSON object: {"symbol":"BTCUSDT"} (or {} for the overall series); not with dimension', {
      maxLength: 1024,
    }).optional(),
  }),
  responses: { "200": json(metricSeriesSchema, "the series (X-Cache says whether Redis served it)"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const dashboardMetricsRoute = {
  method: "get",
  path: "/api/v1/dashboard/metrics",
  tags: ["metrics"],
  summary: "Headline figures, kept fresh in Redis by the aggregator (computed from rollups when Redis lost them)",
  responses: { "200": json(dashboardMetricsSchema, "the figures"), ...COMMON_ERRORS },
} satisfies RouteContract;

export const METRICS_ROUTES: RouteContract[] = [metricSeriesRoute, dashboardMetricsRoute];
