// Kafka admin work the benches share: one short-lived admin client per call.
import type { Kafka } from "kafkajs";

export async function withAdmin<T>(kafka: Kafka, work: (admin: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Messages held by a topic (high minus low watermark over its partitions). */
export function messageCount(kafka: Kafka, topic: string): Promise<number> {
  return withAdmin(kafka, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  });
}
