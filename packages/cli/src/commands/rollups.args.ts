import type { Config } from "@trading-analytics/core";
import { isHelp, parseOptions, parseRfc3339, requiredString } from "../args";
import { EXIT_CODES_HELP, UsageError } from "../cli-errors";
import type { Help } from "../command";

export type RollupsCommand = { kind: "rebuild"; from: Date; to: Date; yes: boolean; json: boolean };

export const ROLLUPS_USAGE = {
  main: `Usage: analytics rollups <command> [options]

Commands:
  rebuild --from WHEN --to WHEN   recompute whole UTC days of rollups from the stored events

Run "analytics rollups rebuild --help" for its options.
${EXIT_CODES_HELP}`,
  rebuild: `Usage: analytics rollups rebuild --from WHEN --to WHEN [--yes] [--json]

Recomputes the rollups (every configured interval, analytics.aggregation in the configuration)
of whole UTC days from the stored events: after changing dimensions or measures, after a fix,
or after correcting events. Every day overlapping [--from, --to) is rebuilt whole. Each day is
one transaction: it waits for the running aggregation cycle, deletes the day's rollups,
refolds the day's events the aggregator had already folded and gives the aggregation cursor a
new version, so every aggregator drops its cached rollups; events not folded yet are left to
the aggregator, so nothing counts twice. The query-api's cache is told over Redis.

It rewrites rollups, so it asks for confirmation first (any answer but "y" exits 1, nothing
changed); --yes skips the question, and is required when stdin is not a terminal.

  --from WHEN   RFC 3339 time or date (2025-01-30T00:00:00Z, 2025-01-30)
  --to WHEN     RFC 3339 time or date, later than --from (exclusive)
  --yes         do not ask for confirmation
  --json        print the days rebuilt as a JSON array

${EXIT_CODES_HELP}`,
} as const;

/** More days than this is almost surely a typo in a year. */
export const MAX_REBUILD_DAYS = 3_660;
const DAY_MS = 86_400_000;

export function parseRollupsCommand(argv: readonly string[]): RollupsCommand | Help {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError("a command is required (rebuild)", ROLLUPS_USAGE.main);
  if (isHelp(command)) return { kind: "help", text: ROLLUPS_USAGE.main };
  if (command !== "rebuild") throw new UsageError(`unknown command ${JSON.stringify(command)}`, ROLLUPS_USAGE.main);
  const usage = ROLLUPS_USAGE.rebuild;
  const { values, positionals } = parseOptions(
    rest,
    usage,
    { from: { type: "string" }, to: { type: "string" }, yes: { type: "boolean", short: "y" }, json: { type: "boolean" } },
    true,
  );
  if (values.help) return { kind: "help", text: usage };
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, usage);
  const from = parseRfc3339(requiredString(values, "from", usage), "from", usage);
  const to = parseRfc3339(requiredString(values, "to", usage), "to", usage);
  if (to.getTime() <= from.getTime()) throw new UsageError("--to must be later than --from", usage);
  const days = Math.ceil(to.getTime() / DAY_MS) - Math.floor(from.getTime() / DAY_MS);
  if (days > MAX_REBUILD_DAYS) throw new UsageError(`--from … --to spans ${days} days; at most ${MAX_REBUILD_DAYS} at once`, usage);
  return { kind: "rebuild", from, to, yes: values.yes === true, json: values.json === true };
}

/** What the aggregator rolls up, read from the configuration as the aggregator's main.ts reads it. */
export function rollupPlanOptions(config: Config) {
  const settings = config.analytics.aggregation;
  return {
    intervals: settings.intervals,
    dimensions: settings.dimensions,
    measures: settings.measures,
    allowedLatenessMs: settings.allowed_lateness,
  };
}

/** "2025-01-30" or "2025-01-30 … 2025-02-02 (4 days)". */
export function daysText(days: readonly Date[]): string {
  const day = (date: Date) => date.toISOString().slice(0, 10);
  if (days.length === 1) return day(days[0]!);
  return `${day(days[0]!)} … ${day(days[days.length - 1]!)} (${days.length} days)`;
}
