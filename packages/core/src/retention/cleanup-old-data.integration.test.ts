import { randomUUID } from "node:crypto";
import type { AnalyticsEvent } from "../models";
import { EventsRepository } from "../repository/events.repository";
import { EventPartitionsRepository } from "../repository/partitions.repository";
import { RetentionRepository } from "../repository/retention.repository";
import { createTestDatabase, type TestDatabase } from "../testing";
import { RetentionRunner, type RetentionSettings } from "./retention-runner";

// cleanup_old_data() (migrations/0018) as a psql user calls it: the seeds' `SELECT cleanup_old_data();`.
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.now();
const ago = (days: number) => new Date(NOW - days * DAY);
const ymd = (time: Date) => time.toISOString().slice(0, 10).replaceAll("-", "");
const LOCK_ID = 7_204_119_006;

interface Report {
  status: string;
  more: boolean;
  partitions: { partition: string; action: string; kind: string }[];
  deleted?: Record<string, number>;
  would_delete?: Record<string, number>;
}

function event(time: Date): AnalyticsEvent {
  return { eventId: randomUUID(), eventType: "order.placed", userId: "u1", sessionId: "s1", properties: {}, timestamp: time, receivedAt: time, source: null };
}

/**
 * What the default policy (90d raw, 365d minute, 730d hour, 3650d daily) makes expired, by plain
 * SQL over pg_inherits: each leaf's upper bound against now() minus its parent's retention.
 */
const EXPECTED_BY_CATALOG = `
  select c.relname::text as name
  from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
  cross join lateral (select (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz as upper) b
  where b.upper <= now() - interval '24 hours' * case
          when p.relname in ('events', 'market_quotes') then 90
          when p.relname in ('metric_rollups_minute', 'rollup_members_minute') then 365
          when p.relname in ('metric_rollups_hour', 'rollup_members_hour') then 730
          when p.relname in ('metric_rollups_day', 'rollup_members_day') then 3650 end
  order by 1`;

