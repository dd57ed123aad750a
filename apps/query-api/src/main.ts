import {
  createKafka,
  createLogger,
  createMetricsRegistry,
  createRedis,
  CustomEventDefinitionsRepository,
  databaseService,
  EventsTailReader,
  EventTypesWatcher,
  GracefulShutdown,
  handleUnhandledRejections,
  HealthMonitor,
  HttpService,
  kafkaHealthService,
  loadConfigOrExit,
  redisService,
  startServices,
} from "@trading-analytics/core";
import { createApp } from "./app";
import { KafkaEventPublisher } from "./kafka/event-publisher";
import { LiveEventsPoller } from "./live/live-events.poller";
import { createQuerySql } from "./query-sql";
import { listenAddress } from "./security/listen-address";

/** How long a POST waits for Kafka's acknowledgement before answering 503. */
const PUBLISH_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const { config, file, warnings } = loadConfigOrExit();
  const logger = createLogger(config.logging, "query-api");
  for (const warning of warnings) logger.warn(warning);
  const registry = createMetricsRegistry(config.metrics, "query-api");
  handleUnhandledRejections(logger, registry);
  const sql = createQuerySql(config);
  const redis = createRedis(config.redis, logger);
  const kafka = createKafka(config.kafka, logger, `${config.kafka.client_id}-query-api`);
  const publisher = new KafkaEventPublisher(kafka, config.kafka.http_ingest_topic, PUBLISH_TIMEOUT_MS, logger);
  const health = new HealthMonitor("analytics");

  const watcher = new EventTypesWatcher(
    new CustomEventDefinitionsRepository(sql),
    redis,
    {
      refreshMs: config.analytics.ingestion.schema_refresh_interval,
      unknownTypes: config.analytics.ingestion.unknown_event_types,
      redisKeyPrefix: config.redis.key_prefix,
      allErrors: true,
      registry,
    },
    logger,
  );
  const live = new LiveEventsPoller(new EventsTailReader(sql), { logger });
  const app = createApp({ config, sql, redis, logger, registry, health, publisher, types: () => watcher.current, live });
  const address = listenAddress(config.server.host, config.security.api_key_enabled);
  if (address.warning) logger.warn(address.warning, { host: address.host });
  const http = new HttpService(app, address.host, config.server.port, {
    configure: (server) => {
      server.requestTimeout = config.server.read_timeout;
      // Node has no whole-response deadline; a socket idle this long while answering is closed.
      server.timeout = config.server.write_timeout;
    },
  });

  const shutdown = new GracefulShutdown(logger, config.server.shutdown_timeout);
  shutdown.listen();
  // Started in this order, stopped in reverse: open event streams end before the server closes
  // (or closing it would wait for them), and the server before the clients its routes use.
  const started = await startServices(
    [databaseService(sql), redisService(redis, logger), publisher, kafkaHealthService(kafka), watcher, http, live],
    { health, shutdown },
  );
  if (started) logger.info("query-api listening", { host: address.host, port: http.port, config_file: file ?? "(environment only)" });
}

main().catch((error: Error) => {
  process.stderr.write(`query-api failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
