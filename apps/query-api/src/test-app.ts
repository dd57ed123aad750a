import {
  type Config,
  configSchema,
  createLogger,
  createRedis,
  databaseHealthCheck,
  EventsTailReader,
  EventTypeValidator,
  HealthMonitor,
  type RedisClient,
  type Sql,
} from "@trading-analytics/core";
import { TEST_KAFKA_BROKERS, TEST_REDIS_URL } from "@trading-analytics/core/testing";
import { Registry } from "prom-client";
import { type AppDeps, createApp } from "./app";
import type { EventPublisher } from "./kafka/event-publisher";
import { LiveEventsPoller } from "./live/live-events.poller";

export interface TestAppOptions {
  maxResults?: number;
  /** A connected client; by default one that is never connected (nothing cached, limits per process). */
  redis?: RedisClient;
  /** Where POSTed events go; by default POSTs answer 503 (no Kafka wired in). */
  publisher?: EventPublisher;
  types?: () => EventTypeValidator;
  /** Raw config sections merged over the test defaults (validated like a config file). */
  config?: Record<string, unknown>;
}

/** The config a test app runs with: the real stack's addresses, API keys off unless asked for. */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    database: { url: "postgres://unused" },
    redis: { url: TEST_REDIS_URL },
    kafka: { brokers: TEST_KAFKA_BROKERS },
    security: { api_key_enabled: false },
    ...overrides,
  });
}

const noKafka: EventPublisher = {
  publish: () => Promise.reject(new Error("no Kafka publisher in this test app")),
};

/** createApp wired to a real database with quiet logs, as the tests use it. */
export function createTestApp(sql: Sql, options: TestAppOptions = {}) {
  const registry = new Registry();
  const health = new HealthMonitor("analytics", [databaseHealthCheck(sql)]);
  const base = testConfig(options.config);
  const config: Config = {
    ...base,
    analytics: { ...base.analytics, query: { ...base.analytics.query, max_results: options.maxResults ?? 1000 } },
  };
  const validator = new EventTypeValidator([], config.analytics.ingestion.unknown_event_types, { allErrors: true });
  const logger = createLogger({ level: "error", format: "json" }, "query-api");
  // Polls only while a stream client is connected, so an unused one costs nothing.
  const live = new LiveEventsPoller(new EventsTailReader(sql), { logger, intervalMs: 50 });
  const deps: AppDeps = {
    config,
    sql,
    redis: options.redis ?? createRedis(config.redis, logger),
    logger,
    registry,
    health,
    publisher: options.publisher ?? noKafka,
    types: options.types ?? (() => validator),
    live,
  };
  return { app: createApp(deps), health, registry, config, live };
}