describe("cleanup_old_data() from plain SQL", () => {
  let db: TestDatabase;
  const live = [event(ago(89.5)), event(ago(0))];
  const cleanup = async (args = "") => (await db.sql.unsafe<{ report: Report }[]>(`select cleanup_old_data(${args}) as report`))[0]!.report;
  const snapshot = async () => ({
    partitions: (await db.sql<{ name: string }[]>`select c.relname::text as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where c.relkind = 'r' order by 1`).map((row) => row.name),
    rows: await db.sql`select (select count(*)::int from events) as events, (select count(*)::int from event_ids) as ids,
                              (select count(*)::int from late_events) as late, (select count(*)::int from set_aside_events) as set_aside`,
    settings: await db.sql`select * from retention_settings`,
  });

  beforeAll(async () => {
    db = await createTestDatabase("cleanup_sql");
    // Refused until an app has written its policy (below); here the defaults are that policy, as if written.
    expect(await cleanup()).toMatchObject({ status: "skipped", reason: expect.stringContaining("no app has written its retention policy") });
    await db.sql`update retention_settings set updated_by = 'test (the defaults)'`;
    await new EventPartitionsRepository(db.sql).ensureForTimes([ago(200), ago(91), ...live.map((e) => e.timestamp)]);
    const old = [event(ago(200)), event(ago(91))];
    await new EventsRepository(db.sql).copyMany([...old, ...live]);
    for (const days of [4_100, 800, 400]) await db.sql`select ensure_rollup_partitions(${ago(days)}, ${ago(days)})`;
    await db.sql`insert into set_aside_events (event_id, event_time, event_type, reason, detail) values (${old[0]!.eventId}, ${old[0]!.timestamp}, 'order.placed', 'fold_failed', 'test')`;
    await db.sql`insert into late_events (event_id, event_type, event_time, received_at, recorded_at) values
      (${randomUUID()}, 'order.placed', now() - interval '200 days', now() - interval '100 days', now() - interval '100 days')`;
  });
  afterAll(() => db?.drop());

  it("dry run reports exactly what the policy makes expired and changes nothing", async () => {
    const expected = (await db.sql.unsafe<{ name: string }[]>(EXPECTED_BY_CATALOG)).map((row) => row.name);
    expect(expected.length).toBe(16); // 2 event days with their quotes, and per rollup table 3 minute months, 2 hour months, 1 day year
    const before = await snapshot();
    const report = await cleanup("true");
    expect(report.partitions.map((p) => p.partition).sort()).toEqual(expected);
    expect(new Set(report.partitions.map((p) => p.action))).toEqual(new Set(["would_drop"]));
    expect(report.would_delete).toMatchObject({ event_ids: 2, late_events: 1, set_aside_events: 1 });
    expect(await snapshot()).toEqual(before);
  });

  it("is skipped, changing nothing, while another runner holds the retention lock", async () => {
    const holder = await db.sql.reserve();
    try {
      await holder`select pg_advisory_lock(${LOCK_ID})`;
      const before = await snapshot();
      expect(await cleanup()).toMatchObject({ status: "skipped" });
      expect(await snapshot()).toEqual(before);
    } finally {
      await holder`select pg_advisory_unlock(${LOCK_ID})`;
      holder.release();
    }
  });

  it("and the scheduled job skips while a psql call is running", async () => {
    const psql = await db.sql.reserve();
    try {
      await psql.unsafe("begin");
      await psql`select cleanup_old_data(true)`; // a dry run takes no lock
      await psql`select pg_advisory_xact_lock(${LOCK_ID})`; // what a running call holds
      const settings: RetentionSettings = {
        policy: { raw_events: 90 * DAY, minute_aggregates: 365 * DAY, hour_aggregates: 730 * DAY, daily_aggregates: 3650 * DAY },
        eventDaysAhead: 7,
        rollupsAheadMs: 92 * DAY,
        allowedLatenessMs: DAY,
        batchSize: 10,
        maxRowsPerCall: 100,
        dropLockTimeoutMs: 1_000,
      };
      expect(await new RetentionRunner(new RetentionRepository(db.sql), settings).run({ dryRun: false })).toEqual({ status: "locked" });
    } finally {
      await psql.unsafe("rollback");
      psql.release();
    }
  });

  it("drops exactly those partitions and deletes the rows of the dropped days; a second call finds nothing", async () => {
    const expected = (await db.sql.unsafe<{ name: string }[]>(EXPECTED_BY_CATALOG)).map((row) => row.name);
    const before = (await snapshot()).partitions;
    const report = await cleanup();
    expect(report).toMatchObject({ status: "done", more: false, deleted: { event_ids: 2, late_events: 1, set_aside_events: 1 } });
    expect(report.partitions.map((p) => [p.partition, p.action]).sort()).toEqual(expected.map((name) => [name, "dropped"]));
    const after = (await snapshot()).partitions;
    expect(after.filter((name) => before.includes(name))).toEqual(before.filter((name) => !expected.includes(name)));
    const events = await db.sql<{ id: string }[]>`select id::text as id from events order by "timestamp"`;
    expect(events.map((row) => row.id)).toEqual(live.map((e) => e.eventId));
    const ids = await db.sql<{ id: string }[]>`select event_id::text as id from event_ids order by event_time`;
    expect(ids.map((row) => row.id)).toEqual(live.map((e) => e.eventId));
    expect(await db.sql`select count(*)::int as n from set_aside_events`).toEqual([{ n: 0 }]);
    expect(await cleanup()).toMatchObject({ partitions: [], more: false, deleted: { event_ids: 0, late_events: 0 } });
  });

  it("deletes at most max_rows per call, keeps a day whose ids are not all gone, and finishes on later calls", async () => {
    const day = ago(150);
    const dayStart = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
    const events = [0, 1, 2, 3, 4].map((minute) => event(new Date(dayStart + minute * 60_000 + 1_000)));
    await new EventPartitionsRepository(db.sql).ensureForTimes([day]);
    await new EventsRepository(db.sql).copyMany(events);
    const name = `events_${ymd(day)}`;

    const first = await cleanup("max_rows => 2");
    // The day's quotes wait with its events: a day goes as one.
    const quotes = `market_quotes_${ymd(day)}`;
    expect(first).toMatchObject({ more: true, deleted: { event_ids: 2 }, partitions: [{ partition: quotes, action: "deferred" }, { partition: name, action: "deferred" }] });
    expect(await db.sql`select count(*)::int as n from event_ids`).toEqual([{ n: 3 + live.length }]);
    expect(await db.sql`select to_regclass(${name}) is not null as present`).toEqual([{ present: true }]);
    expect(await cleanup("max_rows => 2")).toMatchObject({ more: true, deleted: { event_ids: 2 } });
    expect(await cleanup("max_rows => 2")).toMatchObject({
      more: false,
      deleted: { event_ids: 1 },
      partitions: [
        { partition: quotes, action: "dropped" },
        { partition: name, action: "dropped" },
      ],
    });
    expect(await db.sql`select count(*)::int as n from event_ids`).toEqual([{ n: live.length }]);
  });

  it("uses the settings the apps write from their configuration; a dry run writes none", async () => {
    const day = ago(40);
    await new EventPartitionsRepository(db.sql).ensureForTimes([day]);
    const settings: RetentionSettings = {
      policy: { raw_events: 30 * DAY, minute_aggregates: 365 * DAY, hour_aggregates: 730 * DAY, daily_aggregates: 3650 * DAY },
      eventDaysAhead: 3,
      rollupsAheadMs: 92 * DAY,
      allowedLatenessMs: DAY,
      batchSize: 500,
      maxRowsPerCall: 5_000,
      dropLockTimeoutMs: 2_000,
    };
    const runner = new RetentionRunner(new RetentionRepository(db.sql), settings, undefined, "test config");
    const before = await db.sql`select * from retention_settings`;
    const dry = await runner.run({ dryRun: true });
    // 30 days: the day 40 days ago, and the one of 89.5 days ago that 90 days kept.
    expect(dry.status === "done" && dry.partitions.map((entry) => entry.partition.name)).toEqual(
      [live[0]!, { timestamp: day }].flatMap((e) => [`events_${ymd(e.timestamp)}`, `market_quotes_${ymd(e.timestamp)}`]).sort(),
    );
    expect(await db.sql`select * from retention_settings`).toEqual(before);
    expect(await cleanup("true")).toMatchObject({ partitions: [] }); // psql still sees the stored 90 days

    // A run writes them (here it drops the day itself); psql calls from then on apply them.
    await runner.run({ dryRun: false });
    expect(await db.sql`select raw_events::text, partitions_ahead_days, batch_size, max_rows_per_call, drop_lock_timeout::text, updated_by
                        from retention_settings`).toEqual([
      { raw_events: "30 days", partitions_ahead_days: 3, batch_size: 500, max_rows_per_call: "5000", drop_lock_timeout: "00:00:02", updated_by: "test config" },
    ]);
    await new EventPartitionsRepository(db.sql).ensureForTimes([ago(35)]);
    const report = await cleanup();
    expect(report.partitions.map((p) => [p.partition, p.action])).toEqual([
      [`market_quotes_${ymd(ago(35))}`, "dropped"],
      [`events_${ymd(ago(35))}`, "dropped"],
    ]);
  });
  it("drops each partition on its own: one whose lock it cannot get fails alone, is reported, and goes on a later call", async () => {
    await db.sql`select ensure_rollup_partitions(${ago(4_100)}, ${ago(4_100)})`;
    await db.sql`update retention_settings set drop_lock_timeout = '200 milliseconds'`;
    const reader = await db.sql.reserve();
    let report: Report & { failures?: { step: string; name: string; error: string }[] };
    try {
      await reader.unsafe("begin");
      await reader`select count(*) from metric_rollups_hour`; // a long reader of the hour rollups
      report = await cleanup();
    } finally {
      await reader.unsafe("commit");
      reader.release();
    }
    const failed = report.partitions.filter((p) => p.action === "failed").map((p) => p.partition);
    expect(failed).toEqual([expect.stringMatching(/^metric_rollups_hour_\d{4}_\d{2}$/)]);
    expect(report.partitions.filter((p) => p.action === "dropped")).toHaveLength(5);
    expect(report.failures).toEqual([{ step: "drop", name: failed[0], error: expect.stringMatching(/lock timeout/) }]);
    expect(await cleanup()).toMatchObject({ partitions: [{ partition: failed[0], action: "dropped" }], failures: [] });
  });
  it("deletes the order_analytics rows of orders placed before the dropped days (never placed: first seen before them)", async () => {
    for (const [orderId, placedDays, firstDays] of [["old", 200, 200], ["live", 20, 20], ["unplaced", null, 91]] as const) {
      const placed = placedDays === null ? null : ago(placedDays);
      await db.sql`insert into order_analytics (order_id, placed_at, first_event_at, last_event_at, source_rank, source_time, source_event_id)
        values (${orderId}, ${placed}, ${ago(firstDays)}, ${ago(firstDays)}, 0, ${ago(firstDays)}, ${randomUUID()})`;
    }
    expect((await cleanup("true")).would_delete).toMatchObject({ order_analytics: 2 });
    expect((await cleanup()).deleted).toMatchObject({ order_analytics: 2 });
    expect(await db.sql`select order_id from order_analytics`).toEqual([{ order_id: "live" }]);
  });

  it("deletes the trading rows of the dropped days: fills with their order, closed positions whose events are gone, sessions by their last event", async () => {
    const hourOf = (time: Date) => new Date(Math.floor(time.getTime() / 3_600_000) * 3_600_000);
    for (const [name, days] of [["old", 200], ["live", 20]] as const) {
      // Two bins of a symbol's hour: their day (market_quote_day_bins, 0030) follows them by trigger.
      await db.sql`insert into market_quote_bins (symbol, bucket_start, measure, bin, quotes)
        values (${name}, ${hourOf(ago(days))}, 'updates', 0, 3), (${name}, ${hourOf(ago(days))}, 'spread', 5, 2)`;
      await db.sql`insert into order_fills (event_id, order_id, filled_at, placed_at) values (${randomUUID()}, ${name}, ${ago(days)}, ${ago(days)})`;
      await db.sql`insert into positions (position_id, opened_at, closed_at, first_event_at, last_event_at, source_rank, source_time, source_event_id)
        values (${name}, ${ago(days + 5)}, ${ago(days)}, ${ago(days + 5)}, ${ago(days)}, 0, ${ago(days + 5)}, ${randomUUID()})`;
      await db.sql`insert into user_sessions (user_id, session_id, started_at, ended_at, event_count) values ('u', ${name}, ${ago(days + 1)}, ${ago(days)}, 2)`;
    }
    // A fill of an order placed before the cutoff goes with its order, even when it came after.
    await db.sql`insert into order_fills (event_id, order_id, filled_at, placed_at) values (${randomUUID()}, 'old', ${ago(20)}, ${ago(200)})`;
    // A position still open stays however old (its exposure is real); so does a session with a later event.
    await db.sql`insert into positions (position_id, opened_at, first_event_at, last_event_at, source_rank, source_time, source_event_id)
      values ('open', ${ago(300)}, ${ago(300)}, ${ago(300)}, 0, ${ago(300)}, ${randomUUID()})`;
    await db.sql`insert into user_sessions (user_id, session_id, started_at, ended_at, event_count) values ('u', 'across', ${ago(200)}, ${ago(20)}, 2)`;
    const trading = { order_fills: 2, positions: 1, user_sessions: 1, market_quote_bins: 2 };
    expect((await cleanup("true")).would_delete).toMatchObject(trading);
    expect((await cleanup()).deleted).toMatchObject(trading);
    expect(await db.sql`select order_id from order_fills`).toEqual([{ order_id: "live" }]);
    expect(await db.sql`select position_id from positions order by 1`).toEqual([{ position_id: "live" }, { position_id: "open" }]);
    expect(await db.sql`select session_id from user_sessions order by 1`).toEqual([{ session_id: "across" }, { session_id: "live" }]);
    expect(await db.sql`select symbol, day_start, measure, bin, quotes::int from market_quote_day_bins order by measure`).toEqual([
      { symbol: "live", day_start: new Date(Math.floor(ago(20).getTime() / DAY) * DAY), measure: "spread", bin: 5, quotes: 2 },
      { symbol: "live", day_start: new Date(Math.floor(ago(20).getTime() / DAY) * DAY), measure: "updates", bin: 0, quotes: 3 },
    ]);
  });
});

