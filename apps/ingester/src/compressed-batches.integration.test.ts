import { produceWithJavaClient, type JavaCodec, waitFor } from "@trading-analytics/core/testing";
import { CompressionTypes } from "kafkajs";
import { IngesterHarness, makeEvents, scrapeCounter, type TestEvent } from "./testing/ingester-harness";

const CODECS: JavaCodec[] = ["gzip", "snappy", "lz4", "zstd"];
const headerText = (headers: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([key, value]) => [key, String(value)]));

/** Batches compressed by Apache Kafka's Java producer, consumed by the real ingester process. */
describe("ingester with compressed batches", () => {
  let harness: IngesterHarness;
  afterEach(async () => {
    await harness?.cleanup();
  });

  it("stores events sent with every codec Kafka producers use", async () => {
    harness = await IngesterHarness.create({ prefix: "codecs", partitions: 2 });
    await harness.startReplica();
    const byCodec = new Map(CODECS.map((codec) => [codec, makeEvents(200, 1)]));
    for (const [codec, events] of byCodec) await produceWithJavaClient(harness.topic, codec, events.map((event) => event.value));
    const all = [...byCodec.values()].flat().map((event) => event.id);
    await waitFor(() => harness.missing(all), (missing) => missing.length === 0, { timeoutMs: 45_000, what: "every compressed event to be stored" });
    expect(await harness.counts()).toEqual({ rows: all.length, distinct: all.length });
    expect(await harness.readDeadLetters()).toEqual([]);
  }, 120_000);

  it("dead-letters a batch it cannot decode, with its offsets, and goes on storing everything else", async () => {
    harness = await IngesterHarness.create({ prefix: "undecodable", partitions: 2 });
    // Fault injection: this replica has no zstd decoder, as if a producer used a codec nobody supports.
    const replica = await harness.startReplica({ INGESTER_FAULT_UNSUPPORTED_CODECS: "zstd" });
    const before = makeEvents(50, 2);
    const undecodable = makeEvents(30, 1);
    const after = makeEvents(50, 2);
    await harness.produce(before);
    await produceWithJavaClient(harness.topic, "zstd", undecodable.map((event) => event.value));
    await produceWithJavaClient(harness.topic, "lz4", after.map((event) => event.value));
    await harness.produce(makeEvents(10, 2));

    await harness.waitUntilCaughtUp(45_000);
    expect(await harness.missing([...before, ...after].map((event) => event.id))).toEqual([]);
    expect(await harness.missing(undecodable.map((event) => event.id))).toHaveLength(undecodable.length);
    const letters = await harness.readDeadLetters();
    expect(letters).toHaveLength(1);
    const headers = headerText(letters[0]!.headers);
    expect(headers).toMatchObject({ error_class: "undecodable_batch", source_topic: harness.topic });
    const first = BigInt(headers.source_offset!);
    expect(headers.error_message).toContain(`zstd batch at offsets ${first}-${first + BigInt(undecodable.length - 1)} (${undecodable.length} records)`);
    expect(letters[0]!.value!.length).toBeGreaterThan(0); // the compressed bytes, for whoever can decode them
    expect(await scrapeCounter(replica, "analytics_undecodable_records_total")).toBe(undecodable.length);
    expect(await scrapeCounter(replica, "analytics_kafka_consumer_crashes_total")).toBe(0);
    expect((await fetch(`http://127.0.0.1:${replica.port}/ready`)).status).toBe(200);
  }, 120_000);

  it("dead-letters a batch of any codec that would decompress past the cap (a decompression bomb), and stays ready", async () => {
    harness = await IngesterHarness.create({ prefix: "bombs", partitions: 1 });
    const cap = 1024 * 1024;
    const replica = await harness.startReplica({ KAFKA_MAX_DECOMPRESSED_BATCH_BYTES: String(cap) });
    // 8 events of ~200 KB each: ~1.6 MB of records that compress to a few KB.
    const bomb = (): TestEvent[] =>
      makeEvents(8, 1).map((event) => ({ ...event, value: event.value.replace('"quantity":0.1', `"quantity":0.1,"note":"${"x".repeat(200_000)}"`) }));
    const send = async (events: TestEvent[], compression: CompressionTypes) => {
      await harness.producer.send({ topic: harness.topic, acks: -1, compression, messages: events.map(({ value }) => ({ value })) });
    };
    const bombs = { zstd: CompressionTypes.ZSTD, gzip: CompressionTypes.GZIP, lz4: CompressionTypes.LZ4, snappy: CompressionTypes.Snappy };
    const stored = makeEvents(20, 1);
    const refused: TestEvent[] = [];
    const expectedLetters: string[] = [];
    let offset = 20;
    await harness.produce(stored);
    for (const [name, compression] of Object.entries(bombs)) {
      const batch = bomb();
      await send(batch, compression);
      refused.push(...batch);
      expectedLetters.push(`${name} batch at offsets ${offset}-${offset + 7} (8 records) cannot be decoded: it decompresses past ${cap} bytes`);
      const around = makeEvents(20, 1);
      await send(around, compression); // the same codec under the cap is stored
      stored.push(...around);
      offset += 8 + 20;
    }

    await harness.waitUntilCaughtUp(45_000);
    expect(await harness.missing(stored.map((event) => event.id))).toEqual([]);
    expect(await harness.missing(refused.map((event) => event.id))).toHaveLength(refused.length);
    const letters = (await harness.readDeadLetters()).map((letter) => headerText(letter.headers));
    expect(letters.map((headers) => headers.error_class)).toEqual(expectedLetters.map(() => "undecodable_batch"));
    letters.forEach((headers, i) => expect(headers.error_message?.startsWith(expectedLetters[i]!) ? "" : headers.error_message).toBe(""));
    expect(await scrapeCounter(replica, "analytics_undecodable_records_total")).toBe(refused.length);
    expect(await scrapeCounter(replica, "analytics_kafka_consumer_crashes_total")).toBe(0);
    expect((await fetch(`http://127.0.0.1:${replica.port}/ready`)).status).toBe(200);
  }, 120_000);
});
