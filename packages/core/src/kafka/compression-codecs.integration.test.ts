import { CompressionCodecs, CompressionTypes, type Consumer, type KafkaMessage } from "kafkajs";
import { createTestTopics, produceWithJavaClient, testKafka, uniqueSuffix, waitFor } from "../testing";
import { type CodecName, type CodecOptions, registerCompressionCodecs } from "./compression-codecs";
import { undecodableBatchOf } from "./undecodable-batch";

const CODECS: CodecName[] = ["gzip", "snappy", "lz4", "zstd"];

interface Received {
  partition: number;
  message: KafkaMessage;
}

/** Counts the batches each registered codec decompresses, to prove the producer really compressed. */
function countDecompressions(): Record<CodecName, number> {
  const counts: Record<CodecName, number> = { gzip: 0, snappy: 0, lz4: 0, zstd: 0 };
  const types = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD } as const;
  for (const name of CODECS) {
    const registered = CompressionCodecs[types[name]];
    CompressionCodecs[types[name]] = () => {
      const codec = registered() as { decompress(buffer: Buffer): Promise<Buffer> };
      return { ...codec, decompress: (buffer: Buffer) => (counts[name]++, codec.decompress(buffer)) };
    };
  }
  return counts;
}

/** Consumes `topic` from the beginning into `received`; records crashes instead of failing. */
async function consumeAll(
  topic: string,
  received: Received[],
  crashes: string[],
  codecs: CodecOptions = {},
  instrument?: () => void,
  batchBytes: number[] = [],
): Promise<Consumer> {
  const kafka = testKafka("codecs-test");
  registerCompressionCodecs(codecs); // after testKafka, which registers every codec
  instrument?.();
  const consumer = kafka.consumer({ groupId: `test-codecs-${uniqueSuffix()}`, maxWaitTimeInMs: 200 });
  consumer.on(consumer.events.CRASH, (event) => crashes.push(event.payload.error.message));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      received.push(...batch.messages.map((message) => ({ partition: batch.partition, message })));
      batchBytes.push(batch.messages.reduce((total, message) => total + (message.value?.length ?? 0), 0));
    },
  });
  return consumer;
}

/** Messages compressed by Apache Kafka's own Java producer, read through the codecs core registers. */
describe("compression codecs with the real broker and the Java producer", () => {
  let topics: Awaited<ReturnType<typeof createTestTopics>>;

  beforeAll(async () => {
    topics = await createTestTopics(["codecs"], 1);
  });
  afterAll(async () => {
    registerCompressionCodecs();
    await topics?.remove();
  });

  it("decodes batches compressed with gzip, snappy, lz4 and zstd", async () => {
    const [topic] = topics.topics as [string];
    const sent = CODECS.flatMap((codec) => Array.from({ length: 50 }, (_, i) => JSON.stringify({ codec, i, pad: "x".repeat(200) })));
    for (const codec of CODECS) await produceWithJavaClient(topic, codec, sent.filter((value) => value.includes(`"${codec}"`)));

    const received: Received[] = [];
    const crashes: string[] = [];
    let decompressed: Record<CodecName, number> | undefined;
    const consumer = await consumeAll(topic, received, crashes, {}, () => (decompressed = countDecompressions()));
    try {
      await waitFor(async () => received.length, (n) => n >= sent.length, { what: "every message of every codec" });
    } finally {
      await consumer.disconnect();
    }
    expect(crashes).toEqual([]);
    expect(received.map(({ message }) => message.value!.toString())).toEqual(sent);
    expect(Object.entries(decompressed!).filter(([, batches]) => batches === 0)).toEqual([]);
  }, 120_000);

  it("turns a batch it cannot decode into marked stand-ins and reads on: no crash, no stop", async () => {
    const { topics: [topic], remove } = await createTestTopics(["undecodable"], 2);
    try {
      const before = Array.from({ length: 5 }, (_, i) => JSON.stringify({ before: i }));
      const zstd = Array.from({ length: 20 }, (_, i) => JSON.stringify({ zstd: i }));
      const after = Array.from({ length: 5 }, (_, i) => JSON.stringify({ after: i }));
      await produceWithJavaClient(topic!, "gzip", before);
      await produceWithJavaClient(topic!, "zstd", zstd);
      await produceWithJavaClient(topic!, "lz4", after);

      const received: Received[] = [];
      const crashes: string[] = [];
      const consumer = await consumeAll(topic!, received, crashes, { unsupported: ["zstd"] });
      try {
        await waitFor(async () => received.length, (n) => n >= before.length + zstd.length + after.length, { what: "every record, stand-ins included" });
      } finally {
        await consumer.disconnect();
      }
      expect(crashes).toEqual([]);
      const standIns = received.filter(({ message }) => undecodableBatchOf(message.headers));
      const readable = received.filter(({ message }) => !undecodableBatchOf(message.headers)).map(({ message }) => message.value!.toString());
      expect(readable.sort()).toEqual([...before, ...after].sort());
      // One stand-in per zstd record, all on one partition's contiguous offsets; the first describes the batch.
      expect(standIns).toHaveLength(zstd.length);
      const first = undecodableBatchOf(standIns[0]!.message.headers)!;
      expect(first.first).toBe(true);
      const offsets = standIns.map(({ message }) => Number(message.offset));
      expect(first.detail).toContain(`zstd batch at offsets ${offsets[0]}-${offsets[offsets.length - 1]} (${zstd.length} records) cannot be decoded: no zstd decoder`);
      expect(offsets[offsets.length - 1]! - offsets[0]!).toBe(zstd.length - 1);
      expect(standIns[0]!.message.value!.length).toBeGreaterThan(0); // the batch's compressed bytes, kept
      expect(standIns.slice(1).every(({ message }) => message.value === null && !undecodableBatchOf(message.headers)!.first)).toBe(true);
    } finally {
      await remove();
    }
  }, 120_000);

  it("caps what one fetch decompresses: batches each under the cap but past it together arrive over several fetches, none lost", async () => {
    const { topics: [topic], remove } = await createTestTopics(["fetch-cap"], 1);
    const cap = 1024 * 1024;
    const producer = testKafka("codecs-test-producer").producer();
    try {
      await producer.connect();
      // Six zstd batches of ~600 KB each, a few KB compressed: one fetch holds them all.
      const sent = Array.from({ length: 18 }, (_, i) => JSON.stringify({ i, pad: "x".repeat(200_000) }));
      for (let start = 0; start < sent.length; start += 3) {
        await producer.send({ topic: topic!, acks: -1, compression: CompressionTypes.ZSTD, messages: sent.slice(start, start + 3).map((value) => ({ value })) });
      }
      const received: Received[] = [];
      const crashes: string[] = [];
      const batchBytes: number[] = [];
      const consumer = await consumeAll(topic!, received, crashes, { maxDecompressedBatchBytes: cap }, undefined, batchBytes);
      try {
        await waitFor(async () => received.length, (n) => n >= sent.length, { what: "every record of every batch" });
      } finally {
        await consumer.disconnect();
      }
      expect(crashes).toEqual([]);
      expect(received.map(({ message }) => message.value!.toString())).toEqual(sent);
      expect(batchBytes.length).toBeGreaterThan(1);
      expect(Math.max(...batchBytes)).toBeLessThanOrEqual(cap);
    } finally {
      await producer.disconnect();
      await remove();
    }
  }, 120_000);
});
