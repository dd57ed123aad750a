import { type Admin, CompressionTypes, type KafkaMessage, type Producer } from "kafkajs";
import type { RejectReason, Sql } from "@trading-analytics/core";
import { testKafka, uniqueSuffix, waitFor } from "@trading-analytics/core/testing";

/** Every reason the ingester may give a dead letter (kept equal to core's RejectReason below). */
export const REJECT_REASONS = [
  "too_large",
  "invalid_utf8",
  "invalid_json",
  "unstorable_text",
  "invalid_envelope",
  "timestamp_in_future",
  "timestamp_too_old",
  "number_out_of_range",
  "unknown_event_type",
  "schema_violation",
  "duplicate_event_id",
] as const satisfies readonly RejectReason[];
// Fails to compile when core adds a reason this list lacks.
const _everyReason: Exclude<RejectReason, (typeof REJECT_REASONS)[number]> extends never ? true : never = true;
void _everyReason;

/** Where one produced message landed. */
export interface Placement {
  topic: string;
  partition: number;
  offset: string;
}

export interface OutgoingMessage {
  key: string;
  value: Buffer | null;
}

/** Per send: at most this many bytes (under the topics' 16 MB max.message.bytes) and messages. */
const SEND_BYTES = 12 * 1024 * 1024;
const SEND_MESSAGES = 500;

/**
 * Produces the messages round-robin over the topics' partitions and returns where each landed,
 * in order: one send writes one batch per partition, so a message's offset is its partition's
 * base offset plus its place among that partition's messages in the send.
 */
export async function produceAll(
  producer: Producer,
  topics: string[],
  partitions: number,
  messages: OutgoingMessage[],
  compression: CompressionTypes = CompressionTypes.None,
): Promise<Placement[]> {
  const produced: Placement[] = [];
  let start = 0;
  while (start < messages.length) {
    let end = start;
    let bytes = 0;
    while (end < messages.length && end - start < SEND_MESSAGES && (end === start || bytes + (messages[end]!.value?.length ?? 0) <= SEND_BYTES)) {
      bytes += messages[end]!.value?.length ?? 0;
      end++;
    }
    const placed = messages.slice(start, end).map((message, i) => {
      const slot = start + i;
      return { ...message, topic: topics[slot % topics.length]!, partition: Math.floor(slot / topics.length) % partitions };
    });
    const metadata = await producer.sendBatch({
      acks: -1,
      compression,
      topicMessages: topics.map((topic) => ({
        topic,
        messages: placed.filter((message) => message.topic === topic).map(({ key, value, partition }) => ({ key, value, partition })),
      })),
    });
    const seen = new Map<string, number>();
    for (const message of placed) {
      const slot = `${message.topic}/${message.partition}`;
      const base = metadata.find((entry) => entry.topicName === message.topic && entry.partition === message.partition)?.baseOffset;
      if (base === undefined) throw new Error(`no offset returned for ${slot}`);
      const position = seen.get(slot) ?? 0;
      seen.set(slot, position + 1);
      produced.push({ topic: message.topic, partition: message.partition, offset: (BigInt(base) + BigInt(position)).toString() });
    }
    start = end;
  }
  return produced;
}

/**
 * Waits until `groupId` has committed every message the topics hold now, or until its commits
 * stop moving for `idleMs` (a partition stuck on a message it retries forever). Returns the
 * partitions left behind, as "topic/partition at committed of end".
 */
export async function waitUntilConsumed(admin: Admin, groupId: string, topics: string[], idleMs: number): Promise<string[]> {
  const ends = new Map<string, string>();
  for (const topic of topics) for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${partition}`, high);
  let lastProgress = Date.now();
  let previous = "";
  for (;;) {
    const lagging: string[] = [];
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
      for (const { partition, offset } of partitions) {
        const end = ends.get(`${topic}/${partition}`)!;
        if (end !== "0" && offset !== end) lagging.push(`${topic}/${partition} at ${offset} of ${end}`);
      }
    }
    if (lagging.length === 0) return lagging;
    const now = lagging.join();
    if (now !== previous) [previous, lastProgress] = [now, Date.now()];
    else if (Date.now() - lastProgress > idleMs) return lagging;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every message a topic holds now, read from the start by a throwaway group. */
export async function readWholeTopic(admin: Admin, topic: string): Promise<KafkaMessage[]> {
  const expected = (await admin.fetchTopicOffsets(topic)).reduce((sum, { low, high }) => sum + Number(high) - Number(low), 0);
  const messages: KafkaMessage[] = [];
  if (expected === 0) return messages;
  const consumer = testKafka("fuzz-dead-letter-reader").consumer({ groupId: `test-fuzz-dlq-${uniqueSuffix()}`, maxBytesPerPartition: 16 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await waitFor(async () => messages.length, (n) => n >= expected, { timeoutMs: 60_000, what: `${expected} messages on ${topic}` });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** Where each stored row came from, as "topic/partition/offset". */
export async function storedSources(sql: Sql, topics: string[]): Promise<Set<string>> {
  const rows = await sql<{ source: string }[]>`
    select source_topic || '/' || source_partition || '/' || source_offset as source
    from events where source_topic in ${sql(topics)}`;
  return new Set(rows.map((row) => row.source));
}

/** The subset of `ids` stored in events. */
export async function storedIds(sql: Sql, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += 5_000) {
    const rows = await sql<{ id: string }[]>`select id::text as id from events where id = any(${ids.slice(start, start + 5_000)}::uuid[])`;
    for (const row of rows) found.add(row.id);
  }
  return found;
}

export const header = (message: KafkaMessage, name: string): string | undefined => {
  const value = message.headers?.[name];
  return value === undefined ? undefined : String(value);
};
