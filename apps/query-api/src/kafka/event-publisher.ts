import type { Logger, Service } from "@trading-analytics/core";
import type { Kafka, Message, Producer } from "kafkajs";
import type { ReadyEvent } from "../domain/incoming-events";
import { SendCoalescer } from "./send-coalescer";

/** Where accepted HTTP events go; the ingester stores them from there like any other. */
export interface EventPublisher {
  publish(events: readonly ReadyEvent[]): Promise<void>;
}

/**
 * Produces to the HTTP ingest topic with acks from every in-sync replica and the idempotent
 * producer (no duplicates from its own retries). Keyed by user (else session, else event) so one
 * user's events stay in order on one partition.
 */
export class KafkaEventPublisher implements EventPublisher, Service {
  readonly id = "kafka-producer";
  private readonly producer: Producer;
  private readonly sends: SendCoalescer<Message>;
  private connecting: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly timeoutMs: number,
    private readonly logger?: Logger,
  ) {
    this.producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    // Posts that arrive while a send is in flight go out together in the next one. One send is
    // one record batch per partition, which the broker refuses above the topic's
    // max.message.bytes (1 MB by default): sends stay under that.
    this.sends = new SendCoalescer(
      async (messages) => {
        await this.connect();
        await this.producer.send({ topic: this.topic, acks: -1, messages: [...messages] });
      },
      messageBytes,
      MAX_SEND_BYTES,
    );
  }

  /** Starts connecting without waiting: the API serves reads while Kafka is away, and POSTs answer 503. */
  start(): void {
    this.connect().catch((error: Error) => this.logger?.warn("Kafka not reachable yet; POSTs answer 503 until it is", { error: error.message }));
  }

  stop(): Promise<void> {
    return this.close();
  }

  /** Connects once; a failed connect is retried by the next publish. */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: Error) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async publish(events: readonly ReadyEvent[]): Promise<void> {
    const messages = events.map((event) => ({ key: event.user_id ?? event.session_id ?? event.event_id, value: JSON.stringify(event) }));
    await withTimeout(this.sends.submit(messages), this.timeoutMs);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** Kafka's default max.message.bytes is 1,048,588; leave room for record and batch headers. */
const MAX_SEND_BYTES = 900 * 1024;

function messageBytes(message: Message): number {
  return Buffer.byteLength(message.key as string) + Buffer.byteLength(message.value as string);
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Kafka did not acknowledge within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
