import { execFile } from "node:child_process";
import path from "node:path";
import { createTestDatabase, freePort, type TestDatabase } from "../testing";

const CLI = path.resolve(__dirname, "../../dist/cli/retention.cli.js");
const CONFIG = path.resolve(__dirname, "../../../../config.example.yaml");
const DAY = 24 * 60 * 60 * 1000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI as an operator runs it, against the test database. */
function retention(args: string[], databaseUrl: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, CONFIG_FILE: CONFIG, DATABASE_URL: databaseUrl, LOG_LEVEL: "error" }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe("retention CLI", () => {
  let db: TestDatabase;
  const run = (...args: string[]) => retention(args, db.url);
  // config.example.yaml keeps raw events 90 days and 1m rollups 365 days.
  const oldDay = new Date(Date.now() - 120 * DAY).toISOString().slice(0, 10);
  const oldMonth = new Date(Date.now() - 500 * DAY);
  const expired = [
    `events_${oldDay.replaceAll("-", "")}`,
    `market_quotes_${oldDay.replaceAll("-", "")}`,
    `metric_rollups_minute_${oldMonth.toISOString().slice(0, 7).replace("-", "_")}`,
    `rollup_members_minute_${oldMonth.toISOString().slice(0, 7).replace("-", "_")}`,
  ];
  const present = async () =>
    (await db.sql<{ name: string }[]>`select name from unnest(${expired}::text[]) name where to_regclass(name) is not null order by 1`).map((row) => row.name);

  beforeAll(async () => {
    db = await createTestDatabase("retention_cli");
    await db.sql`select ensure_events_partition(${oldDay}::date)`;
    await db.sql`select ensure_rollup_partitions(${oldMonth}, ${oldMonth})`;
  });
  afterAll(() => db?.drop());

  it("dry run prints the partitions it would drop, per kind with their ranges, and drops nothing", async () => {
    const result = await run("run", "--dry-run");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/^Retention dry run at .* UTC: 4 partitions would be dropped/);
    expect(result.stdout).toMatch(new RegExp(`^raw_events\\s+events\\s+${expired[0]}\\s+${oldDay} 00:00\\s+\\S+ 00:00\\s+.*would drop$`, "m"));
    expect(result.stdout).toMatch(new RegExp(`^minute_aggregates\\s+metric_rollups\\s+${expired[2]}\\s+.*would drop$`, "m"));
    expect(result.stdout).toMatch(/^raw_events\s+90d\s+.*2 would be dropped$/m);
    expect(await present()).toEqual([...expired].sort());

    const json = JSON.parse((await run("run", "--dry-run", "--json")).stdout) as { dry_run: boolean; partitions: { partition: string; action: string }[] };
    expect(json.dry_run).toBe(true);
    expect(json.partitions.map((p) => p.partition).sort()).toEqual([...expired].sort());
    expect(new Set(json.partitions.map((p) => p.action))).toEqual(new Set(["would_drop"]));
  });

  it("run drops them and says so; a second run finds nothing", async () => {
    const result = await run("run");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/^Retention run at .* UTC: 4 partitions dropped/);
    expect(result.stdout).toMatch(new RegExp(`${expired[2]}\\s+.*dropped$`, "m"));
    expect(await present()).toEqual([]);
    expect((await run("run")).stdout).toMatch(/nothing to drop/);
  });

  it("exits 1 and changes nothing while another runner holds the lock", async () => {
    await db.sql`select ensure_events_partition(${oldDay}::date)`;
    const holder = await db.sql.reserve();
    try {
      await holder`select pg_advisory_lock(7204119006)`;
      const result = await run("run");
      expect(result).toMatchObject({ code: 1, stdout: "" });
      expect(result.stderr).toMatch(/another runner .* is running retention now/);
      expect(await present()).toEqual([expired[0], expired[1]]);
    } finally {
      await holder`select pg_advisory_unlock(7204119006)`;
      holder.release();
    }
  });

  it("exits 2 with the usage on a usage error, 0 on --help, 1 when the database cannot be reached", async () => {
    const port = await freePort();
    const unreachable = `postgres://postgres@127.0.0.1:${port}/nowhere`;
    const [help, runHelp, bad, none, down] = await Promise.all(
      [["--help"], ["run", "--help"], ["run", "--dryrun"], [], ["run", "--dry-run"]].map((args) => retention(args, unreachable)),
    );
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining("Commands:") });
    expect(runHelp).toMatchObject({ code: 0, stdout: expect.stringContaining("--dry-run") });
    expect(bad).toMatchObject({ code: 2, stdout: "" });
    expect(bad!.stderr).toMatch(/^retention: Unknown option '--dryrun'/);
    expect(bad!.stderr).toContain("Usage: retention run");
    expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining("Usage: retention <command>") });
    expect(down!.code).toBe(1);
    expect(down!.stderr).toMatch(/^retention failed: .*ECONNREFUSED/);
  });
});
