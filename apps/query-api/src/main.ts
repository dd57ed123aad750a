import {
  closeRedis,
  connectRedisInBackground,
  createLogger,
  createMetricsRegistry,
  createRedis,
  createSql,
  databaseHealthCheck,
  GracefulShutdown,
  HealthMonitor,
  listen,
  loadConfigOrExit,
  redisHealthCheck,
} from "@trading-analytics/core";
import { createApp } from "./app";

async function main(): Promise<void> {
  const { config, file } = loadConfigOrExit();
  const logger = createLogger(config.logging, "query-api");
  const registry = createMetricsRegistry(config.metrics, "query-api");
  const sql = createSql(config.database, { applicationName: "query-api" });
  const redis = createRedis(config.redis, logger);
  connectRedisInBackground(redis, logger);
  const health = new HealthMonitor("query-api", [databaseHealthCheck(sql), redisHealthCheck(redis)]);
  const app = createApp({
    sql,
    logger,
    registry,
    health,
    metricsPath: config.metrics.path,
    query: { defaultLimit: config.analytics.query.default_limit, maxResults: config.analytics.query.max_results },
    maxBodyBytes: config.server.max_body_bytes,
  });
  const http = await listen(app, config.server.host, config.server.port);
  http.server.requestTimeout = config.server.read_timeout;
  // Node has no whole-response deadline; a socket idle this long while answering is closed.
  http.server.timeout = config.server.write_timeout;

  const shutdown = new GracefulShutdown(logger, config.server.shutdown_timeout);
  shutdown.register("readiness", () => health.markShuttingDown());
  shutdown.register("http", () => http.close());
  shutdown.register("redis", () => closeRedis(redis));
  shutdown.register("database", () => sql.end({ timeout: 5 }));
  shutdown.listen();
  logger.info("query-api listening", { port: http.port, config_file: file ?? "(environment only)" });
}

main().catch((error: Error) => {
  process.stderr.write(`query-api failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
