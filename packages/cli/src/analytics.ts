import { isHelp } from "./args";
import { CommandFailed, EXIT, EXIT_CODES_HELP, unreachableService, UsageError } from "./cli-errors";
import { type CommandGroup, commandGroup, warn, write } from "./command";
import { parseDeadLettersCommand } from "./commands/dead-letters.args";
import { parseDemoCommand } from "./commands/demo.args";
import { parseEventTypeCommand } from "./commands/event-type.args";
import { parseMigrateCommand } from "./commands/migrate.args";
import { parseRollupsCommand } from "./commands/rollups.args";
import { parseSetAsideCommand } from "./commands/set-aside.args";
import { parseTradingCommand } from "./commands/trading.args";
import { localStackDefaults, localStackHint } from "./local-stack";

// Parsing is pure and light; each command's adapters (core, kafkajs, postgres, ajv, the
// aggregator) are required only when it runs, so --help and usage errors answer at once.
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  migrate: () => require("./commands/migrate.command") as typeof import("./commands/migrate.command"),
  apiKey: () => require("./commands/api-key.command") as typeof import("./commands/api-key.command"),
  eventType: () => require("./commands/event-type.command") as typeof import("./commands/event-type.command"),
  deadLetters: () => require("./commands/dead-letters.command") as typeof import("./commands/dead-letters.command"),
  demo: () => require("./commands/demo.command") as typeof import("./commands/demo.command"),
  retention: () => require("./commands/retention.command") as typeof import("./commands/retention.command"),
  rollups: () => require("./commands/rollups.command") as typeof import("./commands/rollups.command"),
  setAside: () => require("./commands/set-aside.command") as typeof import("./commands/set-aside.command"),
  trading: () => require("./commands/trading.command") as typeof import("./commands/trading.command"),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Hands the whole argument list to a core CLI, which parses it and prints its own help. */
const passThrough = (argv: readonly string[]) => ({ kind: "argv" as const, argv });

export const COMMANDS: readonly CommandGroup[] = [
  commandGroup({
    name: "migrate",
    synopsis: "migrate",
    summary: "apply pending database migrations; create the events partitions ahead",
    parse: parseMigrateCommand,
    execute: () => load.migrate().executeMigrate(),
  }),
  commandGroup({
    name: "api-key",
    synopsis: "api-key create|list|revoke",
    summary: "manage the query-api's API keys (a new key's secret is shown once)",
    parse: passThrough,
    execute: ({ argv }) => load.apiKey().executeApiKey(argv),
  }),
  commandGroup({
    name: "event-type",
    synopsis: "event-type define|list",
    summary: "define custom event types from a JSON Schema file (versioned); list them",
    parse: parseEventTypeCommand,
    execute: (command) => load.eventType().executeEventType(command),
  }),
  commandGroup({
    name: "dead-letters",
    synopsis: "dead-letters list|replay",
    summary: "inspect the dead-letter topic; re-validate and re-publish what passes now",
    parse: (argv) => parseDeadLettersCommand(argv, new Date()),
    execute: (command) => load.deadLetters().executeDeadLetters(command),
  }),
  commandGroup({
    name: "demo",
    synopsis: "demo",
    summary: "produce realistic trading traffic at --rate N events/s, with a progress bar",
    parse: parseDemoCommand,
    execute: (command) => load.demo().executeDemo(command),
  }),
  commandGroup({
    name: "retention",
    synopsis: "retention run [--dry-run]",
    summary: "drop partitions past their retention; --dry-run lists them",
    parse: passThrough,
    execute: ({ argv }) => load.retention().executeRetention(argv),
  }),
  commandGroup({
    name: "rollups",
    synopsis: "rollups rebuild --from --to",
    summary: "recompute whole UTC days of rollups from the stored events (asks first)",
    parse: parseRollupsCommand,
    execute: (command) => load.rollups().executeRollupsRebuild(command),
  }),
  commandGroup({
    name: "set-aside",
    synopsis: "set-aside list",
    summary: "list stored events the aggregator set aside instead of folding, with the reason",
    parse: (argv) => parseSetAsideCommand(argv, new Date()),
    execute: (command) => load.setAside().executeSetAside(command),
  }),
  commandGroup({
    name: "trading",
    synopsis: "trading <figure>",
    summary: "orders, execution, pnl, positions, market-data or sessions as a table, from their SQL functions",
    parse: (argv) => parseTradingCommand(argv, new Date()),
    execute: (command) => load.trading().executeTrading(command),
  }),
];

export function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.synopsis.length));
  return `Usage: analytics <command> [options]        (from the repository: pnpm analytics <command>)

Operates the trading analytics platform: database, API keys, custom event types, dead letters,
demo traffic, retention, rollups, the events set aside from them, and the trading figures.

Commands:
${COMMANDS.map((command) => `  ${command.synopsis.padEnd(width)}   ${command.summary}`).join("\n")}

Run "analytics <command> --help" for a command's options.

Configuration: the apps' own (CONFIG_FILE, e.g. CONFIG_FILE=config.example.yaml, else ./config.yaml),
with environment overrides such as DATABASE_URL, REDIS_URL, KAFKA_BROKERS, KAFKA_DLQ_TOPIC. With no
config file, PostgreSQL, Redis and Kafka are the local stack's (pnpm stack:up) unless a variable
places them: postgres://postgres:postgres@127.0.0.1:5432/analytics, 127.0.0.1:6379, 127.0.0.1:9092.
Output for scripts goes to stdout (--json where offered); progress bars and warnings to stderr.
${EXIT_CODES_HELP}`;
}

/** Runs one command line; returns the exit code (0 done, 1 failed, 2 usage error). */
export async function runAnalytics(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    warn(`analytics: a command is required\n\n${mainUsage()}`);
    return EXIT.usage;
  }
  if (isHelp(name)) {
    write(mainUsage());
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    warn(`analytics: unknown command ${JSON.stringify(name)}\n\n${mainUsage()}`);
    return EXIT.usage;
  }
  // Into the environment itself: core's api-key and retention CLIs read it too.
  const defaults = localStackDefaults(env, cwd);
  Object.assign(env, defaults);
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      warn(`analytics ${command.name}: ${error.message}\n\n${error.usage}`);
      return EXIT.usage;
    }
    warn(failureMessage(command.name, error));
    const hint = localStackHint(defaults, unreachableService(error));
    if (hint) warn(hint);
    return EXIT.failed;
  }
}

function failureMessage(command: string, error: unknown): string {
  if (error instanceof CommandFailed) return `analytics ${command}: ${error.message}`;
  const { name: kind, message } = error instanceof Error ? error : { name: "", message: String(error) };
  // kafkajs' messages ("Connection error: connect ECONNREFUSED …") do not say which service failed.
  return `analytics ${command} failed: ${kind.startsWith("KafkaJS") ? `Kafka (kafka.brokers, KAFKA_BROKERS): ${message}` : message}`;
}