describe("the plan in SQL (retention_plan, retention_kind, retention_list_values)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("retention_plan_sql");
  });
  afterAll(() => db?.drop());

  it("reads the values of a list bound, quotes and all, and nothing from other bounds", async () => {
    const cases = ["FOR VALUES IN ('1m', '5m', '15m')", "FOR VALUES IN ('1h')", "FOR VALUES IN ('it''s')", "DEFAULT",
      "FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-02-01 00:00:00+00')", "FOR VALUES IN ('1m', )", "FOR VALUES IN (NULL)"];
    const rows = await db.sql<{ v: string[] | null }[]>`select retention_list_values(b) as v from unnest(${cases}::text[]) with ordinality as t(b, o) order by o`;
    expect(rows.map((row) => row.v)).toEqual([["1m", "5m", "15m"], ["1h"], ["it's"], null, null, null, null]);
  });

  it("tells each kind; never a table it does not manage nor an unknown interval; a mixed list lives as long as its longest kind", async () => {
    const kind = async (table: string, bound: string | null) =>
      (await db.sql<{ k: string | null }[]>`select retention_kind(${table}, ${bound}) as k`)[0]!.k;
    expect(await kind("events", null)).toBe("raw_events");
    expect(await kind("event_ids", null)).toBeNull(); // one table since 0013: its ids go by DELETE
    expect(await kind("audit_log", "FOR VALUES IN ('1m')")).toBeNull();
    expect(await kind("metric_rollups", "FOR VALUES IN ('1m', '5m', '15m')")).toBe("minute_aggregates");
    expect(await kind("rollup_members", "FOR VALUES IN ('1d')")).toBe("daily_aggregates");
    expect(await kind("metric_rollups", "FOR VALUES IN ('1w')")).toBeNull();
    expect(await kind("metric_rollups", null)).toBeNull();
    expect(await kind("metric_rollups", "FOR VALUES IN ('1m', '1h')")).toBe("hour_aggregates");
    await db.sql`update retention_settings set hour_aggregates = '200 days'`;
    expect(await kind("metric_rollups", "FOR VALUES IN ('1m', '1h')")).toBe("minute_aggregates");
    await db.sql`update retention_settings set hour_aggregates = '730 days'`;
  });

  it("drops a day once all of it is older than raw_events, not a moment before; never a DEFAULT partition", async () => {
    await db.sql`select ensure_events_partition('2026-03-16'::date)`;
    const status = async (at: string) =>
      (await db.sql<{ status: string }[]>`select status from retention_plan(${at}::timestamptz) where partition_name = 'events_20260316'`)[0]!.status;
    expect(await status("2026-06-15T00:00:00Z")).toBe("expired"); // upper bound == cutoff
    expect(await status("2026-06-14T23:59:59.999Z")).toBe("kept");
    const defaults = await db.sql<{ status: string }[]>`select distinct status from retention_plan('2100-01-01') where partition_name like '%\\_default'`;
    expect(defaults).toEqual([{ status: "default" }]);
  });
});
