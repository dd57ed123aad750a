import type { ExpiredPartition, RetentionPlan } from "./retention-plan";
import { formatRetentionReport, retentionReportJson } from "./retention-report";
import type { RetentionRunResult } from "./retention-runner";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

const OLD_DAY: ExpiredPartition = {
  table: "events",
  name: "events_20200101",
  parent: "events",
  from: new Date("2020-01-01T00:00:00Z"),
  to: new Date("2020-01-02T00:00:00Z"),
  kind: "raw_events",
  method: "detach_concurrently",
  detachPending: false,
  bytes: 3 * 1024 * 1024,
};
const OLD_MONTH: ExpiredPartition = {
  ...OLD_DAY,
  table: "metric_rollups",
  name: "metric_rollups_minute_2020_01",
  parent: "metric_rollups_minute",
  to: new Date("2020-02-01T00:00:00Z"),
  kind: "minute_aggregates",
  method: "drop",
  bytes: 16384,
};
const NO_ROWS = { event_ids: 0, set_aside_events: 0, late_events: 0, order_analytics: 0, series_blocks: 0, order_fills: 0, positions: 0, user_sessions: 0, market_quote_bins: 0 };

type Finished = Extract<RetentionRunResult, { status: "done" }>;
function finished(fields: Partial<Finished> & Pick<Finished, "dryRun" | "partitions">): Finished {
  return { status: "done", plan, lateEvents: 0, eventIds: 0, rows: NO_ROWS, created: 0, createFailures: [], ...fields };
}

// Cutoffs as cleanup_old_data() reports them for 90d / 365d / 730d / 3650d.
const plan: RetentionPlan = {
  now: NOW,
  cutoffs: { raw_events: ago(90), minute_aggregates: ago(365), hour_aggregates: ago(730), daily_aggregates: ago(3650) },
  kept: 10,
  unclassified: [],
};
const expired = [OLD_DAY, OLD_MONTH];

describe("retention report", () => {
  it("lists each partition with its kind, table, range and size, and what a dry run would do", () => {
    const text = formatRetentionReport(finished({ dryRun: true, partitions: expired.map((partition) => ({ partition })), lateEvents: 2 }));
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
    const partitions = [{ partition: OLD_DAY }, { partition: OLD_MONTH, error: "canceling statement due to lock timeout" }];
    const result = finished({ dryRun: false, partitions, eventIds: 3, rows: { ...NO_ROWS, event_ids: 3, order_analytics: 2 }, created: 4 });
    expect(formatRetentionReport(result)).toMatch(/1 partition dropped \(3\.0 MB\), 1 failed\./);
    expect(formatRetentionReport(result)).toMatch(/FAILED: canceling statement due to lock timeout/);
    expect(retentionReportJson(result)).toMatchObject({
      dry_run: false,
      partitions: [
        { kind: "raw_events", table: "events", partition: "events_20200101", from: "2020-01-01T00:00:00.000Z", action: "dropped" },
        { kind: "minute_aggregates", action: "failed", error: "canceling statement due to lock timeout" },
      ],
      late_events: { rows: 0, action: "deleted" },
      rows: { event_ids: 3, order_analytics: 2, action: "deleted" },
      partitions_created: 4,
    });
    expect(formatRetentionReport(result)).toContain("Also deleted: 0 set-aside records, 2 order_analytics rows, 0 series blocks.");
  });

  it("says so when nothing is past retention", () => {
    const text = formatRetentionReport(finished({ dryRun: false, partitions: [] }));
    expect(text.split("\n")[0]).toBe("Retention run at 2026-06-15 12:00 UTC: nothing to drop, no partition is past its retention.");
  });
});
