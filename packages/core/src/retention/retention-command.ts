import { parseArgs } from "node:util";
import { errorMessage } from "../errors";

// Argument parsing for `pnpm retention`, apart from the I/O so it is tested without a process.

export type RetentionCommand = { kind: "help"; text: string } | { kind: "run"; dryRun: boolean; json: boolean };

/** A mistake in how the command was called: exit code 2 with the message and the usage. */
export class RetentionUsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = "RetentionUsageError";
  }
}

export const RETENTION_USAGE = {
  main: `Usage: retention <command> [options]

Drops partitions whose data is older than its kind's retention (analytics.retention in the
configured CONFIG_FILE / environment): raw events and event ids by day, rollups by month (1d
rollups by year). Whole partitions only: never a large DELETE.

Commands:
  run      drop what is expired (--dry-run: list it, change nothing)

Run "retention run --help" for its options.
Exit codes: 0 done, 1 failed (database, a partition not dropped, another runner busy), 2 usage error.`,
  run: `Usage: retention run [--dry-run] [--json]

Stores the configured policy in retention_settings and runs cleanup_old_data() (the same job
as the aggregators' and as SELECT cleanup_old_data() in psql): creates partitions ahead, drops
every partition past retention and deletes the rows of the dropped days (event ids, set-aside
records, orders) and late_events rows recorded before the raw_events cutoff. Prints each
partition with its kind, table and range. Takes the same advisory lock as the aggregators'
scheduled job: if one of them is running retention right now, exits 1 and changes nothing.

  --dry-run   list the partitions (and rows) that would go with this configuration; change nothing
  --json      print the result as JSON`,
} as const;

export function parseRetentionCommand(argv: readonly string[]): RetentionCommand {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      throw new RetentionUsageError("a command is required", RETENTION_USAGE.main);
    case "-h":
    case "--help":
    case "help":
      return { kind: "help", text: RETENTION_USAGE.main };
    case "run":
      return parseRun(rest);
    default:
      throw new RetentionUsageError(`unknown command ${JSON.stringify(command)}`, RETENTION_USAGE.main);
  }
}

function parseRun(args: string[]): RetentionCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { "dry-run": { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // parseArgs' own messages are clear ("Unknown option '--dryrun'"); keep them.
    throw new RetentionUsageError(errorMessage(error), RETENTION_USAGE.run);
  }
  if (values.help) return { kind: "help", text: RETENTION_USAGE.run };
  return { kind: "run", dryRun: values["dry-run"] === true, json: values.json === true };
}
