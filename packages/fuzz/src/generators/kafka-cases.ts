import fc from "fast-check";
import { type BodySpec, eventBody } from "./hostile-bodies";

const MB = 1024 * 1024;

/** One generated Kafka message value; null is a tombstone (a message without a value). */
export type KafkaCase = { value: BodySpec | null };

/** Past the ingester's max_event_bytes (1 MiB) now and then; otherwise large but acceptable. */
const hugeKafkaValue = fc.oneof(fc.integer({ min: MB + 1, max: 2 * MB }), fc.integer({ min: 100_000, max: 900_000 }));

export const kafkaCase: fc.Arbitrary<KafkaCase> = fc.oneof(
  { weight: 80, arbitrary: eventBody(hugeKafkaValue).map((value) => ({ value })) },
  { weight: 1, arbitrary: fc.constant({ value: null }) },
);
