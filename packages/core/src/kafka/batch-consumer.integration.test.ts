import { CompressionCodecs, CompressionTypes, KafkaJSNonRetriableError } from "kafkajs";
import { createLogger } from "../logger";
import { createTestTopics, produceWithJavaClient, testKafka, uniqueSuffix, waitFor } from "../testing";
import { BatchConsumer } from "./batch-consumer";
import { registerCompressionCodecs } from "./compression-codecs";

describe("BatchConsumer after a crash kafkajs does not restart from", () => {
  afterAll(() => registerCompressionCodecs());

  it("restarts the consumer itself, reports not ready meanwhile, and reads on once the cause is gone", async () => {
    const { topics: [topic], remove } = await createTestTopics(["crash"], 1);
    const kafka = testKafka("batch-consumer-test");
    // An unguarded codec that throws: the crash kafkajs gives up on (restart: false).
    CompressionCodecs[CompressionTypes.ZSTD] = () => ({
      compress: () => Promise.reject(new Error("unused")),
      decompress: () => Promise.reject(new KafkaJSNonRetriableError("ZSTD compression not implemented")),
    });
    const crashes: boolean[] = [];
    const values: string[] = [];
    const consumer = new BatchConsumer({
      kafka,
      groupId: `test-crash-${uniqueSuffix()}`,
      topics: [topic!],
      partitionsConsumedConcurrently: 1,
      sessionTimeout: 6000,
      heartbeatInterval: 1000,
      fromBeginning: true,
      minBytes: 1,
      maxWaitMs: 200,
      logger: createLogger({ level: "error", format: "json" }, "test"),
      onCrash: (_error, restart) => crashes.push(restart),
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
        for (const message of batch.messages) {
          values.push(message.value!.toString());
          resolveOffset(message.offset);
        }
        await commitOffsetsIfNecessary();
      },
    });
    const health = consumer.healthcheck();
    try {
      await produceWithJavaClient(topic!, "zstd", ["a", "b", "c"]);
      await consumer.start();
      await waitFor(async () => crashes, (seen) => seen.includes(false), { what: "a crash kafkajs does not restart from" });
      await expect(health.check()).rejects.toThrow(/restarting after \d+ crash/);
      expect(health.fatal).toBeUndefined(); // a process restart would meet the same crash

      registerCompressionCodecs(); // the cause goes away (here: a decoder)
      await waitFor(async () => values, (seen) => seen.length >= 3, { timeoutMs: 30_000, what: "the batch read after the restart" });
      expect(values).toEqual(["a", "b", "c"]);
      await expect(health.check()).resolves.toBeUndefined();
    } finally {
      await consumer.stop();
      await remove();
    }
  }, 90_000);
});
