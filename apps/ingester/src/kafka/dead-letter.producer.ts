import type { Kafka, Producer } from "kafkajs";
import type { RawMessage, Rejection } from "@trading-analytics/core";

export interface DeadLetter {
  message: RawMessage & { key: Buffer | null };
  rejection: Rejection;
}

/** Writes rejected messages, byte for byte, to the dead-letter topic with headers saying why. */
export class DeadLetterProducer {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  }

  start(): Promise<void> {
    return this.producer.connect();
  }

  stop(): Promise<void> {
    return this.producer.disconnect();
  }

  async send(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map(({ message, rejection }) => ({
        key: message.key,
        value: message.value,
        headers: {
          source_topic: message.source.topic,
          source_partition: String(message.source.partition),
          source_offset: message.source.offset,
          error_class: rejection.reason,
          error_message: rejection.detail,
        },
      })),
    });
  }
}
