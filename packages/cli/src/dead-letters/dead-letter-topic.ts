import { randomUUID } from "node:crypto";
import { CompressionTypes, type Kafka, Partitioners } from "kafkajs";
import { CommandFailed } from "../cli-errors";
import { type DeadLetter, deadLetterOf } from "./dead-letter";

export interface ReadOptions {
  /** Only letters written at or after this time (default: from the beginning). */
  since?: Date;
  /** How many letters there are to read once the start offsets are known, then after each batch. */
  onProgress?: (read: number, total: number) => void;
  /** Give up when no message arrives for this long while some are still expected. */
  idleTimeoutMs?: number;
}

interface PartitionRange {
  partition: number;
  start: bigint;
  /** The next offset to take: a seek may make the consumer fetch some offsets twice. */
  next: bigint;
  /** The high watermark when reading began: letters written later are left for the next run. */
  end: bigint;
}

/**
 * Reads the dead-letter topic from the beginning (or `since`) up to its end as it was when
 * reading began, oldest first. A throwaway consumer group with no committed offsets does the
 * reading and is deleted afterwards, so no other reader's position moves.
 */
export async function readDeadLetters(kafka: Kafka, topic: string, options: ReadOptions = {}): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ranges = await partitionRanges(admin, topic, options.since);
    const pending = ranges.filter((range) => range.start < range.end);
    const total = pending.reduce((sum, range) => sum + Number(range.end - range.start), 0);
    options.onProgress?.(0, total);
    if (total === 0) return [];
    const groupId = `analytics-cli-dead-letters-${randomUUID()}`;
    try {
      return await consume(kafka, topic, groupId, pending, total, options);
    } finally {
      await admin.deleteGroups([groupId]).catch(() => undefined); // best effort: an empty group expires anyway
    }
  } finally {
    await admin.disconnect();
  }
}

async function partitionRanges(admin: ReturnType<Kafka["admin"]>, topic: string, since: Date | undefined): Promise<PartitionRange[]> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) throw new CommandFailed(`the dead-letter topic ${topic} does not exist (kafka.dead_letter_topic)`);
  const offsets = await admin.fetchTopicOffsets(topic);
  const starts = since ? await admin.fetchTopicOffsetsByTimestamp(topic, since.getTime()) : undefined;
  return offsets.map(({ partition, low, high }) => ({
    partition,
    ...startingAt(BigInt(starts?.find((entry) => entry.partition === partition)?.offset ?? low)),
    end: BigInt(high),
  }));
}

function startingAt(offset: bigint) {
  return { start: offset, next: offset };
}

async function consume(kafka: Kafka, topic: string, groupId: string, pending: PartitionRange[], total: number, options: ReadOptions): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  const remaining = new Map(pending.map((range) => [range.partition, range]));
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      let idle: NodeJS.Timeout | undefined;
      const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
      const armIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(() => reject(new CommandFailed(`no dead letters arrived from ${topic} for ${idleTimeoutMs / 1000} s while ${total - letters.length} were expected`)), idleTimeoutMs);
      };
      armIdle();
      consumer
        .subscribe({ topic, fromBeginning: true })
        .then(() =>
          consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const range = remaining.get(batch.partition);
              if (!range) return;
              for (const message of batch.messages) {
                const offset = BigInt(message.offset);
                if (offset < range.next || offset >= range.end) continue;
                letters.push(deadLetterOf(batch.partition, message));
                range.next = offset + 1n;
              }
              if (BigInt(batch.lastOffset()) + 1n >= range.end) remaining.delete(batch.partition);
              options.onProgress?.(letters.length, total);
              armIdle();
              if (remaining.size === 0) {
                clearTimeout(idle);
                resolve();
              }
            },
          }),
        )
        .then(() => {
          for (const range of pending) consumer.seek({ topic, partition: range.partition, offset: range.start.toString() });
        })
        .catch((error: unknown) => {
          clearTimeout(idle);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return letters.sort((a, b) => Number(a.timestamp) - Number(b.timestamp) || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

export interface Republished {
  topic: string;
  /** The original's partition: with its key, the re-published copy lands beside the events it belongs with. */
  partition: number;
  key: Buffer | null;
  value: Buffer;
  /** Kafka timestamp to give the message (ms since the epoch, as a string). */
  timestamp: string;
}

/**
 * Produces the messages, acknowledged by every in-sync replica, in chunks and in order; calls
 * onSent after each. (A retried send may write a message twice: the ingester's dedup by
 * event_id makes that harmless, so no idempotent producer is needed.)
 */
export async function republish(kafka: Kafka, messages: readonly Republished[], onSent?: (sent: number) => void): Promise<void> {
  // Every message names its partition; the partitioner is set only to keep kafkajs quiet about its default.
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const CHUNK = 500;
    for (let start = 0; start < messages.length; start += CHUNK) {
      const chunk = messages.slice(start, start + CHUNK);
      const byTopic = new Map<string, Republished[]>();
      for (const message of chunk) {
        const list = byTopic.get(message.topic) ?? [];
        list.push(message);
        byTopic.set(message.topic, list);
      }
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map(({ partition, key, value, timestamp }) => ({ partition, key, value, timestamp })),
        })),
      });
      onSent?.(start + chunk.length);
    }
  } finally {
    await producer.disconnect();
  }
}
