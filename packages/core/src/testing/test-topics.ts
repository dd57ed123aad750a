import { Kafka, logLevel } from "kafkajs";
import { registerCompressionCodecs } from "../kafka/compression-codecs";
import { TEST_KAFKA_BROKERS, uniqueSuffix } from "./stack-env";

/** A client for tests, decoding every codec as the apps' clients do. */
export function testKafka(clientId = "analytics-tests"): Kafka {
  registerCompressionCodecs();
  return new Kafka({ clientId, brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING });
}

/** Creates uniquely named topics (name + suffix) so test files never see each other's messages. */
export async function createTestTopics(baseNames: string[], partitions = 3): Promise<{ topics: string[]; remove(): Promise<void> }> {
  const suffix = uniqueSuffix();
  const topics = baseNames.map((name) => `test.${suffix}.${name}`);
  const admin = testKafka("analytics-tests-admin").admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
  return {
    topics,
    remove: async () => {
      const cleaner = testKafka("analytics-tests-admin").admin();
      await cleaner.connect();
      try {
        await cleaner.deleteTopics({ topics });
      } finally {
        await cleaner.disconnect();
      }
    },
  };
}
