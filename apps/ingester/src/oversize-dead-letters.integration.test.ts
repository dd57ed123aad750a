import { testKafka, waitFor } from "@trading-analytics/core/testing";
import { IngesterHarness, makeEvents, scrapeCounter } from "./testing/ingester-harness";

/** The source topic takes messages up to 4 MB; the dead-letter topic keeps Kafka's default limit (~1 MB). */
const SOURCE_MAX_BYTES = 4 * 1024 * 1024;
const DEAD_LETTER_TOPIC_MAX_BYTES = 1_048_588;
const headerText = (headers: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([key, value]) => [key, String(value)]));

describe("ingester with dead letters larger than the dead-letter topic takes", () => {
  let harness: IngesterHarness;
  afterEach(async () => {
    await harness?.cleanup();
  });

  // The first relies on the limit read from the topic; the second on the broker's answer (a limit configured too high).
  it.each([
    ["the limit read from the topic", undefined],
    ["the broker refuses what kafka.dead_letter_max_bytes lets through", 8_000_000],
  ])("sends what fits whole, the rest as pointers, and blocks nothing (%s)", async (_name, maxBytes) => {
    harness = await IngesterHarness.create({
      prefix: "oversize_dlq",
      partitions: 1,
      topicConfig: { "max.message.bytes": String(SOURCE_MAX_BYTES) },
      kafkaConfig: maxBytes === undefined ? "" : `  dead_letter_max_bytes: ${maxBytes}\n`,
    });
    const admin = testKafka().admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: harness.deadLetterTopic, configEntries: [{ name: "max.message.bytes", value: String(DEAD_LETTER_TOPIC_MAX_BYTES) }] }],
    });
    await admin.disconnect();

    // One 2 MB message (too large to store, too large to dead-letter whole), then eight
    // 300 kB ones that are not JSON: each fits, all of them together do not.
    const huge = Buffer.from(`{"blob":"${"x".repeat(2 * 1024 * 1024)}"}`);
    const hugeOffset = await harness.produceOne(huge);
    const medium = Array.from({ length: 8 }, (_, i) => Buffer.from(`${i}:${"y".repeat(300 * 1024)}`));
    await harness.producer.send({ topic: harness.topic, acks: -1, messages: medium.map((value) => ({ value, partition: 0 })) });
    const after = makeEvents(20, 1);
    await harness.produce(after);
    const replica = await harness.startReplica();

    await waitFor(() => harness.missing(after.map((event) => event.id)), (missing) => missing.length === 0, { timeoutMs: 45_000, what: "the events after the large ones" });
    await harness.waitUntilCaughtUp();
    const letters = await harness.readDeadLetters();
    expect(letters).toHaveLength(1 + medium.length);
    const pointer = letters.find((letter) => String(letter.headers?.source_offset) === hugeOffset)!;
    expect(pointer.value).toBeNull();
    expect(headerText(pointer.headers)).toMatchObject({
      error_class: "too_large",
      source_topic: harness.topic,
      source_offset: hugeOffset,
      dead_letter_value_omitted: "too_large",
      original_value_bytes: String(huge.length),
    });
    const whole = letters.filter((letter) => letter !== pointer);
    expect(whole.map((letter) => letter.value!.length)).toEqual(medium.map((value) => value.length));
    expect(whole.every((letter) => String(letter.headers?.error_class) === "invalid_json")).toBe(true);
    expect(await scrapeCounter(replica, "analytics_dead_letters_pointer_only_total")).toBe(1);
    expect(await scrapeCounter(replica, "analytics_dead_letters_dropped_total")).toBe(0);
  }, 120_000);
});
