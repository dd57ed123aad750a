import {
  BatchConsumer,
  type Config,
  CustomEventDefinitionsRepository,
  DeploymentSettingsRepository,
  errorMessage,
  eventLimits,
  EventPartitionsRepository,
  EventsRepository,
  EventTypesWatcher,
  type HealthCheck,
  type Logger,
  type RedisClient,
  type Service,
  type Sql,
} from "@trading-analytics/core";
import { createIngesterMetrics, type IngesterMetrics } from "@trading-analytics/metrics";
import type { Kafka } from "kafkajs";
import type { Registry } from "prom-client";
import type { AfterDbCommitHook } from "./faults/kill-after-db-commit";
import { DeadLetterProducer } from "./kafka/dead-letter.producer";
import { EventWriter } from "./kafka/event-writer";
import { createIngestBatchHandler } from "./kafka/ingest-batch.handler";
import { RealtimeCounters } from "./realtime/realtime-counters";

export interface IngesterDeps {
  sql: Sql;
  kafka: Kafka;
  logger: Logger;
  registry: Registry;
  /** Optional: real-time counters and instant definition reloads; ingestion never needs it. */
  redis?: RedisClient;
  /** Fault injection for the fault suite; unset in production (see faults/kill-after-db-commit.ts). */
  afterDbCommit?: AfterDbCommitHook;
}

const PARTITION_MAINTENANCE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const TYPICAL_EVENT_BYTES = 256;
/** Transactions in flight at once: one being committed while the next is copied keeps PostgreSQL busy. */
const WRITES_IN_FLIGHT = 2;
const FETCH_MAX_BYTES = 6 * 1024 * 1024;

/** The Kafka → PostgreSQL pipeline of one ingester replica. */
export class IngesterService implements Service {
  readonly id = "ingester";
  private readonly consumer: BatchConsumer;
  private readonly deadLetters: DeadLetterProducer;
  private readonly partitions: EventPartitionsRepository;
  private readonly eventTypes: EventTypesWatcher;
  private maintenance: NodeJS.Timeout | undefined;
  private readonly writer: EventWriter;
  private readonly metrics: IngesterMetrics;
  private eachBatch: ReturnType<typeof createIngestBatchHandler> | undefined;

  constructor(
    private readonly config: Config,
    private readonly deps: IngesterDeps,
  ) {
    const { ingestion } = config.analytics;
    this.partitions = new EventPartitionsRepository(deps.sql);
    const metrics = createIngesterMetrics(deps.registry);
    this.deadLetters = new DeadLetterProducer(
      deps.kafka,
      config.kafka.dead_letter_topic,
      config.kafka.dead_letter_max_bytes,
      {
        pointerOnly: (reason) => metrics.deadLettersPointerOnly.inc({ reason }),
        dropped: (reason) => metrics.deadLettersDropped.inc({ reason }),
      },
      deps.logger,
    );
    this.eventTypes = new EventTypesWatcher(
      new CustomEventDefinitionsRepository(deps.sql),
      deps.redis,
      {
        refreshMs: ingestion.schema_refresh_interval,
        unknownTypes: ingestion.unknown_event_types,
        redisKeyPrefix: config.redis.key_prefix,
        registry: deps.registry,
      },
      deps.logger,
    );
    this.metrics = metrics;
    this.writer = new EventWriter(
      { events: new EventsRepository(deps.sql), partitions: this.partitions, metrics, logger: deps.logger },
      {
        // Chunks from every partition in hand may share one transaction.
        maxEventsPerWrite: ingestion.batch_size * ingestion.workers,
        maxInFlight: WRITES_IN_FLIGHT,
      },
    );
    this.consumer = new BatchConsumer({
      kafka: deps.kafka,
      groupId: config.kafka.consumer_group,
      topics: config.kafka.topics,
      partitionsConsumedConcurrently: ingestion.workers,
      sessionTimeout: config.kafka.session_timeout,
      heartbeatInterval: config.kafka.heartbeat_interval,
      fromBeginning: true,
      // Typical events are a few hundred bytes; the broker holds a fetch until about a batch
      // is there or batch_timeout passes, so quiet periods give small batches, not slow ones.
      minBytes: Math.min(ingestion.batch_size * TYPICAL_EVENT_BYTES, 1024 * 1024),
      maxWaitMs: ingestion.batch_timeout,
      // kafkajs fetches up to 10 MB by default; decoded and parsed, that alone is most of the heap.
      maxBytes: FETCH_MAX_BYTES,
      // Built in start(), once this deployment's derived-id namespace is read.
      eachBatch: (payload) => this.eachBatch!(payload),
      logger: deps.logger,
      onCrash: (_error, restart) => metrics.consumerCrashes.inc({ restarted_by: restart ? "kafkajs" : "ingester" }),
    });
  }

  async start(): Promise<void> {
    // Independent of one another; the consumer needs the definitions and the dead-letter producer.
    // (A partition missing for a batch is created by the writer anyway.)
    const [derivedIdNamespace] = await Promise.all([
      new DeploymentSettingsRepository(this.deps.sql).derivedEventIdNamespace(),
      this.ensurePartitionsAhead(),
      this.eventTypes.start(),
      this.deadLetters.start(),
    ]);
    this.eachBatch = this.batchHandler(derivedIdNamespace);
    this.maintenance = setInterval(() => void this.ensurePartitionsAhead(), PARTITION_MAINTENANCE_MS);
    this.maintenance.unref();
    await this.consumer.start();
    this.deps.logger.info("ingester consuming", { topics: this.config.kafka.topics, group: this.config.kafka.consumer_group });
  }

  async stop(): Promise<void> {
    clearInterval(this.maintenance);
    await this.consumer.stop();
    await this.deadLetters.stop();
    await this.eventTypes.stop();
  }

  healthcheck(): HealthCheck {
    return this.consumer.healthcheck();
  }

  private batchHandler(derivedIdNamespace: string) {
    const { ingestion } = this.config.analytics;
    return createIngestBatchHandler(
      {
        writer: this.writer,
        deadLetters: this.deadLetters,
        metrics: this.metrics,
        logger: this.deps.logger,
        eventTypes: () => this.eventTypes.current,
        counters: this.deps.redis ? new RealtimeCounters(this.deps.redis, this.config.redis.key_prefix, this.deps.logger) : undefined,
        afterDbCommit: this.deps.afterDbCommit,
      },
      { batchSize: ingestion.batch_size, maxEventBytes: ingestion.max_event_bytes, ...eventLimits(this.config), derivedIdNamespace },
    );
  }

  private async ensurePartitionsAhead(): Promise<void> {
    try {
      // The whole window of accepted event times: an old event never creates a table mid-batch.
      const { maxEventAgeMs } = eventLimits(this.config);
      const created = await this.partitions.ensureAhead(this.config.analytics.ingestion.partitions_ahead_days, new Date(), Math.ceil(maxEventAgeMs / DAY_MS));
      if (created > 0) this.deps.logger.info("created events partitions", { created });
    } catch (error) {
      this.deps.logger.warn("could not create events partitions ahead", { error: errorMessage(error) });
    }
  }
}
