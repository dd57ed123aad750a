// How a command ends, as scripts see it: the exit code is the contract.

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
