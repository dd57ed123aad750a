import {
  closeRedis,
  connectRedisInBackground,
  createKafka,
  createLogger,
  createMetricsRegistry,
  createOpsApp,
  createRedis,
  createSql,
  databaseHealthCheck,
  GracefulShutdown,
  handleUnhandledRejections,
  HealthMonitor,
  listen,
  loadConfigOrExit,
  redisHealthCheck,
} from "@trading-analytics/core";
import { killAfterDbCommitFromEnv } from "./faults/kill-after-db-commit";
import { unsupportedCodecsFromEnv } from "./faults/unsupported-codecs";
import { IngesterService } from "./ingester.service";

async function main(): Promise<void> {
  const { config, file, warnings } = loadConfigOrExit();
  const logger = createLogger(config.logging, "ingester");
  for (const warning of warnings) logger.warn(warning);
  const registry = createMetricsRegistry(config.metrics, "ingester");
  handleUnhandledRejections(logger, registry);
  const sql = createSql(config.database, { applicationName: "ingester" });
  const kafka = createKafka(config.kafka, logger, `${config.kafka.client_id}-ingester`);
  unsupportedCodecsFromEnv(process.env, logger, config.kafka.max_decompressed_batch_bytes); // fault injection; a no-op unless asked for
  const redis = createRedis(config.redis, logger);
  connectRedisInBackground(redis, logger);
  const afterDbCommit = killAfterDbCommitFromEnv(process.env, logger); // fault injection; undefined unless asked for
  const service = new IngesterService(config, { sql, kafka, logger, registry, redis, afterDbCommit });
  const health = new HealthMonitor("ingester", [databaseHealthCheck(sql), service.healthcheck(), redisHealthCheck(redis)]);
  const http = await listen(createOpsApp({ health, registry, metricsPath: config.metrics.path }), config.ingester.host, config.ingester.port);

  const shutdown = new GracefulShutdown(logger, config.server.shutdown_timeout);
  shutdown.register("readiness", () => health.markShuttingDown());
  shutdown.register("consumer", () => service.stop());
  shutdown.register("http", () => http.close());
  shutdown.register("redis", () => closeRedis(redis));
  shutdown.register("database", () => sql.end({ timeout: 5 }));
  shutdown.listen();

  await service.start();
  logger.info("ingester started", { port: http.port, config_file: file ?? "(environment only)" });
}

main().catch((error: Error) => {
  process.stderr.write(`ingester failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
