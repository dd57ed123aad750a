import express, { type Express } from "express";
import {
  ApiKeysRepository,
  type Config,
  CustomEventDefinitionsRepository,
  DashboardMetricsReader,
  EventStatsReader,
  EventsExportReader,
  eventLimits,
  EventsRepository,
  ExecutionQualityReader,
  type EventTypeValidator,
  type HealthMonitor,
  IngestionStatusReader,
  type Logger,
  MarketDataHealthReader,
  MetricSeriesReader,
  OrderFiguresReader,
  OrderLifecycleRepository,
  opsRoutes,
  PositionsReader,
  publishCustomEventsChanged,
  type RedisClient,
  RollupsRepository,
  SessionFiguresReader,
  sortIntervals,
  type Sql,
  TradingAnalyticsReader,
} from "@trading-analytics/core";
import { createCacheMetrics, createDatabaseMetrics, createHttpMetrics, duplicatesPostedCounter } from "@trading-analytics/metrics";
import type { Registry } from "prom-client";
import { QueryCache } from "./cache/query-cache";
import { timedSql } from "./database/timed-sql";
import { customEventsRoutes } from "./http/custom-events.routes";
import { deadLettersRoutes } from "./http/dead-letters.routes";
import { dashboardRoutes } from "./http/dashboard.routes";
import { errorHandler, notFound } from "./http/error.middleware";
import { eventsRoutes } from "./http/events.routes";
import { exportRoutes } from "./http/export.routes";
import { ingestRoutes } from "./http/ingest.routes";
import { ingestionMetricsRoutes } from "./http/ingestion-metrics.routes";
import { marketDataHealthRoutes } from "./http/market-data-health.routes";
import { metricsRoutes } from "./http/metrics.routes";
import { orderFiguresRoutes } from "./http/order-figures.routes";
import { positionsRoutes } from "./http/positions.routes";
import { requestContext } from "./http/request-context.middleware";
import { sessionsRoutes } from "./http/sessions.routes";
import { setAsideRoutes } from "./http/set-aside.routes";
import { statsRoutes } from "./http/stats.routes";
import { streamRoutes } from "./http/stream.routes";
import { executionRoutes } from "./http/execution.routes";
import { tradingRoutes } from "./http/trading.routes";
import type { EventPublisher } from "./kafka/event-publisher";
import type { LiveEventsPoller } from "./live/live-events.poller";
import { createSecurity } from "./security";
import { MergedSeriesReader } from "./series/merged-series.reader";
import { openApiRoutes } from "./openapi/openapi.routes";
import { dashboardPageRoutes } from "./web/dashboard-page.routes";

