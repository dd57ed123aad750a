import {
  type Config,
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
  type Logger,
  redisService,
  startServices,
} from "@trading-analytics/core";
import type { AfterDbCommitHook } from "./faults/kill-after-db-commit";
import { IngesterService } from "./ingester.service";

/** What the fault suite's entry point wires in; production's main.ts wires nothing. */
export interface IngesterFaults {
  /** Called once the Kafka client exists (e.g. to leave codecs without a decoder). */
  afterKafkaCreated?(context: { config: Config; logger: Logger }): void;
  afterDbCommit?(context: { logger: Logger }): AfterDbCommitHook | undefined;
}

/** One ingester replica: its services started in order, stopped in reverse on SIGTERM. */
export async function runIngester(faults: IngesterFaults = {}): Promise<void> {
  const { config, file, warnings } = loadConfigOrExit();
  const logger = createLogger(config.logging, "ingester");
  for (const warning of warnings) logger.warn(warning);
  const registry = createMetricsRegistry(config.metrics, "ingester");
  handleUnhandledRejections(logger, registry);
  const sql = createSql(config.database, { applicationName: "ingester" });
  const kafka = createKafka(config.kafka, logger, `${config.kafka.client_id}-ingester`);
  faults.afterKafkaCreated?.({ config, logger });
  const redis = createRedis(config.redis, logger);
  const afterDbCommit = faults.afterDbCommit?.({ logger });
  const health = new HealthMonitor("ingester");
  const http = new HttpService(createOpsApp({ health, registry, metricsPath: config.metrics.path }), config.ingester.host, config.ingester.port);
  const shutdown = new GracefulShutdown(logger, config.server.shutdown_timeout);
  shutdown.listen();
  // Started in this order, stopped in reverse: /health answers while the consumer joins its group.
  const started = await startServices(
    [
      databaseService(sql),
      redisService(redis, logger),
      http,
      new IngesterService(config, { sql, kafka, logger, registry, redis, ...(afterDbCommit && { afterDbCommit }) }),
    ],
    { health, shutdown },
  );
  if (started) logger.info("ingester started", { port: http.port, config_file: file ?? "(environment only)" });
}

/** Ends a process whose start failed, with the reason on stderr. */
export function exitOnStartFailure(error: Error): never {
  process.stderr.write(`ingester failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
}
