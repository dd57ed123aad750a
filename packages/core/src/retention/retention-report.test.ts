import { planRetention, type StoredPartition } from "./retention-plan";
import type { RetentionPolicy } from "./retention-policy";
import { formatRetentionReport, retentionReportJson } from "./retention-report";

const DAY = 24 * 60 * 60 * 1000;
const POLICY: RetentionPolicy = { raw_events: 90 * DAY, minute_aggregates: 365 * DAY, hour_aggregates: 730 * DAY, daily_aggregates: 3650 * DAY };
const NOW = new Date("2026-06-15T12:00:00Z");

const OLD_DAY: StoredPartition = {
  table: "events",
  name: "events_20200101",
  parent: "events",
  parentBound: null,
  from: new Date("2020-01-01T00:00:00Z"),
  to: new Date("2020-01-02T00:00:00Z"),
  isDefault: false,
  parentHasDefault: false,
  detachPending: false,
  bytes: 3 * 1024 * 1024,
};
const OLD_MONTH: StoredPartition = {
  ...OLD_DAY,
  table: "metric_rollups",
  name: "metric_rollups_minute_2020_01",
  parent: "metric_rollups_minute",
  parentBound: "FOR VALUES IN ('1m', '5m', '15m')",
  to: new Date("2020-02-01T00:00:00Z"),
  parentHasDefault: true,
  bytes: 16384,
};

describe("retention report", () => {
  const plan = planRetention([OLD_DAY, OLD_MONTH], POLICY, NOW);

  it("lists each partition with its kind, table, range and size, and what a dry run would do", () => {
    const text = formatRetentionReport({ status: "done", dryRun: true, plan, partitions: plan.expired.map((partition) => ({ partition })), lateEvents: 2, eventIds: 0, created: 0 });
    const lines = text.split("\n");
    expect(lines[0]).toBe("Retention dry run at 2026-06-15 12:00 UTC: 2 partitions would be dropped (3.0 MB).");
    expect(lines[2]).toMatch(/^KIND\s+TABLE\s+PARTITION\s+FROM \(UTC\)\s+TO \(UTC\)\s+SIZE\s+ACTION$/);
    expect(lines[3]).toMatch(/^raw_events\s+events\s+events_20200101\s+2020-01-01 00:00\s+2020-01-02 00:00\s+3\.0 MB\s+would drop$/);
    expect(lines[4]).toMatch(/^minute_aggregates\s+metric_rollups\s+metric_rollups_minute_2020_01\s+2020-01-01 00:00\s+2020-02-01 00:00\s+16 kB\s+would drop$/);
    expect(text).toMatch(/^raw_events\s+90d\s+2026-03-17 12:00\s+1 would be dropped$/m);
    expect(text).toMatch(/^daily_aggregates\s+3650d\s+2016-06-17 12:00\s+0 would be dropped$/m);
    expect(text).toContain("late_events: 2 rows recorded before 2026-03-17 12:00 UTC would be deleted.");
  });

  it("says which drops failed, and gives scripts the same as JSON", () => {
    const partitions = [{ partition: plan.expired[0]! }, { partition: plan.expired[1]!, error: "canceling statement due to lock timeout" }];
    const result = { status: "done" as const, dryRun: false, plan, partitions, lateEvents: 0, eventIds: 3, created: 4 };
    expect(formatRetentionReport(result)).toMatch(/1 partition dropped \(3\.0 MB\), 1 failed\./);
    expect(formatRetentionReport(result)).toMatch(/FAILED: canceling statement due to lock timeout/);
    expect(retentionReportJson(result)).toMatchObject({
      dry_run: false,
      partitions: [
        { kind: "raw_events", table: "events", partition: "events_20200101", from: "2020-01-01T00:00:00.000Z", action: "dropped" },
        { kind: "minute_aggregates", action: "failed", error: "canceling statement due to lock timeout" },
      ],
      late_events: { rows: 0, action: "deleted" },
      partitions_created: 4,
    });
  });

  it("says so when nothing is past retention", () => {
    const empty = planRetention([], POLICY, NOW);
    const text = formatRetentionReport({ status: "done", dryRun: false, plan: empty, partitions: [], lateEvents: 0, eventIds: 0, created: 0 });
    expect(text.split("\n")[0]).toBe("Retention run at 2026-06-15 12:00 UTC: nothing to drop, no partition is past its retention.");
  });
});