export interface AppDeps {
  config: Config;
  sql: Sql;
  /** Caches, live counters, shared rate-limit buckets; while it is not ready nothing is cached and limits are per process. */
  redis: RedisClient;
  logger: Logger;
  registry: Registry;
  health: HealthMonitor;
  publisher: EventPublisher;
  /** The validator of the current custom event definitions (kept fresh by an EventTypesWatcher). */
  types: () => EventTypeValidator;
  /** Tails newly stored events for GET /api/v1/events/stream (one poller shared by every client). */
  live: LiveEventsPoller;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The query-api's express app; supertest drives it directly in tests. */
export function createApp(deps: AppDeps): Express {
  const { config, redis, logger } = deps;
  // Every statement the routes run is timed (analytics_query_duration_seconds, analytics_active_connections).
  const sql = timedSql(deps.sql, createDatabaseMetrics(deps.registry, config.database.max_connections));
  const prefix = config.redis.key_prefix;
  const { aggregation, query } = config.analytics;
  const intervals = sortIntervals(aggregation.intervals);
  const allowedLatenessMs = aggregation.allowed_lateness;
  const rollups = new RollupsRepository(sql);
  const cacheRequests = createCacheMetrics(deps.registry);
  const cache = new QueryCache(redis, prefix, Math.round(query.cache_ttl / 1000), cacheRequests);

  const security = createSecurity({
    config: config.security,
    keys: new ApiKeysRepository(sql),
    redis,
    redisKeyPrefix: prefix,
    registry: deps.registry,
    logger,
    metricsPath: config.metrics.path,
  });

  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.set("trust proxy", security.trustProxy); // before anything reads req.ip
  app.use(requestContext(logger, createHttpMetrics(deps.registry)));
  // Before body parsing: a caller without a valid key cannot make the server parse a large body.
  app.use(security.chain);
  const jsonBody = express.json({ limit: config.server.max_body_bytes });
  // GET and HEAD carry no body a route reads: body-parser's checks cost every read request.
  // Public paths take no body at all, so nobody without a key can make the server parse one.
  app.use((req, res, next) => (req.method === "GET" || req.method === "HEAD" || security.isPublic(req.path) ? next() : jsonBody(req, res, next)));
  // The most requested route first: Express tries every router mounted before it.
  app.use(
    dashboardRoutes({
      reader: new DashboardMetricsReader(sql, intervals[0]!),
      redis,
      keyPrefix: prefix,
      cacheRequests,
      sharedForMs: aggregation.dashboard_refresh_interval / 2,
    }),
  );
  app.use(opsRoutes({ health: deps.health, registry: deps.registry, metricsPath: config.metrics.path }));
  app.use(openApiRoutes({ metricsPath: config.metrics.path }));
  app.use(dashboardPageRoutes());

  app.use(
    ingestRoutes({
      publisher: deps.publisher,
      types: deps.types,
      limits: eventLimits(config),
      events: new EventsRepository(sql),
      onDuplicates: duplicatesPostedCounter(deps.registry),
      maxEventBytes: config.analytics.ingestion.max_event_bytes,
      maxBatchEvents: config.server.max_batch_events,
      logger,
    }),
  );
  const ranges = { defaultRangeMs: DAY_MS, maxRangeMs: query.max_range };
  app.use(
    exportRoutes({
      exporter: new EventsExportReader(sql),
      logger,
      ranges,
      statementTimeoutMs: query.export_timeout,
      stallTimeoutMs: query.export_idle_timeout,
      maxPerClient: query.max_exports_per_client,
    }),
  );
  app.use(streamRoutes({ live: deps.live, maxClients: query.max_streams, maxPerClient: query.max_streams_per_client }));
  app.use(statsRoutes({ stats: new EventStatsReader(sql), cache, allowedLatenessMs }));
  app.use(eventsRoutes({ events: new EventsRepository(sql), limits: { defaultLimit: query.default_limit, maxResults: query.max_results, ...ranges } }));
  const series = new MetricSeriesReader(sql, rollups, intervals);
  const merged = new MergedSeriesReader(sql, rollups, series, intervals);
  const trading = new TradingAnalyticsReader(rollups, new OrderLifecycleRepository(sql), intervals);
  app.use(metricsRoutes({ series, merged, trading, cache, intervals, allowedLatenessMs, maxPoints: query.max_points }));
  app.use(tradingRoutes({ trading, cache, intervals, allowedLatenessMs, maxPoints: query.max_points }));
  app.use(sessionsRoutes({ sessions: new SessionFiguresReader(sql), cache }));
  app.use(orderFiguresRoutes({ figures: new OrderFiguresReader(sql), cache }));
  app.use(executionRoutes({ execution: new ExecutionQualityReader(sql), cache }));
  app.use(positionsRoutes({ positions: new PositionsReader(sql), cache, intervals, maxPoints: query.max_points }));
  app.use(
    marketDataHealthRoutes({
      health: new MarketDataHealthReader(sql),
      cache,
      gapFactor: config.analytics.trading.market_data_gap_factor,
      defaultLimit: query.default_limit,
      maxLimit: query.max_results,
    }),
  );
  app.use(ingestionMetricsRoutes({ status: new IngestionStatusReader(sql), redis, keyPrefix: prefix }));
  app.use(deadLettersRoutes({ redis, keyPrefix: prefix }));
  app.use(setAsideRoutes({ sql }));
  app.use(
    customEventsRoutes({
      definitions: new CustomEventDefinitionsRepository(sql),
      notifyChanged: async () => {
        if (!redis || !(await publishCustomEventsChanged(redis, prefix))) {
          logger.warn("custom event change not announced over Redis; ingesters pick it up on their next poll");
        }
      },
    }),
  );
  app.use(notFound());
  app.use(errorHandler(logger));
  return app;
}
