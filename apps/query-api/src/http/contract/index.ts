import type { z } from "zod";
import { CUSTOM_EVENTS_ROUTES, customEventBodySchema, customEventDefinitionSchema } from "./custom-events.contract";
import { EVENTS_ROUTES, eventSchema } from "./events.contract";
import { INGEST_ROUTES, incomingEventSchema } from "./ingest.contract";
import { dashboardMetricsSchema, METRICS_ROUTES, metricFiguresSchema, metricPointSchema } from "./metrics.contract";
import { healthReportSchema, OPERATIONS_ROUTES, opsContracts } from "./operations.contract";
import { executionFiguresSchema, executionPercentilesSchema, ORDERS_ROUTES } from "./orders.contract";
import { POSITIONS_ROUTES } from "./positions.contract";
import type { RouteContract } from "./route-contract";
import { errorSchema } from "./shared.schemas";
import { strategyPerformanceSchema, TRADING_ROUTES } from "./trading.contract";

// The query-api's HTTP contract: every route's parameters, body and answers, and their types for TS clients.

export type { BatchAccepted, EventAccepted, IncomingEvent } from "./ingest.contract";
export type { CustomEventBody, CustomEventDefinitionResponse, CustomEventList, CustomEventVersions } from "./custom-events.contract";
export type { EventStats, EventsPage, EventView } from "./events.contract";
export type { DashboardMetrics, MetricFigures, MetricPoint, MetricSeries } from "./metrics.contract";
export type { DeadLetterMinute, DeadLetters, HealthReportResponse, IngestionMetrics, SetAsidePage } from "./operations.contract";
export type { ExecutionFiguresView, ExecutionPercentiles, ExecutionResponse, OrderExecution, OrderFiguresResponse } from "./orders.contract";
export type { MarketDataHealth, OpenPositions, Pnl } from "./positions.contract";
export type { ErrorResponse } from "./shared.schemas";
export type { FillRate, Ohlcv, SessionsResponse, Strategies, StrategyPerformance, StrategyPerformanceInRange, Volume } from "./trading.contract";
export type { ResponseContract, RouteContract } from "./route-contract";

/** Schemas the document names under components/schemas, so clients share one type for each. */
export const COMPONENT_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  Error: errorSchema,
  Event: eventSchema,
  IncomingEvent: incomingEventSchema,
  MetricFigures: metricFiguresSchema,
  MetricPoint: metricPointSchema,
  DashboardMetrics: dashboardMetricsSchema,
  ExecutionFigures: executionFiguresSchema,
  ExecutionPercentiles: executionPercentilesSchema,
  StrategyPerformance: strategyPerformanceSchema,
  CustomEventBody: customEventBodySchema,
  CustomEventDefinition: customEventDefinitionSchema,
  HealthReport: healthReportSchema,
};

/** Every route the query-api serves; Prometheus sits at the configured metrics path. */
export function routeContracts({ metricsPath = "/metrics" }: { metricsPath?: string } = {}): RouteContract[] {
  return [
    ...opsContracts(metricsPath),
    ...EVENTS_ROUTES,
    ...INGEST_ROUTES,
    ...METRICS_ROUTES,
    ...TRADING_ROUTES,
    ...ORDERS_ROUTES,
    ...POSITIONS_ROUTES,
    ...OPERATIONS_ROUTES,
    ...CUSTOM_EVENTS_ROUTES,
  ];
}
