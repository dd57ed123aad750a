import {
  createKafka,
  createLogger,
  createMetricsRegistry,
  createOpsApp,
  createRedis,
  createSql,
  databaseService,
  GracefulShutdown,
  handleUnhandledRejections,
  HealthMonitor,
  HttpService,
  loadConfigOrExit,
  redisService,
  startServices,
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
  const afterDbCommit = killAfterDbCommitFromEnv(process.env, logger); // fault injection; undefined unless asked for
  const health = new HealthMonitor("ingester");
  const http = new HttpService(createOpsApp({ health, registry, metricsPath: config.metrics.path }), config.ingester.host, config.ingester.port);
  const shutdown = new GracefulShutdown(logger, config.server.shutdown_timeout);
  shutdown.listen();
  // Started in this order, stopped in reverse: /health answers while the consumer joins its group.
  await startServices(
    [
      databaseService(sql),
      redisService(redis, logger),
      http,
      new IngesterService(config, { sql, kafka, logger, registry, redis, afterDbCommit }),
    ],
    { health, shutdown },
  );
  logger.info("ingester started", { port: http.port, config_file: file ?? "(environment only)" });
}

main().catch((error: Error) => {
  process.stderr.write(`ingester failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
