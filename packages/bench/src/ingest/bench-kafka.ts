// Kafka side of the benchmark: fresh topics per leg, producing the dataset before a leg's
// clock starts, and removing topics and consumer groups afterwards.
import { CompressionTypes, type Kafka, type Message, Partitioners } from "kafkajs";
import { testKafka } from "@trading-analytics/core/testing";
import type { BenchMessage } from "../shared/dataset";
import { withAdmin } from "../shared/kafka-admin";
import { errorMessage } from "@trading-analytics/core";

export const BENCH_PARTITIONS = 6;
const MESSAGES_PER_REQUEST = 10_000;
const MAX_BYTES_PER_TOPIC = 900 * 1024;
const RECORD_OVERHEAD_BYTES = 20;

export function benchKafka(): Kafka {
  return testKafka("trading-analytics-bench");
}

export function createTopics(kafka: Kafka, topics: readonly string[], partitions = BENCH_PARTITIONS): Promise<boolean> {
  return withAdmin(kafka, (admin) =>
    admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })) }),
  );
}

export function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  return withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [...topics] }));
}

/** Deletes a consumer group; one that never committed anything does not exist, which is fine. */
export function deleteGroup(kafka: Kafka, groupId: string): Promise<unknown> {
  return withAdmin(kafka, async (admin) => {
    try {
      await admin.deleteGroups([groupId]);
    } catch (error) {
      const failures = (error as { groups?: { error?: { type?: string } }[] }).groups ?? [];
      const reasons = failures.map((group) => group.error?.type ?? "unknown");
      if (reasons.length > 0 && reasons.every((reason) => reason === "GROUP_ID_NOT_FOUND")) return;
      throw new Error(`${errorMessage(error)}: ${reasons.join(", ") || "no detail"}`);
    }
  });
}

export interface ProduceStats {
  seconds: number;
  bytes: number;
}

export function describeProduce(count: number, stats: ProduceStats): string {
  const rate = Math.round(count / stats.seconds).toLocaleString("en-US");
  return `producing took ${stats.seconds.toFixed(1)} s (${rate} msg/s, ${(stats.bytes / 1e6).toFixed(0)} MB; not timed)`;
}

/**
 * Sends every message, keyed as generated, to the topic `route` names: idempotent producers
 * (acks=all, no duplicates on retry), so each leg reads exactly the dataset once.
 */
export async function produceAll(kafka: Kafka, messages: readonly BenchMessage[], route: (message: BenchMessage) => string): Promise<ProduceStats> {
  const requests = planRequests(messages, route);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const started = performance.now();
  try {
    // Sequential on purpose: kafkajs spends ~20 µs of CPU per message encoding, so parallel
    // producers in this one process are no faster.
    for (const request of requests) {
      await producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: [...request].map(([topic, batch]) => ({ topic, messages: batch })) });
    }
  } finally {
    await producer.disconnect();
  }
  const bytes = messages.reduce((sum, message) => sum + message.value.length, 0);
  return { seconds: (performance.now() - started) / 1000, bytes };
}

/**
 * Groups messages into produce requests of at most 10k messages, and at most ~900 KB per topic
 * so that no partition's record batch can exceed the broker's 1 MB message.max.bytes (keys
 * are skewed: every tick of a symbol lands on the same partition).
 */
function planRequests(messages: readonly BenchMessage[], route: (message: BenchMessage) => string): Map<string, Message[]>[] {
  const requests: Map<string, Message[]>[] = [];
  let request = new Map<string, Message[]>();
  let count = 0;
  const bytesByTopic = new Map<string, number>();
  for (const message of messages) {
    const topic = route(message);
    const size = message.key.length + message.value.length + RECORD_OVERHEAD_BYTES;
    if (count >= MESSAGES_PER_REQUEST || (bytesByTopic.get(topic) ?? 0) + size > MAX_BYTES_PER_TOPIC) {
      requests.push(request);
      request = new Map();
      count = 0;
      bytesByTopic.clear();
    }
    let batch = request.get(topic);
    if (!batch) request.set(topic, (batch = []));
    batch.push({ key: message.key, value: message.value });
    bytesByTopic.set(topic, (bytesByTopic.get(topic) ?? 0) + size);
    count++;
  }
  if (count > 0) requests.push(request);
  return requests;
}
