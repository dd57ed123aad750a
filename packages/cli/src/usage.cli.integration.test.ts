import { type CliRun, runCli } from "./testing/run-cli";

// Help and usage errors never reach a server: these point at ones that are not there.
const NOWHERE = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere", KAFKA_BROKERS: "127.0.0.1:1", REDIS_URL: "redis://127.0.0.1:1" };
const run = (...args: string[]) => runCli(args, NOWHERE);

/** Runs every command line at once (each is a process of its own). */
async function runAll(lines: string[][]): Promise<Map<string, CliRun>> {
  const results = await Promise.all(lines.map((args) => run(...args)));
  return new Map(lines.map((args, index) => [args.join(" "), results[index]!]));
}

describe("analytics CLI usage", () => {
  it("prints help and exits 0 for every command and subcommand, with the exit codes documented", async () => {
    const helps: Array<[string[], string]> = [
      [["--help"], "Usage: analytics <command>"],
      [["migrate", "--help"], "Usage: analytics migrate"],
      [["api-key", "--help"], "Usage: api-key <command>"],
      [["api-key", "create", "--help"], "Usage: api-key create"],
      [["api-key", "list", "--help"], "Usage: api-key list"],
      [["api-key", "revoke", "--help"], "Usage: api-key revoke"],
      [["event-type", "--help"], "Usage: analytics event-type <command>"],
      [["event-type", "define", "--help"], "Usage: analytics event-type define NAME --schema FILE"],
      [["event-type", "list", "-h"], "Usage: analytics event-type list"],
      [["dead-letters", "--help"], "Usage: analytics dead-letters <command>"],
      [["dead-letters", "list", "--help"], "Usage: analytics dead-letters list"],
      [["dead-letters", "replay", "--help"], "Usage: analytics dead-letters replay"],
      [["demo", "--help"], "Usage: analytics demo"],
      [["retention", "--help"], "Usage: retention <command>"],
      [["retention", "run", "--help"], "Usage: retention run"],
      [["rollups", "--help"], "Usage: analytics rollups <command>"],
      [["rollups", "rebuild", "--help"], "Usage: analytics rollups rebuild --from WHEN --to WHEN"],
      [["trading", "--help"], "Usage: analytics trading <figure>"],
      [["trading", "orders", "--help"], "Usage: analytics trading orders [--from WHEN] [--to WHEN] [--by symbol|strategy|side]"],
      [["trading", "positions", "--help"], "Usage: analytics trading positions [--at WHEN]"],
    ];
    const results = await runAll(helps.map(([args]) => args));
    for (const [args, heading] of helps) {
      const result = results.get(args.join(" "))!;
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: "" });
      expect(result.stdout).toContain(heading);
      // Every command's own help documents the exit codes (subcommands of core's CLIs defer to theirs).
      if (args.length <= 2 && args.at(-1) === "--help") expect(result.stdout).toMatch(/Exit codes: 0 .*1 .*2 usage error/s);
    }
    const main = results.get("--help")!.stdout;
    for (const command of ["migrate", "api-key create|list|revoke", "event-type define|list", "dead-letters list|replay", "demo", "retention run", "rollups rebuild", "set-aside list", "trading <figure>"]) {
      expect(main).toContain(command);
    }
    expect(results.get("dead-letters replay --help")!.stdout).toContain("event_id");
  });

  it("exits 2 with the message and the usage on stderr for a usage error in every command", async () => {
    const mistakes: Array<[string[], RegExp]> = [
      [[], /^analytics: a command is required/],
      [["frobnicate"], /^analytics: unknown command "frobnicate"/],
      [["migrate", "--force"], /^analytics migrate: Unknown option '--force'/],
      [["api-key", "create", "--name", "x", "--scopes", "root"], /^api-key: --scopes: unknown scope "root"/],
      [["event-type", "define", "Bad Name", "--schema", "x.json"], /^analytics event-type: NAME "Bad Name": must be a dotted lower-case name/],
      [["event-type", "define", "custom.x"], /^analytics event-type: --schema is required/],
      [["dead-letters", "replay", "--since", "yesterday"], /^analytics dead-letters: --since: an RFC 3339 time/],
      [["dead-letters", "purge"], /^analytics dead-letters: unknown command "purge"/],
      [["demo", "--rate", "-5"], /^analytics demo: /],
      [["demo", "--events", "0"], /^analytics demo: --events: a whole number from 1/],
      [["retention", "vacuum"], /^retention: unknown command "vacuum"/],
      [["rollups", "rebuild", "--from", "2025-01-02T00:00:00Z", "--to", "2025-01-01T00:00:00Z"], /^analytics rollups: --to must be later than --from/],
      [["rollups", "rebuild", "--from", "2025-01-01", "--to", "2025-01-02T00:00:00"], /^analytics rollups: --to: an RFC 3339 time/],
      [["trading", "fills"], /^analytics trading: unknown figure "fills"/],
      [["trading", "orders", "--by", "venue"], /^analytics trading: --by must be one of symbol, strategy, side/],
    ];
    const results = await runAll(mistakes.map(([args]) => args));
    for (const [args, message] of mistakes) {
      const result = results.get(args.join(" "))!;
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: "" });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain("Usage: ");
    }
  });
});
