import { ConfigResourceTypes, type Kafka, type Producer } from "kafkajs";
import { errorMessage, type Logger, type RawMessage, type RejectReason } from "@trading-analytics/core";
import { chunkByBytes, letterBytes, type OutgoingLetter, permanentProduceError, pointerLetter, BATCH_OVERHEAD } from "./dead-letter-size";

/** Rejections by the parser, and batches no codec could decode (see core's undecodableBatchOf). */
export type DeadLetterReason = RejectReason | "undecodable_batch";

export interface DeadLetter {
  message: RawMessage & { key: Buffer | null };
  rejection: { reason: DeadLetterReason; detail: string };
  /** The event type the message claimed, when it named a valid one (metrics only). */
  eventType?: string;
}

/** Kafka's default max.message.bytes (1 MB plus batch overhead). */
const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export interface DeadLetterCounters {
  /** Letters sent without their key and value because the topic would not take them whole. */
  pointerOnly(reason: string): void;
  /** Letters the topic refused even as a pointer: logged and counted, never retried. */
  dropped(reason: string): void;
}

/**
 * Writes rejected messages, byte for byte, to the dead-letter topic with headers saying why.
 * Sends are cut to fit the topic's message limit; a letter that cannot fit (or that the broker
 * refuses for good) is sent as a pointer to its original, so no letter is retried forever.
 * Only transient failures (broker unreachable) are thrown, for the caller to retry.
 */
export class DeadLetterProducer {
  private readonly producer: Producer;
  private maxBytes: number;

  /** `maxBytes` undefined: the topic's max.message.bytes, read at start. */
  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly configuredMaxBytes: number | undefined,
    private readonly counters: DeadLetterCounters,
    private readonly logger: Logger,
  ) {
    this.producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    this.maxBytes = configuredMaxBytes ?? KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
  }

  async start(): Promise<void> {
    await this.producer.connect();
    if (this.configuredMaxBytes === undefined) this.maxBytes = await this.topicMaxBytes();
  }

  /** The topic's limit; Kafka's default when it cannot be read (the broker's refusal is handled anyway). */
  private async topicMaxBytes(): Promise<number> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: this.topic, configNames: ["max.message.bytes"] }],
      });
      const value = Number(described.resources[0]?.configEntries.find((entry) => entry.configName === "max.message.bytes")?.configValue);
      if (Number.isInteger(value) && value > 0) return value;
      throw new Error("max.message.bytes not in the answer");
    } catch (error) {
      this.logger.warn("cannot read the dead-letter topic's max.message.bytes; assuming Kafka's default", {
        topic: this.topic,
        error: errorMessage(error),
        max_bytes: KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
      });
      return KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  stop(): Promise<void> {
    return this.producer.disconnect();
  }

  async send(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const outgoing = letters.map((letter) => this.fitted(toOutgoing(letter)));
    for (const chunk of chunkByBytes(outgoing, this.maxBytes)) await this.sendChunk(chunk);
  }

  /** The letter, or its pointer when it alone exceeds the limit. */
  private fitted(letter: OutgoingLetter): OutgoingLetter {
    if (letterBytes(letter) + BATCH_OVERHEAD <= this.maxBytes) return letter;
    return this.pointer(letter, `${letterBytes(letter)} bytes, over the dead-letter topic's limit (${this.maxBytes})`);
  }

  private pointer(letter: OutgoingLetter, why: string): OutgoingLetter {
    const reason = letter.headers.error_class ?? "unknown";
    this.counters.pointerOnly(reason);
    this.logger.warn("dead letter sent without its value", { reason, why, source_topic: letter.headers.source_topic, source_offset: letter.headers.source_offset });
    return pointerLetter(letter);
  }

  /** A chunk the broker refuses for good is halved until the letter it refuses is known, then pointed to. */
  private async sendChunk(chunk: OutgoingLetter[]): Promise<void> {
    try {
      await this.producer.send({ topic: this.topic, acks: -1, messages: chunk });
      return;
    } catch (error) {
      const permanent = permanentProduceError(error);
      if (!permanent) throw error;
      if (chunk.length > 1) {
        const half = Math.ceil(chunk.length / 2);
        await this.sendChunk(chunk.slice(0, half));
        await this.sendChunk(chunk.slice(half));
        return;
      }
      const [letter] = chunk as [OutgoingLetter];
      if (letter.headers.dead_letter_value_omitted === undefined) {
        await this.sendChunk([this.pointer(letter, `the broker refused it: ${permanent}`)]);
        return;
      }
      const reason = letter.headers.error_class ?? "unknown";
      this.counters.dropped(reason);
      this.logger.error("dead letter refused by the broker even as a pointer; dropped", { reason, error: permanent, ...letter.headers });
    }
  }
}

function toOutgoing({ message, rejection }: DeadLetter): OutgoingLetter {
  return {
    key: message.key,
    value: message.value,
    headers: {
      source_topic: message.source.topic,
      source_partition: String(message.source.partition),
      source_offset: message.source.offset,
      error_class: rejection.reason,
      error_message: rejection.detail,
    },
  };
}
