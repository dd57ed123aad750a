import { v5 as uuidV5, validate as isUuid } from "uuid";

/**
 * A stable id for a message without one: the same topic/partition/offset always maps to the same
 * UUID. The namespace is the deployment's own random one (deployment_settings), so nobody can
 * work out such ids ahead and claim them.
 */
export function eventIdFromKafkaPosition(topic: string, partition: number, offset: string, namespace: string): string {
  return uuidV5(`${topic}/${partition}/${offset}`, namespace);
}

export function isEventId(value: unknown): value is string {
  return typeof value === "string" && isUuid(value);
}
