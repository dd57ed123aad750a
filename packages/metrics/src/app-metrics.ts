import { createRetentionMetrics, periodicTaskMetrics, registerUnusableDefinitionsGauge } from "@trading-analytics/core";
import type { Registry } from "prom-client";
import { createAggregatorMetrics } from "./aggregator/aggregator.metrics";
import { createOrderCohortRefreshMetrics } from "./aggregator/order-cohort-refresh.metrics";
import { createSeriesCompactionMetrics } from "./aggregator/series-compaction.metrics";
import { createIngesterMetrics } from "./ingester/ingester.metrics";
import { createCacheMetrics } from "./query-api/cache.metrics";
import { createDatabaseMetrics } from "./query-api/database.metrics";
import { createHttpMetrics } from "./query-api/http.metrics";
import { duplicatesPostedCounter } from "./query-api/ingest.metrics";
import { createSecurityMetrics } from "./query-api/security.metrics";

// Every metric factory each app wires in, for the checks of rules and dashboards against what it
// exports. A factory an app starts using must be added here too, or those checks fail (never the reverse).

export function registerIngesterMetrics(registry: Registry): void {
  createIngesterMetrics(registry);
  registerUnusableDefinitionsGauge(registry, () => 0); // the EventTypesWatcher IngesterService starts
}

export function registerAggregatorMetrics(registry: Registry): void {
  createAggregatorMetrics(registry);
  createRetentionMetrics(registry); // the RetentionJob main.ts starts
  createSeriesCompactionMetrics(registry); // the SeriesCompactionJob main.ts starts
  createOrderCohortRefreshMetrics(registry); // the OrderCohortRefreshJob main.ts starts
  periodicTaskMetrics(registry); // the PeriodicTask those jobs and the dashboard publisher run on
}

export function registerQueryApiMetrics(registry: Registry): void {
  createHttpMetrics(registry);
  createCacheMetrics(registry);
  createDatabaseMetrics(registry, 10); // the timed sql createApp wraps its pool in
  createSecurityMetrics(registry);
  duplicatesPostedCounter(registry); // the ingest routes createApp mounts
  registerUnusableDefinitionsGauge(registry, () => 0); // the EventTypesWatcher main.ts starts
}
