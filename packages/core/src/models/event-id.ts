import { v5 as uuidV5, validate as isUuid } from "uuid";

// Fixed namespace for ids derived from a Kafka position; changing it would re-key history.
const KAFKA_POSITION_NAMESPACE = "5b0f1e8e-4c4a-4c53-9d0b-6a8f3d2e7c11";

/** A stable id for a message without one: the same topic/partition/offset always maps to the same UUID. */
export function eventIdFromKafkaPosition(topic: string, partition: number, offset: string): string {
  return uuidV5(`${topic}/${partition}/${offset}`, KAFKA_POSITION_NAMESPACE);
}

export function isEventId(value: unknown): value is string {
  return typeof value === "string" && isUuid(value);
}
