import type { Kafka, Producer } from "kafkajs";
import type { ReadyEvent } from "../domain/incoming-events";

/** Where accepted HTTP events go; the ingester stores them from there like any other. */
export interface EventPublisher {
  publish(events: readonly ReadyEvent[]): Promise<void>;
}

/**
 * Produces to the HTTP ingest topic with acks from every in-sync replica and the idempotent
 * producer (no duplicates from its own retries). Keyed by user (else session, else event) so one
 * user's events stay in order on one partition.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly timeoutMs: number,
  ) {
    this.producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
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
    await withTimeout(
      (async () => {
        await this.connect();
        await this.producer.send({
          topic: this.topic,
          acks: -1,
          messages: events.map((event) => ({
            key: event.user_id ?? event.session_id ?? event.event_id,
            value: JSON.stringify(event),
          })),
        });
      })(),
      this.timeoutMs,
    );
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
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
