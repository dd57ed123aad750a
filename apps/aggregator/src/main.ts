import {
  createLogger,
  createMetricsRegistry,
  createOpsApp,
  createRedis,
  createSql,
  DashboardMetricsReader,
  databaseService,
  GracefulShutdown,
  handleUnhandledRejections,
  HealthMonitor,
  HttpService,
  loadConfigOrExit,
  OrderCohortSummariesRepository,
  redisService,
  RetentionJob,
  RetentionRepository,
  RetentionRunner,
  retentionSettings,
  RollupsRepository,
  rollupsVersionKey,
  SeriesCompaction,
  startServices,
} from "@trading-analytics/core";
import { createAggregatorMetrics } from "@trading-analytics/metrics";
import { AggregationCycle, EventTail, RollupPlan } from "@trading-analytics/rollups";
import { AggregatorService } from "./aggregator.service";
import { DashboardPublisher } from "./dashboard/dashboard-publisher";
import { SeriesCompactionJob } from "./series/series-compaction.job";
import { OrderCohortRefreshJob } from "./trading/order-cohort-refresh.job";

const SERIES_COMPACTION_INTERVAL_MS = 30_000;
const ORDER_COHORT_REFRESH_INTERVAL_MS = 1_000;

async function main(): Promise<void> {
  const { config, file, warnings } = loadConfigOrExit();
  const logger = createLogger(config.logging, "aggregator");
  for (const warning of warnings) logger.warn(warning);
  const registry = createMetricsRegistry(config.metrics, "aggregator");
  handleUnhandledRejections(logger, registry);
  const metrics = createAggregatorMetrics(registry);
  const sql = createSql(config.database, { applicationName: "aggregator" });
  const health = new HealthMonitor("aggregator");
  const http = new HttpService(createOpsApp({ health, registry, metricsPath: config.metrics.path }), config.aggregator.host, config.aggregator.port);

  const settings = config.analytics.aggregation;
  const plan = new RollupPlan({
    intervals: settings.intervals,
    dimensions: settings.dimensions,
    measures: settings.measures,
    allowedLatenessMs: settings.allowed_lateness,
  });
  const cycle = new AggregationCycle(sql, new EventTail(sql), new RollupsRepository(sql), plan, settings.max_events_per_cycle);
  // Not critical (redisService's check): the dashboard figures wait for Redis, the rollups do not.
  const redis = createRedis(config.redis, logger);
  // Best effort: while Redis is away the query-api caches nothing that could still change.
  const bumpCacheVersion = () => {
    if (redis.isReady) redis.incr(rollupsVersionKey(config.redis.key_prefix)).catch(() => undefined);
  };
  redis.on("ready", bumpCacheVersion); // folds made while Redis was away must not hide behind old keys
  const aggregation = new AggregatorService(cycle, metrics, logger, settings.poll_interval, bumpCacheVersion, {
    isolateAfterFailures: settings.isolate_after_failures,
    maxFailedCycles: settings.max_failed_cycles,
  });
  const dashboard = new DashboardPublisher(new DashboardMetricsReader(sql, plan.finestInterval), redis, {
    keyPrefix: config.redis.key_prefix,
    logger,
    intervalMs: settings.dashboard_refresh_interval,
    registry,
  });
  // Every replica schedules retention; an advisory lock lets one of them work at a time.
  const retention = new RetentionJob(
    new RetentionRunner(new RetentionRepository(sql), retentionSettings(config), logger, "aggregator"),
    registry,
    logger,
    config.analytics.retention.cleanup_interval,
  );
  // Settled days of 1m/5m series, stored as the text the metrics API serves (see migration 0010).
  const compaction = new SeriesCompactionJob(
    new SeriesCompaction(sql, {
      intervals: settings.intervals,
      retentionMs: config.analytics.retention.minute_aggregates,
      allowedLatenessMs: settings.allowed_lateness,
    }),
    registry,
    logger,
    SERIES_COMPACTION_INTERVAL_MS,
  );
  // The hourly and daily order cohort summaries the order and execution figures read (migration 0029).
  const cohorts = new OrderCohortRefreshJob(new OrderCohortSummariesRepository(sql), registry, logger, ORDER_COHORT_REFRESH_INTERVAL_MS);

  const shutdown = new GracefulShutdown(logger, config.server.shutdown_timeout);
  shutdown.listen();
  // Started in this order, stopped in reverse: the fold loop first (its cycle in hand commits
  // while the deadline is young; a retention run can take long), then the jobs, then the clients.
  const started = await startServices([databaseService(sql), http, redisService(redis, logger), cohorts, compaction, retention, dashboard, aggregation], {
    health,
    shutdown,
  });
  if (started) logger.info("aggregator started", { port: http.port, intervals: plan.intervals, config_file: file ?? "(environment only)" });
}

main().catch((error: Error) => {
  process.stderr.write(`aggregator failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
