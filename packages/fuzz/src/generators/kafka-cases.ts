import fc from "fast-check";
import { type BodySpec, eventBody } from "./hostile-bodies";
import { FRESH_ID } from "./hostile-events";
import { FUZZ_SCHEMA_TYPES, schemaProbe } from "./hostile-schemas";

const MB = 1024 * 1024;

/** One generated Kafka message value; null is a tombstone (a message without a value). */
export type KafkaCase = { value: BodySpec | null };

/** Past the ingester's max_event_bytes (1 MiB) now and then; otherwise large but acceptable. */
const hugeKafkaValue = fc.oneof(fc.integer({ min: MB + 1, max: 2 * MB }), fc.integer({ min: 100_000, max: 900_000 }));

/** Events of the types the HTTP channel defined with hostile schemas, carrying inputs that make validators slow. */
const probedEvent: fc.Arbitrary<BodySpec> = fc
  .tuple(fc.constantFrom(...FUZZ_SCHEMA_TYPES), schemaProbe())
  .map(([eventType, properties]) => ({ kind: "json", value: { event_id: FRESH_ID, event_type: eventType, properties, timestamp: new Date(Date.now() - 60_000).toISOString() }, mutation: { kind: "none" } }));

export const kafkaCase: fc.Arbitrary<KafkaCase> = fc.oneof(
  { weight: 80, arbitrary: eventBody(hugeKafkaValue).map((value) => ({ value })) },
  { weight: 8, arbitrary: probedEvent.map((value) => ({ value })) },
  { weight: 1, arbitrary: fc.constant({ value: null }) },
);
