// How a command ends, as scripts see it: the exit code is the contract.
import type { ServiceVariable } from "./local-stack";

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const EXIT_CODES_HELP = "Exit codes: 0 done, 1 failed (configuration, database, Kafka, bad input file), 2 usage error.";

// A mistake in how the command was called: exit 2 with the message and the command's usage.
export { UsageError } from "@trading-analytics/core";

/** A failure the operator can act on: exit 1 with this message only (no stack trace). */
export class CommandFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandFailed";
  }
}

/** PostgreSQL could not be reached or refused us. */
export class DatabaseUnreachable extends CommandFailed {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseUnreachable";
  }
}

// Connection failures and the server refusing us, as opposed to a statement failing.
export const CONNECTION_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "CONNECT_TIMEOUT", "3D000", "28P01", "28000"]);
const KAFKA_UNREACHABLE = new Set(["KafkaJSConnectionError", "KafkaJSConnectionClosedError", "KafkaJSRequestTimeoutError", "KafkaJSBrokerNotFound"]);

/** The variable placing the service `error` failed to reach, or undefined when it is not such a failure. */
export function unreachableService(error: unknown): ServiceVariable | undefined {
  // kafkajs wraps the connection error in the one it gives up with.
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof DatabaseUnreachable) return "DATABASE_URL";
    if (KAFKA_UNREACHABLE.has(cause.name)) return "KAFKA_BROKERS";
    // Core's migrate, api-key and retention reach PostgreSQL only.
    const code = (cause as { code?: unknown }).code;
    if (!cause.name.startsWith("KafkaJS") && typeof code === "string" && CONNECTION_CODES.has(code)) return "DATABASE_URL";
  }
  return undefined;
}
