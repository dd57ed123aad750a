import type { Consumer, EachBatchHandler, Kafka } from "kafkajs";
import type { HealthCheck } from "../health";
import type { Logger } from "../logger";
import { errorMessage } from "../errors";
import { backoffDelay } from "../backoff";

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
  /** Called on every crash; `restart` says whether kafkajs restarts by itself (else this class does). */
  onCrash?: (error: Error, restart: boolean) => void;
}

/** Back-off before this class restarts a consumer kafkajs gave up on: doubles per crash in a row, capped. */
export function crashRestartDelayMs(crashesInARow: number): number {
  return backoffDelay(crashesInARow - 1, { baseMs: 1000, maxMs: 60_000 });
}

/**
 * A kafkajs consumer-group member with manual offset resolution: the handler resolves and
 * commits offsets itself once what it read is durable. Exposes start/stop/healthcheck.
 */
export class BatchConsumer {
  readonly id: string;
  readonly consumer: Consumer;
  /** The last crash, until a fetch succeeds again. */
  private crashed: Error | undefined;
  private crashesInARow = 0;
  private restartTimer: NodeJS.Timeout | undefined;
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
    const { CRASH, FETCH, GROUP_JOIN } = this.consumer.events;
    this.consumer.on(CRASH, (event) => {
      const { error, restart } = event.payload;
      this.options.onCrash?.(error, restart);
      // Readiness stays down until a fetch succeeds again, so a crash loop never hides behind a green check.
      this.crashed = error;
      this.crashesInARow++;
      if (restart) {
        this.options.logger.error("kafka consumer crashed; kafkajs restarts it", { error: error.message, crashes_in_a_row: this.crashesInARow });
        return;
      }
      // kafkajs leaves the consumer stopped for good. A process restart would meet the same
      // state, so restart here with back-off.
      const delay = crashRestartDelayMs(this.crashesInARow);
      this.options.logger.error("kafka consumer crashed; restarting it", { error: error.message, crashes_in_a_row: this.crashesInARow, delay_ms: delay });
      clearTimeout(this.restartTimer);
      this.restartTimer = setTimeout(() => void this.restart(), delay);
    });
    this.consumer.on(FETCH, () => {
      this.crashed = undefined;
      this.crashesInARow = 0;
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
    clearTimeout(this.restartTimer);
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
  }

  private async restart(): Promise<void> {
    if (!this.running) return;
    try {
      await this.consumer.disconnect();
      await this.start();
      this.options.logger.info("kafka consumer restarted after a crash", { crashes_in_a_row: this.crashesInARow });
    } catch (error) {
      const delay = crashRestartDelayMs(++this.crashesInARow);
      this.options.logger.error("kafka consumer restart failed; trying again", { error: errorMessage(error), delay_ms: delay });
      this.restartTimer = setTimeout(() => void this.restart(), delay);
    }
  }

  healthcheck(): HealthCheck {
    return {
      name: "kafka_consumer",
      critical: true,
      check: async () => {
        if (this.crashed) throw new Error(`consumer restarting after ${this.crashesInARow} crash(es) in a row: ${this.crashed.message}`);
        if (!this.running) throw new Error("consumer not running");
      },
      // No fatal(): a process restart would only meet the same crash; this class restarts the consumer itself.
    };
  }
}
