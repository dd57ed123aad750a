import { parseOptions } from "../args";
import { EXIT_CODES_HELP, UsageError } from "../cli-errors";
import type { Help } from "../command";

export const MIGRATE_USAGE = `Usage: analytics migrate

Applies the pending migrations (migrations/*.sql) to the configured database and creates the
events partitions ahead (analytics.ingestion.partitions_ahead_days). Safe to run twice and from
several replicas at once: an advisory lock serialises them. Logs what it applied.

${EXIT_CODES_HELP}`;

export type MigrateCommand = { kind: "migrate" };

export function parseMigrateCommand(argv: readonly string[]): MigrateCommand | Help {
  const { values, positionals } = parseOptions(argv, MIGRATE_USAGE, {}, true);
  if (values.help) return { kind: "help", text: MIGRATE_USAGE };
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, MIGRATE_USAGE);
  return { kind: "migrate" };
}
