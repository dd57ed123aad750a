import type { Consumer, EachBatchHandler, Kafka } from "kafkajs";
import type { HealthCheck } from "../health";
import type { Logger } from "../logger";

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Partitions of this replica processed in parallel (order within a partition is kept). */
  partitionsConsumedConcurrently: number;
  sessionTimeout: number;
  heartbeatInterval: number;
  /** Where a group without committed offsets starts. */
  fromBeginning: boolean;
  /** A fetch returns once it has this many bytes or after maxWaitMs: batches by size and time. */
  minBytes: number;
  maxWaitMs: number;
  /** Upper bounds on one fetch's size, overall and per partition: they bound the memory a fetch takes. */
  maxBytes?: number;
  maxBytesPerPartition?: number;
  eachBatch: EachBatchHandler;
  logger: Logger;
}

/**
 * A kafkajs consumer-group member with manual offset resolution: the handler resolves and
 * commits offsets itself once what it read is durable. Exposes start/stop/healthcheck.
 */
export class BatchConsumer {
  readonly id: string;
  readonly consumer: Consumer;
  private crashed: Error | undefined;
  private running = false;

  constructor(private readonly options: BatchConsumerOptions) {
    this.id = `consumer:${options.groupId}`;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeout,
      heartbeatInterval: options.heartbeatInterval,
      allowAutoTopicCreation: false,
      minBytes: options.minBytes,
      maxWaitTimeInMs: options.maxWaitMs,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      ...(options.maxBytesPerPartition === undefined ? {} : { maxBytesPerPartition: options.maxBytesPerPartition }),
    });
    const { CRASH, GROUP_JOIN } = this.consumer.events;
    this.consumer.on(CRASH, (event) => {
      const error = event.payload.error;
      this.options.logger.error("kafka consumer crashed", { error: error.message, restart: event.payload.restart });
      if (!event.payload.restart) this.crashed = error;
    });
    this.consumer.on(GROUP_JOIN, (event) => {
      this.options.logger.info("joined consumer group", {
        group: event.payload.groupId,
        member: event.payload.memberId,
        assignment: event.payload.memberAssignment,
      });
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: this.options.eachBatch,
    });
    this.running = true;
  }

  /** Finishes the batch in hand, then leaves the group. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
  }

  healthcheck(): HealthCheck {
    return {
      name: "kafka_consumer",
      critical: true,
      check: async () => {
        if (this.crashed) throw new Error(`consumer stopped: ${this.crashed.message}`);
        if (!this.running) throw new Error("consumer not running");
      },
      fatal: () => (this.crashed ? `consumer stopped after a crash it does not restart from: ${this.crashed.message}` : undefined),
    };
  }
}
