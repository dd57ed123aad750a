import {
  closeRedis,
  connectRedisInBackground,
  createLogger,
  createMetricsRegistry,
  createOpsApp,
  createRedis,
  createSql,
  handleUnhandledRejections,
  DashboardMetricsReader,
  databaseHealthCheck,
  GracefulShutdown,
  HealthMonitor,
  listen,
  loadConfigOrExit,
  OrderCohortSummariesRepository,
  redisHealthCheck,
  RetentionJob,
  RetentionRepository,
  RetentionRunner,
  retentionSettings,
  RollupsRepository,
  rollupsVersionKey,
  SeriesCompaction,
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
  const health = new HealthMonitor("aggregator", [databaseHealthCheck(sql)]);
  const http = await listen(createOpsApp({ health, registry, metricsPath: config.metrics.path }), config.aggregator.host, config.aggregator.port);

  const settings = config.analytics.aggregation;
  const plan = new RollupPlan({
    intervals: settings.intervals,
    dimensions: settings.dimensions,
    measures: settings.measures,
    allowedLatenessMs: settings.allowed_lateness,
  });
  const cycle = new AggregationCycle(sql, new EventTail(sql), new RollupsRepository(sql), plan, settings.max_events_per_cycle);
  const redis = createRedis(config.redis, logger);
  connectRedisInBackground(redis, logger);
  health.add(redisHealthCheck(redis)); // not critical: the dashboard figures wait for it, the rollups do not
  // Best effort: while Redis is away the query-api caches nothing that could still change.
  const bumpCacheVersion = () => {
    if (redis.isReady) redis.incr(rollupsVersionKey(config.redis.key_prefix)).catch(() => undefined);
  };
  redis.on("ready", bumpCacheVersion); // folds made while Redis was away must not hide behind old keys
  const service = new AggregatorService(cycle, metrics, logger, settings.poll_interval, bumpCacheVersion, {
    isolateAfterFailures: settings.isolate_after_failures,
    maxFailedCycles: settings.max_failed_cycles,
  });
  health.add(service.healthCheck());
  service.start();

  const dashboard = new DashboardPublisher(new DashboardMetricsReader(sql, plan.finestInterval), redis, config.redis.key_prefix, logger);
  dashboard.start(settings.dashboard_refresh_interval);

  // Every replica schedules retention; an advisory lock lets one of them work at a time.
  const retentionRunner = new RetentionRunner(new RetentionRepository(sql), retentionSettings(config), logger, "aggregator");
  const retention = new RetentionJob(retentionRunner, registry, logger, config.analytics.retention.cleanup_interval);
  retention.start();

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
  compaction.start();

  // The hourly and daily order cohort summaries the order and execution figures read (migration 0029).
  const cohorts = new OrderCohortRefreshJob(new OrderCohortSummariesRepository(sql), registry, logger, ORDER_COHORT_REFRESH_INTERVAL_MS);
  cohorts.start();

  const shutdown = new GracefulShutdown(logger, config.server.shutdown_timeout);
  shutdown.register("readiness", () => health.markShuttingDown());
  shutdown.register("aggregation", () => service.stop());
  shutdown.register("dashboard", () => dashboard.stop());
  shutdown.register("retention", () => retention.stop());
  shutdown.register("series compaction", () => compaction.stop());
  shutdown.register("order cohort summaries", () => cohorts.stop());
  shutdown.register("redis", () => closeRedis(redis));
  shutdown.register("http", () => http.close());
  shutdown.register("database", () => sql.end({ timeout: 5 }));
  shutdown.listen();
  logger.info("aggregator started", { port: http.port, intervals: plan.intervals, config_file: file ?? "(environment only)" });
}

main().catch((error: Error) => {
  process.stderr.write(`aggregator failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
