import { parseListBound, planRetention, type StoredPartition } from "./retention-plan";
import type { RetentionPolicy } from "./retention-policy";

const DAY = 24 * 60 * 60 * 1000;
const POLICY: RetentionPolicy = { raw_events: 90 * DAY, minute_aggregates: 365 * DAY, hour_aggregates: 730 * DAY, daily_aggregates: 3650 * DAY };
const NOW = new Date("2026-06-15T12:00:00Z");

const MINUTE_KIND = "FOR VALUES IN ('1m', '5m', '15m')";
const HOUR_KIND = "FOR VALUES IN ('1h')";
const DAY_KIND = "FOR VALUES IN ('1d')";

function partition(table: string, name: string, from: string | null, to: string | null, extra: Partial<StoredPartition> = {}): StoredPartition {
  const parentBound = { minute: MINUTE_KIND, hour: HOUR_KIND, day: DAY_KIND }[name.split("_")[2] ?? ""] ?? null;
  return {
    table,
    name,
    parent: parentBound === null ? table : name.split("_").slice(0, 3).join("_"),
    parentBound: table === "events" || table === "event_ids" ? null : parentBound,
    from: from === null ? null : new Date(from),
    to: to === null ? null : new Date(to),
    isDefault: from === null && to === null,
    parentHasDefault: table === "metric_rollups" || table === "rollup_members",
    detachPending: false,
    bytes: 8192,
    ...extra,
  };
}

function day(table: string, date: string): StoredPartition {
  const next = new Date(new Date(`${date}T00:00:00Z`).getTime() + DAY).toISOString();
  return partition(table, `${table}_${date.replaceAll("-", "")}`, `${date}T00:00:00Z`, next);
}

const expiredNames = (partitions: StoredPartition[]) => planRetention(partitions, POLICY, NOW).expired.map((p) => p.name);

describe("planRetention", () => {
  it("drops a day of raw events once all of it is older than raw_events, not a moment before", () => {
    // The cutoff is 2026-03-17T12:00Z: the day ending at midnight before it goes, the day holding it stays.
    const partitions = [day("events", "2026-03-15"), day("events", "2026-03-16"), day("events", "2026-03-17"), day("events", "2026-06-15")];
    expect(expiredNames(partitions)).toEqual(["events_20260315", "events_20260316"]);
    const atCutoff = planRetention([day("events", "2026-03-16")], POLICY, new Date("2026-06-15T00:00:00Z"));
    expect(atCutoff.expired.map((p) => p.name)).toEqual(["events_20260316"]); // upper bound == cutoff
    const justBefore = planRetention([day("events", "2026-03-16")], POLICY, new Date("2026-06-14T23:59:59.999Z"));
    expect(justBefore.expired).toEqual([]);
  });

  it("leaves alone a table it does not manage (event_ids is one table since migration 0013; its ids go by DELETE)", () => {
    const plan = planRetention([day("event_ids", "2026-01-01")], POLICY, NOW);
    expect(plan.expired).toEqual([]);
  });

  it("applies each rollup kind's own retention, read from its parent's list of intervals", () => {
    const partitions = [
      partition("metric_rollups", "metric_rollups_minute_2025_05", "2025-05-01T00:00:00Z", "2025-06-01T00:00:00Z"),
      partition("metric_rollups", "metric_rollups_minute_2025_06", "2025-06-01T00:00:00Z", "2025-07-01T00:00:00Z"),
      partition("metric_rollups", "metric_rollups_hour_2024_05", "2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z"),
      partition("metric_rollups", "metric_rollups_hour_2024_06", "2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z"),
      partition("rollup_members", "rollup_members_day_2015", "2015-01-01T00:00:00Z", "2016-01-01T00:00:00Z"),
      partition("rollup_members", "rollup_members_day_2016", "2016-01-01T00:00:00Z", "2017-01-01T00:00:00Z"),
    ];
    const plan = planRetention(partitions, POLICY, NOW);
    expect(plan.expired.map((p) => [p.name, p.kind, p.method])).toEqual([
      ["metric_rollups_hour_2024_05", "hour_aggregates", "drop"],
      ["metric_rollups_minute_2025_05", "minute_aggregates", "drop"],
      ["rollup_members_day_2015", "daily_aggregates", "drop"],
    ]);
    expect(plan.kept).toBe(3);
  });

  it("never drops a DEFAULT partition, nor one whose kind it cannot tell", () => {
    const partitions = [
      partition("metric_rollups", "metric_rollups_minute_default", null, null),
      partition("metric_rollups", "metric_rollups_weekly_2001_01", "2001-01-01T00:00:00Z", "2001-02-01T00:00:00Z", { parentBound: "FOR VALUES IN ('1w')" }),
      partition("metric_rollups", "metric_rollups_odd_2001_01", "2001-01-01T00:00:00Z", "2001-02-01T00:00:00Z", { parentBound: null }),
      partition("audit_log", "audit_log_2001", "2001-01-01T00:00:00Z", "2002-01-01T00:00:00Z"),
    ];
    const plan = planRetention(partitions, POLICY, NOW);
    expect(plan.expired).toEqual([]);
    expect(plan.unclassified.map((p) => p.name)).toEqual(["metric_rollups_weekly_2001_01", "metric_rollups_odd_2001_01", "audit_log_2001"]);
  });

  it("keeps a list that mixes kinds as long as its longest-lived kind", () => {
    const mixed = partition("metric_rollups", "metric_rollups_mixed_2025_01", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z", {
      parentBound: "FOR VALUES IN ('1m', '1h')",
    });
    expect(planRetention([mixed], POLICY, NOW).expired).toEqual([]); // 1m alone would have expired
    expect(planRetention([mixed], { ...POLICY, hour_aggregates: 365 * DAY }, NOW).expired.map((p) => p.kind)).toEqual(["minute_aggregates"]);
  });

  it("finishes an interrupted concurrent detach rather than a plain drop", () => {
    const pending = partition("metric_rollups", "metric_rollups_minute_2020_01", "2020-01-01T00:00:00Z", "2020-02-01T00:00:00Z", { detachPending: true });
    expect(planRetention([pending], POLICY, NOW).expired[0]?.method).toBe("detach_concurrently");
  });

  it("reports each kind's cutoff against the given clock", () => {
    const plan = planRetention([], POLICY, NOW);
    expect(plan.cutoffs.raw_events.toISOString()).toBe("2026-03-17T12:00:00.000Z");
    expect(plan.cutoffs.daily_aggregates.toISOString()).toBe("2016-06-17T12:00:00.000Z");
  });
});

describe("parseListBound", () => {
  it("reads the values of a list bound, quotes and all", () => {
    expect(parseListBound("FOR VALUES IN ('1m', '5m', '15m')")).toEqual(["1m", "5m", "15m"]);
    expect(parseListBound("FOR VALUES IN ('1h')")).toEqual(["1h"]);
    expect(parseListBound("FOR VALUES IN ('it''s')")).toEqual(["it's"]);
  });

  it("gives nothing for other bounds or malformed lists", () => {
    expect(parseListBound("DEFAULT")).toBeUndefined();
    expect(parseListBound("FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-02-01 00:00:00+00')")).toBeUndefined();
    expect(parseListBound("FOR VALUES IN ('1m', )")).toBeUndefined();
    expect(parseListBound("FOR VALUES IN (NULL)")).toBeUndefined();
  });
});
