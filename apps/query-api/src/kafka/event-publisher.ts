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
    const messages = events.map((event) => ({ key: event.user_id ?? event.session_id ?? event.event_id, value: JSON.stringify(event) }));
    await withTimeout(
      (async () => {
        await this.connect();
        // One send becomes one record batch per partition, which the broker refuses above the
        // topic's max.message.bytes (1 MB by default): send in slices under that, in order.
        for (const slice of slicesUnder(messages, MAX_SEND_BYTES)) await this.producer.send({ topic: this.topic, acks: -1, messages: slice });
      })(),
      this.timeoutMs,
    );
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** Kafka's default max.message.bytes is 1,048,588; leave room for record and batch headers. */
const MAX_SEND_BYTES = 900 * 1024;

/** Consecutive slices whose keys and values add up to at most maxBytes each (a larger message goes alone). */
export function slicesUnder<T extends { key: string; value: string }>(messages: readonly T[], maxBytes: number): T[][] {
  const slices: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
    if (current.length > 0 && bytes + size > maxBytes) {
      slices.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) slices.push(current);
  return slices;
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
