import { randomUUID } from "node:crypto";
import { SetAsideEventsRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { parseSetAsideCommand } from "./commands/set-aside.args";
import { runCli } from "./testing/run-cli";

describe("analytics set-aside", () => {
  let db: TestDatabase;
  const run = (...args: string[]) => runCli(args, { DATABASE_URL: db.url });
  const poison = randomUUID();
  const failing = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase("cli_set_aside");
    await new SetAsideEventsRepository(db.sql).record(db.sql, [
      { eventId: poison, eventTime: new Date("2026-01-02T03:04:05Z"), eventType: "order.filled", reason: "measure_out_of_range", detail: "price=1e+200 is beyond ±1000000000000000" },
      { eventId: failing, eventTime: new Date("2026-01-02T03:04:06Z"), eventType: "order.placed", reason: "fold_failed", detail: "RangeError: Invalid array length" },
    ]);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("list prints each set-aside event with its reason and detail", async () => {
    const listed = await run("set-aside", "list");
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    expect(listed.stdout).toMatch(/SET ASIDE AT\s+EVENT ID\s+EVENT TIME\s+TYPE\s+REASON\s+DETAIL/);
    expect(listed.stdout).toContain(`${poison}  2026-01-02 03:04:05  order.filled  measure_out_of_range  price=1e+200 is beyond ±1000000000000000`);
    expect(listed.stdout).toContain("fold_failed");
  });

  it("list --json --reason filters and prints one JSON array", async () => {
    const listed = await run("set-aside", "list", "--json", "--reason", "fold_failed");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      { event_id: failing, event_time: "2026-01-02T03:04:06.000Z", event_type: "order.placed", reason: "fold_failed", detail: "RangeError: Invalid array length", set_aside_at: expect.any(String) },
    ]);
  });

  it("refuses an unknown reason or a reversed range with exit 2", async () => {
    expect(await run("set-aside", "list", "--reason", "bogus")).toMatchObject({ code: 2, stderr: expect.stringContaining("--reason must be one of") });
    expect(await run("set-aside", "list", "--since", "1h", "--until", "2h")).toMatchObject({ code: 2, stderr: expect.stringContaining("--since must be before --until") });
  });
});

describe("parseSetAsideCommand", () => {
  const now = new Date("2026-12-07T00:00:00Z");

  it("defaults to the last 7 days, 100 events", () => {
    expect(parseSetAsideCommand(["list"], now)).toEqual({ kind: "list", from: new Date("2026-11-30T00:00:00Z"), to: now, reason: undefined, limit: 100, json: false });
  });

  it("reads durations and times, a reason and a limit", () => {
    expect(parseSetAsideCommand(["list", "--since", "2h", "--until", "2026-12-06T23:00:00Z", "--reason", "measure_not_finite", "--limit", "5"], now)).toEqual({
      kind: "list",
      from: new Date("2026-12-06T22:00:00Z"),
      to: new Date("2026-12-06T23:00:00Z"),
      reason: "measure_not_finite",
      limit: 5,
      json: false,
    });
  });
});
