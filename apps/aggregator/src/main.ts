import {
  createLogger,
  createMetricsRegistry,
  createOpsApp,
  createSql,
  databaseHealthCheck,
  GracefulShutdown,
  HealthMonitor,
  listen,
  loadConfigOrExit,
} from "@trading-analytics/core";

// The aggregator so far only serves its operational endpoints; the rollup engine is the
// subject of its own issue and plugs in here as one more long-lived part.
async function main(): Promise<void> {
  const { config, file } = loadConfigOrExit();
  const logger = createLogger(config.logging, "aggregator");
  const registry = createMetricsRegistry(config.metrics, "aggregator");
  const sql = createSql(config.database, { applicationName: "aggregator" });
  const health = new HealthMonitor("aggregator", [databaseHealthCheck(sql)]);
  const http = await listen(createOpsApp({ health, registry, metricsPath: config.metrics.path }), config.aggregator.host, config.aggregator.port);

  const shutdown = new GracefulShutdown(logger, config.server.shutdown_timeout);
  shutdown.register("readiness", () => health.markShuttingDown());
  shutdown.register("http", () => http.close());
  shutdown.register("database", () => sql.end({ timeout: 5 }));
  shutdown.listen();
  logger.info("aggregator started", { port: http.port, config_file: file ?? "(environment only)" });
}

main().catch((error: Error) => {
  process.stderr.write(`aggregator failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
