import { randomUUID } from "node:crypto";
import { CompressionTypes, type Kafka, Partitioners, type Producer } from "kafkajs";
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

/** Most letters handed to onBatch at once: what the command holds in memory, with one fetch. */
export const LETTERS_PER_BATCH = 500;
/** Bounds one fetch (kafkajs's default is 10 MB per fetch, 1 MB per partition). */
const FETCH_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Streams the dead-letter topic from the beginning (or `since`) up to its end as it was when
 * reading began, in order within each partition, as batches of at most LETTERS_PER_BATCH
 * letters: the next batch is fetched once onBatch has finished with this one, so memory stays
 * bounded however many letters there are. A throwaway consumer group with no committed offsets
 * does the reading and is deleted afterwards, so no other reader's position moves.
 */
export async function streamDeadLetters(
  kafka: Kafka,
  topic: string,
  onBatch: (letters: DeadLetter[]) => Promise<void>,
  options: ReadOptions = {},
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ranges = await partitionRanges(admin, topic, options.since);
    const pending = ranges.filter((range) => range.start < range.end);
    const total = pending.reduce((sum, range) => sum + Number(range.end - range.start), 0);
    options.onProgress?.(0, total);
    if (total === 0) return 0;
    const groupId = `analytics-cli-dead-letters-${randomUUID()}`;
    try {
      return await consume(kafka, topic, groupId, pending, total, onBatch, options);
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

async function consume(
  kafka: Kafka,
  topic: string,
  groupId: string,
  pending: PartitionRange[],
  total: number,
  onBatch: (letters: DeadLetter[]) => Promise<void>,
  options: ReadOptions,
): Promise<number> {
  let read = 0;
  const remaining = new Map(pending.map((range) => [range.partition, range]));
  // One partition at a time (the default), so onBatch calls never overlap.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxBytes: FETCH_MAX_BYTES });
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      let idle: NodeJS.Timeout | undefined;
      let failed = false;
      const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
      const fail = (error: unknown) => {
        clearTimeout(idle);
        failed = true;
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      const armIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(() => fail(new CommandFailed(`no dead letters arrived from ${topic} for ${idleTimeoutMs / 1000} s while ${total - read} were expected`)), idleTimeoutMs);
      };
      armIdle();
      consumer
        .subscribe({ topic, fromBeginning: true })
        .then(() =>
          consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch, heartbeat }) => {
              const range = remaining.get(batch.partition);
              if (!range || failed) return;
              let letters: DeadLetter[] = [];
              const flush = async () => {
                if (letters.length === 0) return;
                clearTimeout(idle); // the caller's work (re-publishing) is not idleness
                try {
                  await onBatch(letters);
                } catch (error) {
                  fail(error);
                  return;
                }
                read += letters.length;
                letters = [];
                options.onProgress?.(read, total);
                armIdle();
                await heartbeat();
              };
              for (const message of batch.messages) {
                const offset = BigInt(message.offset);
                if (offset < range.next || offset >= range.end) continue;
                letters.push(deadLetterOf(batch.partition, message));
                range.next = offset + 1n;
                if (letters.length >= LETTERS_PER_BATCH) await flush();
                if (failed) return;
              }
              await flush();
              if (failed) return;
              if (BigInt(batch.lastOffset()) + 1n >= range.end) remaining.delete(batch.partition);
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
        .catch(fail);
    });
  } finally {
    await consumer.disconnect();
  }
  return read;
}

export interface Republished {
  topic: string;
  /** The original's partition: with its key, the copy lands beside the events it belongs with. Undefined: chosen by key (--to-topic). */
  partition: number | undefined;
  key: Buffer | null;
  value: Buffer;
  /** Kafka timestamp to give the message (ms since the epoch, as a string). */
  timestamp: string;
}

/** Per send: at most this many messages and about this many bytes (the topics' default limit is 1 MB). */
const SEND_MAX_MESSAGES = 500;
const SEND_MAX_BYTES = 900 * 1024;

/**
 * Produces messages, acknowledged by every in-sync replica, in bounded sends and in order. (A
 * retried send may write a message twice: the ingester's dedup by event_id makes that harmless,
 * so no idempotent producer is needed.)
 */
export class Republisher {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    // Messages name their partition or are placed by key like any producer's (kafkajs's default partitioner).
    this.producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async send(messages: readonly Republished[]): Promise<void> {
    let start = 0;
    while (start < messages.length) {
      let end = start;
      let bytes = 0;
      while (end < messages.length && end - start < SEND_MAX_MESSAGES && (end === start || bytes + messageBytes(messages[end]!) <= SEND_MAX_BYTES)) {
        bytes += messageBytes(messages[end]!);
        end++;
      }
      const byTopic = new Map<string, Republished[]>();
      for (const message of messages.slice(start, end)) {
        const list = byTopic.get(message.topic) ?? [];
        list.push(message);
        byTopic.set(message.topic, list);
      }
      await this.producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map(({ partition, key, value, timestamp }) => ({ ...(partition === undefined ? {} : { partition }), key, value, timestamp })),
        })),
      });
      start = end;
    }
  }
}

const messageBytes = (message: Republished) => message.value.length + (message.key?.length ?? 0) + 64;
