import { isHelp, parseOptions, requiredString, stringOption } from "../args";
import { EXIT_CODES_HELP, UsageError } from "../cli-errors";
import type { Help } from "../command";

export type EventTypeCommand =
  | { kind: "define"; name: string; schemaFile: string; displayName: string | undefined; description: string | undefined; json: boolean }
  | { kind: "list"; name: string | undefined; json: boolean };

export const EVENT_TYPE_USAGE = {
  main: `Usage: analytics event-type <command> [options]

Custom event types: the properties an event of a custom type must have, as a JSON Schema.
The ingester dead-letters custom events that do not match their type's active definition.

Commands:
  define NAME --schema FILE   define a type, or a new version of it, from a JSON Schema file
  list [NAME]                 every custom type (latest versions), or every version of NAME

Run "analytics event-type <command> --help" for a command's options.
${EXIT_CODES_HELP}`,
  define: `Usage: analytics event-type define NAME --schema FILE [--display-name TEXT] [--description TEXT] [--json]

Defines the custom event type NAME (a dotted lower-case name such as custom.trading.signal)
from a JSON Schema file that an event's "properties" must match. The first definition of a
name is version 1; defining it again stores version 2, 3, … and makes that the active one
(old versions are kept). The schema must pass the ingester's own check: synchronous (no
$async), patterns RE2 can run (no backreferences or lookaround) of at most 64 RE2
instructions per value, every $ref a JSON pointer into the schema and none looping back without
descending into the event, at most 10,000 subschemas applied to one value ($refs expanded),
at most 64 KiB and 32 levels deep, uniqueItems bounded by maxItems <= 1000 unless the items
are scalars, no $id another active type declares, and compiled by ajv. If it does not, nothing
is stored and the reason is printed (exit 1).
Running ingesters are told over Redis at once; without Redis they notice within
analytics.ingestion.schema_refresh_interval.

  --schema FILE         JSON Schema for the event's properties
  --display-name TEXT   a human name (default: the current version's)
  --description TEXT    what the event means (default: the current version's)
  --json                print the stored definition as JSON

Example:
  pnpm analytics event-type define custom.trading.signal --schema ./signal.schema.json \\
    --display-name "Trading signal"

${EXIT_CODES_HELP}`,
  list: `Usage: analytics event-type list [NAME] [--json]

Without NAME: every custom event type at its latest version (active or not).
With NAME: every version of that type, oldest first, with its schema.

  --json   print a JSON array

${EXIT_CODES_HELP}`,
} as const;

export function parseEventTypeCommand(argv: readonly string[]): EventTypeCommand | Help {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError("a command is required (define or list)", EVENT_TYPE_USAGE.main);
  if (isHelp(command)) return { kind: "help", text: EVENT_TYPE_USAGE.main };
  switch (command) {
    case "define":
      return parseDefine(rest);
    case "list":
      return parseList(rest);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`, EVENT_TYPE_USAGE.main);
  }
}

function parseDefine(args: string[]): EventTypeCommand | Help {
  const usage = EVENT_TYPE_USAGE.define;
  const { values, positionals } = parseOptions(
    args,
    usage,
    { schema: { type: "string" }, "display-name": { type: "string" }, description: { type: "string" }, json: { type: "boolean" } },
    true,
  );
  if (values.help) return { kind: "help", text: usage };
  if (positionals.length !== 1) throw new UsageError("exactly one event type NAME is required", usage);
  return {
    kind: "define",
    name: positionals[0]!,
    schemaFile: requiredString(values, "schema", usage),
    displayName: stringOption(values, "display-name"),
    description: stringOption(values, "description"),
    json: values.json === true,
  };
}

function parseList(args: string[]): EventTypeCommand | Help {
  const usage = EVENT_TYPE_USAGE.list;
  const { values, positionals } = parseOptions(args, usage, { json: { type: "boolean" } }, true);
  if (values.help) return { kind: "help", text: usage };
  if (positionals.length > 1) throw new UsageError("at most one NAME", usage);
  return { kind: "list", name: positionals[0], json: values.json === true };
}
