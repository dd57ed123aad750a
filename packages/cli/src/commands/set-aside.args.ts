import { SET_ASIDE_REASONS, type SetAsideReason } from "@trading-analytics/core";
import { integerOption, isHelp, parseOptions, parseSince, stringOption } from "../args";
import { EXIT_CODES_HELP, UsageError } from "../cli-errors";
import type { Help } from "../command";

export type SetAsideCommand = { kind: "list"; from: Date; to: Date; reason: SetAsideReason | undefined; limit: number; json: boolean };

const DEFAULT_SINCE_MS = 7 * 86_400_000;
export const MAX_LIST_LIMIT = 100_000;

export const SET_ASIDE_USAGE = {
  main: `Usage: analytics set-aside <command> [options]

Commands:
  list   stored events the aggregator set aside instead of folding into rollups, with the reason

Run "analytics set-aside list --help" for its options.
${EXIT_CODES_HELP}`,
  list: `Usage: analytics set-aside list [--since WHEN] [--until WHEN] [--reason REASON] [--limit N] [--json]

Lists the events in set_aside_events, oldest first by when they were set aside: events stored
but left out of every rollup because a measure was out of range (beyond ±1e15, see
MAX_MEASURE_MAGNITUDE) or not finite, or because folding them failed on their own cycle after
cycle (fold_failed, with the error). docs/operations.md says what to do with each.

  --since WHEN     RFC 3339 time or a duration back from now (2h, 7d); default 7d
  --until WHEN     RFC 3339 time or a duration back from now; default now
  --reason REASON  only this reason: ${SET_ASIDE_REASONS.join(", ")}
  --limit N        at most N events, 1..${MAX_LIST_LIMIT}; default 100
  --json           one JSON array on stdout

${EXIT_CODES_HELP}`,
} as const;

export function parseSetAsideCommand(argv: readonly string[], now: Date): SetAsideCommand | Help {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError("a command is required (list)", SET_ASIDE_USAGE.main);
  if (isHelp(command)) return { kind: "help", text: SET_ASIDE_USAGE.main };
  if (command !== "list") throw new UsageError(`unknown command ${JSON.stringify(command)}`, SET_ASIDE_USAGE.main);
  const usage = SET_ASIDE_USAGE.list;
  const { values } = parseOptions(rest, usage, {
    since: { type: "string" },
    until: { type: "string" },
    reason: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) return { kind: "help", text: usage };
  const since = stringOption(values, "since");
  const until = stringOption(values, "until");
  const to = until === undefined ? now : parseSince(until, "until", usage, now);
  const from = since === undefined ? new Date(to.getTime() - DEFAULT_SINCE_MS) : parseSince(since, "since", usage, now);
  if (from.getTime() >= to.getTime()) throw new UsageError("--since must be before --until", usage);
  const reason = stringOption(values, "reason");
  if (reason !== undefined && !(SET_ASIDE_REASONS as readonly string[]).includes(reason)) {
    throw new UsageError(`--reason must be one of ${SET_ASIDE_REASONS.join(", ")}`, usage);
  }
  const limit = integerOption(stringOption(values, "limit"), "limit", usage, 1, MAX_LIST_LIMIT) ?? 100;
  return { kind: "list", from, to, reason: reason as SetAsideReason | undefined, limit, json: values.json === true };
}
