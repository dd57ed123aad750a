import { isHelp, parseOptions, parseSince, stringOption } from "../args";
import { EXIT_CODES_HELP, UsageError } from "../cli-errors";
import type { Help } from "../command";

export type DeadLettersCommand =
  | { kind: "list"; since: Date | undefined; json: boolean }
  | { kind: "replay"; since: Date | undefined; dryRun: boolean; json: boolean; toTopic: string | undefined };

const SINCE_HELP = `  --since WHEN   only letters dead-lettered at or after WHEN: an RFC 3339 time
                 (2025-01-31T09:00:00Z, or a date 2025-01-31) or a duration back from now
                 (30m, 6h, 2d); default: from the beginning of the topic`;

export const DEAD_LETTERS_USAGE = {
  main: `Usage: analytics dead-letters <command> [options]

The ingester writes every message it can never store, byte for byte, to the dead-letter topic
(kafka.dead_letter_topic) with headers saying why (error_class, error_message) and where it
came from (source_topic, source_partition, source_offset).

Commands:
  list     print the dead letters: reason, message, source position, a preview of the value
  replay   re-validate them with the ingester's rules and the current custom definitions;
           re-publish the ones that now pass to their source topic

Run "analytics dead-letters <command> --help" for a command's options.
${EXIT_CODES_HELP}`,
  list: `Usage: analytics dead-letters list [--since WHEN] [--json]

Reads the dead-letter topic up to its current end (nothing is consumed for good: a throwaway
consumer group reads and is deleted) and prints each letter, oldest first.

${SINCE_HELP}
  --json         print a JSON array (value as UTF-8 text, or base64 when it is not UTF-8)

${EXIT_CODES_HELP}`,
  replay: `Usage: analytics dead-letters replay [--since WHEN] [--to-topic TOPIC] [--dry-run] [--json]

Use after fixing what made events fail, typically a custom event definition
(analytics event-type define …). Reads the dead-letter topic up to its current end and judges
each letter's original bytes again exactly as the ingester does: size, UTF-8, JSON, envelope,
timestamp skew, and the event type's schema with the custom definitions active now. The ones
that pass are re-published to their source topic and partition with their original key; the
rest are counted by reason. The dead-letter topic itself is not changed. Letters are read,
judged and re-published in batches of at most 500, so memory stays bounded however many there
are.

Only the ingest topics (kafka.topics) are written to: a letter whose source_topic header names
any other topic (headers can be forged) is refused and counted, unless --to-topic says where
every passing letter goes.

Never stored twice: the ingester de-duplicates by event_id, and an event sent without one gets
its id from where it was in Kafka (a UUID v5 of source topic/partition/offset). A re-published
copy sits at a new offset, so replay writes the id its original position gives it into the
JSON ("event_id") when it has none. Replaying the same letters again, or a letter whose event
was stored after all, stores nothing new. Letters for one source position seen twice are
re-published once. An event without a "timestamp" takes its time from the Kafka timestamp: the
copy carries the dead letter's (the original's is not kept), written when it first arrived.

${SINCE_HELP}
  --to-topic TOPIC  re-publish every letter that passes to TOPIC (placed by its key),
                 whatever its source_topic header says
  --dry-run      judge and report, re-publish nothing
  --json         print the report as JSON

Exit codes: 0 done (also when some letters still fail: the report counts them by reason),
1 failed (configuration, database, Kafka), 2 usage error.`,
} as const;

export function parseDeadLettersCommand(argv: readonly string[], now: Date): DeadLettersCommand | Help {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError("a command is required (list or replay)", DEAD_LETTERS_USAGE.main);
  if (isHelp(command)) return { kind: "help", text: DEAD_LETTERS_USAGE.main };
  switch (command) {
    case "list": {
      const usage = DEAD_LETTERS_USAGE.list;
      const { values, positionals } = parseOptions(rest, usage, { since: { type: "string" }, json: { type: "boolean" } }, true);
      if (values.help) return { kind: "help", text: usage };
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, usage);
      return { kind: "list", since: since(values, usage, now), json: values.json === true };
    }
    case "replay": {
      const usage = DEAD_LETTERS_USAGE.replay;
      const { values, positionals } = parseOptions(
        rest,
        usage,
        { since: { type: "string" }, "to-topic": { type: "string" }, "dry-run": { type: "boolean" }, json: { type: "boolean" } },
        true,
      );
      if (values.help) return { kind: "help", text: usage };
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, usage);
      const toTopic = stringOption(values, "to-topic");
      if (toTopic !== undefined && !/^[A-Za-z0-9._-]{1,249}$/.test(toTopic)) {
        throw new UsageError(`--to-topic ${JSON.stringify(toTopic)}: a Kafka topic name (letters, digits, . _ -; at most 249)`, usage);
      }
      return { kind: "replay", since: since(values, usage, now), dryRun: values["dry-run"] === true, json: values.json === true, toTopic };
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`, DEAD_LETTERS_USAGE.main);
  }
}

function since(values: Record<string, string | boolean | undefined>, usage: string, now: Date): Date | undefined {
  const raw = stringOption(values, "since");
  return raw === undefined ? undefined : parseSince(raw, "since", usage, now);
}
