import { IngesterHarness, makeEvents } from "../testing/ingester-harness";
import { KILL_AFTER_DB_COMMIT_ENV, KILL_AFTER_DB_COMMIT_MARKER } from "@trading-analytics/core";

/**
 * The fault hook on a real ingester process: it must die exactly between the two commits, with
 * the chunk's rows in PostgreSQL and no offset in Kafka, and the re-delivery after it must
 * store nothing twice.
 */
describe(`${KILL_AFTER_DB_COMMIT_ENV} (fault injection)`, () => {
  let harness: IngesterHarness | undefined;

  afterEach(async () => {
    await harness?.cleanup();
    harness = undefined;
  });

  it("SIGKILLs the process after a chunk's rows are committed and before its offset is; a restart stores each event once", async () => {
    harness = await IngesterHarness.create({ prefix: "kill_after_db_commit", partitions: 1 });
    const armed = await harness.startReplica({ [KILL_AFTER_DB_COMMIT_ENV]: "every:1" });
    const events = makeEvents(500, 1);
    await harness.produce(events);

    expect(await armed.exited).toBe("SIGKILL");
    const line = armed
      .output()
      .split("\n")
      .find((entry) => entry.includes(KILL_AFTER_DB_COMMIT_MARKER));
    expect(line).toBeDefined();
    const announced = JSON.parse(line!) as { partition: number; lastOffset: string; inserted: number };
    // Rows committed: exactly the announced chunk's, up to its last offset.
    const [stored] = await harness.db.sql<{ rows: number; last: string }[]>`
      select count(*)::int as rows, max(source_offset)::text as last from events`;
    expect(announced.inserted).toBeGreaterThan(0);
    expect(stored).toEqual({ rows: announced.inserted, last: announced.lastOffset });
    // Offsets not committed: the group has nothing for the partition.
    expect(await harness.committedOffsets()).toEqual(new Map([[0, -1n]]));

    await harness.startReplica();
    await harness.waitUntilCaughtUp();
    expect(await harness.counts()).toEqual({ rows: events.length, distinct: events.length });
  }, 90_000);

  it("is not wired into the production entry point: dist/main.js ignores the variable and stores everything", async () => {
    harness = await IngesterHarness.create({ prefix: "kill_hook_not_in_main", partitions: 1 });
    const production = await harness.startReplica({ [KILL_AFTER_DB_COMMIT_ENV]: "every:1" }, "main");
    const events = makeEvents(500, 1);
    await harness.produce(events);
    await harness.waitUntilCaughtUp();
    expect(await harness.counts()).toEqual({ rows: events.length, distinct: events.length });
    expect(production.child.exitCode).toBeNull();
    expect(production.output()).not.toContain(KILL_AFTER_DB_COMMIT_MARKER);
  }, 90_000);
});
