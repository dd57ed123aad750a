import { randomUUID } from "node:crypto";
import { Registry } from "prom-client";
import { createLogger } from "../logger";
import type { AnalyticsEvent } from "../models";
import type { RetentionPolicy } from "../retention/retention-policy";
import { RetentionRunner, type RetentionSettings } from "../retention/retention-runner";
import { RetentionJob } from "../retention/retention.job";
import { emptyCountState } from "../rollups/rollup-state";
import { createTestDatabase, type TestDatabase } from "../testing";
import type { Sql } from "./database";
import { EventsRepository } from "./events.repository";
import { EventPartitionsRepository } from "./partitions.repository";
import { RetentionRepository } from "./retention.repository";
import { RollupsRepository } from "./rollups.repository";

const DAY = 24 * 60 * 60 * 1000;
const POLICY: RetentionPolicy = { raw_events: 90 * DAY, minute_aggregates: 365 * DAY, hour_aggregates: 730 * DAY, daily_aggregates: 3650 * DAY };
// Two rows per statement and three per call: a run takes several calls of cleanup_old_data().
const SETTINGS: RetentionSettings = {
  policy: POLICY,
  eventDaysAhead: 7,
  rollupsAheadMs: 92 * DAY,
  allowedLatenessMs: DAY,
  batchSize: 2,
  maxRowsPerCall: 3,
  dropLockTimeoutMs: 3_000,
};
const logger = createLogger({ level: "error", format: "json" }, "retention-test");

const NOW = Date.now();
const ago = (days: number) => new Date(NOW - days * DAY);
const ymd = (time: Date) => time.toISOString().slice(0, 10).replaceAll("-", "");
const ym = (time: Date) => time.toISOString().slice(0, 7).replace("-", "_");
const year = (time: Date) => time.toISOString().slice(0, 4);

/** Rollup months (years for 1d) this old, so each kind has partitions on both sides of its cutoff. */
const ROLLUP_TIMES = { ancient: ago(4_100), twoYears: ago(800), oneYear: ago(400) };

/**
 * What retention must drop with the policy above: event days wholly older than 90 days (each with
 * its market quotes), minute months older than 365 days, hour months older than 730, day years
 * older than 3650.
 */
const EXPECTED_EXPIRED = [
  ...["events", "market_quotes"].flatMap((table) => [`${table}_${ymd(ago(200))}`, `${table}_${ymd(ago(91))}`]),
  ...["metric_rollups", "rollup_members"].flatMap((table) => [
    `${table}_minute_${ym(ROLLUP_TIMES.ancient)}`,
    `${table}_minute_${ym(ROLLUP_TIMES.twoYears)}`,
    `${table}_minute_${ym(ROLLUP_TIMES.oneYear)}`,
    `${table}_hour_${ym(ROLLUP_TIMES.ancient)}`,
    `${table}_hour_${ym(ROLLUP_TIMES.twoYears)}`,
    `${table}_day_${year(ROLLUP_TIMES.ancient)}`,
  ]),
].sort();

function event(time: Date): AnalyticsEvent {
  return {
    eventId: randomUUID(),
    eventType: "order.placed",
    userId: "u1",
    sessionId: "s1",
    properties: {},
    timestamp: time,
    receivedAt: time,
    source: null,
  };
}

async function rollupRow(sql: Sql, interval: string, bucket: Date): Promise<void> {
  await sql`insert into metric_rollups (metric_name, interval, bucket_start, count) values ('events.count', ${interval}, ${bucket}, 1)`;
  await sql`insert into rollup_members (metric_name, interval, bucket_start, member) values ('active_users', ${interval}, ${bucket}, 'u1')`;
}

const names = (partitions: readonly { name: string }[]) => partitions.map((partition) => partition.name).sort();

describe("retention on the real database", () => {
  let db: TestDatabase;
  let repository: RetentionRepository;
  let runner: RetentionRunner;
  const liveEvents = [event(ago(89.5)), event(ago(0))];

  beforeAll(async () => {
    db = await createTestDatabase("retention");
    repository = new RetentionRepository(db.sql);
    runner = new RetentionRunner(repository, SETTINGS, logger);

    const partitions = new EventPartitionsRepository(db.sql);
    await partitions.ensureForTimes([ago(200), ago(91), ago(89.5), ago(0)]);
    await new EventsRepository(db.sql).copyMany([event(ago(200)), event(ago(91)), ...liveEvents]);
    for (const time of Object.values(ROLLUP_TIMES)) await db.sql`select ensure_rollup_partitions(${time}, ${time})`;
    await rollupRow(db.sql, "1m", new Date(Math.floor(ROLLUP_TIMES.oneYear.getTime() / 60_000) * 60_000)); // expired month
    await rollupRow(db.sql, "1h", new Date(Math.floor(ROLLUP_TIMES.oneYear.getTime() / 3_600_000) * 3_600_000)); // live month
    await rollupRow(db.sql, "1m", new Date(Math.floor(NOW / 60_000) * 60_000));
    // Series blocks: one of the expired month, one of today (see 0010).
    for (const day of [ROLLUP_TIMES.oneYear, new Date(NOW)]) {
      await db.sql`insert into metric_series_blocks (metric_name, interval, dimension, dimension_value, block_start, block_hours, points, point_count)
        values ('events.count', '1m', '', '', ${new Date(Math.floor(day.getTime() / DAY) * DAY)}, 24, '{}', 1)`;
    }
    for (const held of [event(ago(200)), liveEvents[1]!]) {
      await db.sql`insert into set_aside_events (event_id, event_time, event_type, reason, detail) values (${held.eventId}, ${held.timestamp}, 'order.placed', 'fold_failed', 'test')`;
    }
    // Order lifecycle rows: placed in a dropped day, placed in a kept day, never placed but first seen in a dropped day.
    for (const [orderId, placedAt, firstAt] of [["old", ago(200), ago(200)], ["live", ago(89.5), ago(89.5)], ["unplaced", null, ago(91)]] as const) {
      await db.sql`insert into order_analytics (order_id, placed_at, first_event_at, last_event_at, source_rank, source_time, source_event_id)
        values (${orderId}, ${placedAt}, ${firstAt}, ${firstAt}, 0, ${firstAt}, ${randomUUID()})`;
    }
    await db.sql`
      insert into late_events (event_id, event_type, event_time, received_at, recorded_at) values
        (${randomUUID()}, 'order.placed', now() - interval '200 days', now() - interval '100 days', now() - interval '100 days'),
        (${randomUUID()}, 'order.placed', now() - interval '3 days', now(), now())`;
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("lists each partition with its UTC bounds, whatever the session's time zone", async () => {
    const session = await db.sql.reserve();
    let listed;
    try {
      await session`set timezone = 'America/New_York'`;
      listed = await repository.listPartitions(session);
    } finally {
      await session`reset timezone`;
      session.release();
    }
    const day = listed.find((partition) => partition.name === `events_${ymd(ago(91))}`);
    expect(day).toMatchObject({ table: "events", parent: "events", isDefault: false, parentHasDefault: false, detachPending: false });
    expect(day!.from!.toISOString()).toBe(`${ago(91).toISOString().slice(0, 10)}T00:00:00.000Z`);
    expect(day!.to!.getTime() - day!.from!.getTime()).toBe(DAY);
    const month = listed.find((partition) => partition.name === `metric_rollups_hour_${ym(ROLLUP_TIMES.oneYear)}`);
    expect(month).toMatchObject({ table: "metric_rollups", parent: "metric_rollups_hour", parentBound: "FOR VALUES IN ('1h')", parentHasDefault: true });
    expect(month!.from!.toISOString()).toBe(`${ROLLUP_TIMES.oneYear.toISOString().slice(0, 7)}-01T00:00:00.000Z`);
    expect(listed.filter((partition) => partition.isDefault).map((partition) => partition.name).sort()).toEqual(
      ["metric_rollups", "rollup_members"].flatMap((table) => ["day", "hour", "minute"].map((kind) => `${table}_${kind}_default`)).sort(),
    );
  });

  it("dry run lists exactly the expired partitions and drops nothing", async () => {
    const before = await repository.listPartitions();
    const result = await runner.run({ dryRun: true });
    if (result.status !== "done") throw new Error("a dry run takes no lock");
    expect(names(result.partitions.map((entry) => entry.partition))).toEqual(EXPECTED_EXPIRED);
    expect(result.lateEvents).toBe(1);
    expect(result.eventIds).toBe(2);
    expect(await repository.listPartitions()).toEqual(before);
    expect(await db.sql`select count(*)::int as n from late_events`).toEqual([{ n: 2 }]);
  });

  it("a run drops exactly those and keeps every other partition and its rows", async () => {
    const before = names(await repository.listPartitions());
    await db.sql`insert into metric_rollups (metric_name, interval, bucket_start) values ('far', '1m', ${new Date(NOW + 200 * DAY)})`;
    const result = await runner.run({ dryRun: false });
    if (result.status !== "done") throw new Error("nobody else holds the lock");
    expect(result.partitions.filter((entry) => entry.error !== undefined)).toEqual([]);
    expect(names(result.partitions.map((entry) => entry.partition))).toEqual(EXPECTED_EXPIRED);

    const after = names(await repository.listPartitions());
    expect(after.filter((name) => before.includes(name))).toEqual(before.filter((name) => !EXPECTED_EXPIRED.includes(name)));
    const events = await db.sql<{ id: string }[]>`select id::text as id from events order by "timestamp"`;
    expect(events.map((row) => row.id)).toEqual(liveEvents.map((e) => e.eventId));
    // The ids of the dropped days went with them, in batches of 2; the live days' ids stay.
    expect(result.eventIds).toBe(2);
    const ids = await db.sql<{ id: string }[]>`select event_id::text as id from event_ids order by event_time`;
    expect(ids.map((row) => row.id)).toEqual(liveEvents.map((e) => e.eventId));
    const setAside = await db.sql<{ id: string }[]>`select event_id::text as id from set_aside_events`;
    expect(setAside.map((row) => row.id)).toEqual([liveEvents[1]!.eventId]);
    expect(await db.sql`select order_id from order_analytics`).toEqual([{ order_id: "live" }]);
    const rollups = await db.sql<{ interval: string }[]>`select interval from metric_rollups where metric_name = 'events.count' order by bucket_start`;
    expect(rollups.map((row) => row.interval)).toEqual(["1h", "1m"]);
    expect(await db.sql`select count(*)::int as n from rollup_members`).toEqual([{ n: 2 }]);
    const blocks = await db.sql<{ start: Date }[]>`select block_start as start from metric_series_blocks`;
    expect(blocks.map((row) => row.start.toISOString().slice(0, 10))).toEqual([new Date(NOW).toISOString().slice(0, 10)]);
    expect(await db.sql`select count(*)::int as n from late_events where recorded_at > now() - interval '1 day'`).toEqual([{ n: 1 }]);
    expect(await db.sql`select count(*)::int as n from late_events`).toEqual([{ n: 1 }]);
  });

  it("created partitions ahead, and moved a row that fell into a DEFAULT partition into one of its own", async () => {
    const listed = names(await repository.listPartitions());
    expect(listed).toEqual(expect.arrayContaining([`events_${ymd(ago(-7))}`, `metric_rollups_minute_${ym(ago(-80))}`]));
    const [far] = await db.sql<{ partition: string }[]>`select tableoid::regclass::text as partition from metric_rollups where metric_name = 'far'`;
    expect(far?.partition).toBe(`metric_rollups_minute_${ym(new Date(NOW + 200 * DAY))}`);
    expect(await db.sql`select count(*)::int as n from metric_rollups_minute_default`).toEqual([{ n: 0 }]);
  });

  it("drops nothing more when run again", async () => {
    const result = await runner.run({ dryRun: false });
    expect(result).toMatchObject({ status: "done", partitions: [], lateEvents: 0, created: 0 });
  });

  it("lets one runner work at a time: a second runner skips while the first holds the lock", async () => {
    await db.sql`select ensure_events_partition(${ago(300).toISOString().slice(0, 10)}::date)`;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    // The first runner stops inside the lock until the gate opens.
    const slowRepository = new RetentionRepository(db.sql);
    const write = slowRepository.writeSettings.bind(slowRepository);
    slowRepository.writeSettings = async (...args) => {
      entered();
      await gate;
      return write(...args);
    };
    const first = new RetentionRunner(slowRepository, SETTINGS, logger).run({ dryRun: false });
    await inside;

    const registry = new Registry();
    const job = new RetentionJob(new RetentionRunner(new RetentionRepository(db.sql), SETTINGS, logger), registry, logger, 60_000);
    expect(await job.runOnce()).toEqual({ status: "locked" });
    expect(await db.sql`select to_regclass(${`events_${ymd(ago(300))}`}) is not null as present`).toEqual([{ present: true }]);
    release();
    const done = await first;
    expect(done.status === "done" && names(done.partitions.map((entry) => entry.partition))).toEqual([`events_${ymd(ago(300))}`, `market_quotes_${ymd(ago(300))}`]);

    expect(await job.runOnce()).toMatchObject({ status: "done", partitions: [] });
    const metrics = await registry.metrics();
    expect(metrics).toContain('analytics_periodic_task_runs_total{task="retention",outcome="skipped"} 1');
    expect(metrics).toContain('analytics_periodic_task_runs_total{task="retention",outcome="done"} 1');
  });

  it("counts what the scheduled job drops, per kind", async () => {
    await db.sql`select ensure_events_partition(${ago(300).toISOString().slice(0, 10)}::date)`;
    await db.sql`select ensure_rollup_partitions(${ROLLUP_TIMES.ancient}, ${ROLLUP_TIMES.ancient})`;
    const registry = new Registry();
    const job = new RetentionJob(new RetentionRunner(new RetentionRepository(db.sql), SETTINGS, logger), registry, logger, 60_000);
    job.start();
    await job.stop(); // stop() waits for the first run, which starts at once
    const metrics = await registry.metrics();
    expect(metrics).toContain('analytics_retention_partitions_dropped_total{kind="raw_events"} 2');
    expect(metrics).toContain('analytics_retention_partitions_dropped_total{kind="minute_aggregates"} 2');
    expect(metrics).toContain('analytics_retention_partitions_dropped_total{kind="hour_aggregates"} 2');
    expect(metrics).toContain('analytics_retention_partitions_dropped_total{kind="daily_aggregates"} 2');
  });

  it("finishes a concurrent detach that was cut short (a statement timeout while a reader held on)", async () => {
    const day = ago(250);
    await db.sql`select ensure_events_partition(${day.toISOString().slice(0, 10)}::date)`;
    const reader = await db.sql.reserve();
    const detacher = await db.sql.reserve();
    try {
      await reader.unsafe("begin");
      await reader`select count(*) from events`;
      await detacher`set statement_timeout = '300ms'`;
      await expect(detacher`alter table events detach partition ${detacher(`events_${ymd(day)}`)} concurrently`).rejects.toThrow(/statement timeout/);
      await detacher`reset statement_timeout`;
    } finally {
      await reader.unsafe("commit");
      reader.release();
      detacher.release();
    }
    const pending = (await repository.listPartitions()).filter((partition) => partition.detachPending);
    expect(pending.map((partition) => partition.name)).toEqual([`events_${ymd(day)}`]);

    const result = await runner.run({ dryRun: false });
    expect(result.status === "done" && result.partitions.map(({ partition, error }) => [partition.name, error])).toEqual([
      [`events_${ymd(day)}`, undefined],
      [`market_quotes_${ymd(day)}`, undefined],
    ]);
    expect(await db.sql`select to_regclass(${`events_${ymd(day)}`})::text as gone`).toEqual([{ gone: null }]);
  });
});

describe("partitioned rollups and event ids", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase("retention_layout");
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("takes the aggregator's upsert, into a partition or, before one exists, into the DEFAULT", async () => {
    const rollups = new RollupsRepository(db.sql);
    const key = (bucketStartMs: number) => ({ metric: "events.count", interval: "1h" as const, bucketStartMs, dimension: "", dimensionValue: "" });
    const state = (count: number) => ({ ...emptyCountState(), count });
    const thisHour = Math.floor(NOW / 3_600_000) * 3_600_000;
    const farAhead = thisHour + 400 * DAY;
    await db.sql.begin((tx) => rollups.save(tx, [{ key: key(thisHour), state: state(1) }, { key: key(farAhead), state: state(1) }]));
    await db.sql.begin((tx) => rollups.save(tx, [{ key: key(thisHour), state: state(5) }, { key: key(farAhead), state: state(7) }]));
    const rows = await db.sql<{ partition: string; count: string }[]>`
      select tableoid::regclass::text as partition, count::text from metric_rollups order by bucket_start`;
    expect(rows).toEqual([
      { partition: `metric_rollups_hour_${ym(new Date(thisHour))}`, count: "5" },
      { partition: "metric_rollups_hour_default", count: "7" },
    ]);
    const [fill] = await db.sql<{ options: string[] }[]>`select reloptions as options from pg_class where relname = ${rows[0]!.partition}`;
    expect(fill?.options).toEqual(["fillfactor=70"]);
  });

  it("stores an id once, whatever its time: a copy on another day is a duplicate (migration 0013)", async () => {
    const events = new EventsRepository(db.sql);
    const original = event(new Date("2025-10-03T12:00:00Z"));
    await new EventPartitionsRepository(db.sql).ensureForTimes([original.timestamp, new Date("2025-10-04T00:00:00Z"), new Date("2025-12-24T00:00:00Z")]);
    expect((await events.copyMany([original])).inserted).toBe(1);
    expect(await events.copyMany([original])).toMatchObject({ inserted: 0, insertedIds: new Set() });
    const otherDay = await events.copyMany([{ ...original, timestamp: new Date("2025-10-04T00:00:01Z") }]);
    expect(otherDay).toMatchObject({ inserted: 0, conflictingIds: new Set([original.eventId]) });
    const otherMonth = await events.copyMany([{ ...original, timestamp: new Date("2025-12-24T00:00:01Z") }]);
    expect(otherMonth.inserted).toBe(0);
    expect(await db.sql`select count(*)::int as n from events where id = ${original.eventId}`).toEqual([{ n: 1 }]);
  });

  it("tells a re-delivery (same content) from another event under a taken id", async () => {
    const events = new EventsRepository(db.sql);
    const original = { ...event(new Date("2025-10-03T13:00:00Z")), properties: { price: 101.5, tags: ["a", "b"] } };
    const fresh = event(new Date("2025-10-03T13:00:01Z"));
    expect((await events.copyMany([original])).inserted).toBe(1);
    // Same content with its keys in another order and another receipt: a re-delivery, not a conflict.
    const again = await events.copyMany([{ ...original, properties: { tags: ["a", "b"], price: 101.5 }, receivedAt: new Date() }, fresh]);
    expect(again).toMatchObject({ inserted: 1, insertedIds: new Set([fresh.eventId]) });
    expect(again.conflictingIds).toBeUndefined();
    for (const change of [{ properties: { price: 102 } }, { userId: "u2" }, { sessionId: null }, { eventType: "order.filled" }]) {
      const other = await events.copyMany([{ ...original, ...change }]);
      expect(other).toMatchObject({ inserted: 0, conflictingIds: new Set([original.eventId]) });
    }
  });

  it("an ingester asks again after a while for a day it knew, so a day retention dropped is created again", async () => {
    let clock = NOW;
    const partitions = new EventPartitionsRepository(db.sql, () => clock);
    const old = ago(120);
    const present = async () => (await db.sql<{ n: number }[]>`select count(to_regclass(name))::int as n from unnest(${[`events_${ymd(old)}`]}::text[]) name`)[0]!.n;
    await partitions.ensureForTimes([old]);
    expect(await present()).toBe(1);
    await db.sql`drop table ${db.sql(`events_${ymd(old)}`)}`;
    clock += 30_000;
    await partitions.ensureForTimes([old]);
    expect(await present()).toBe(0); // still trusted
    clock += 31_000;
    await partitions.ensureForTimes([old]);
    expect(await present()).toBe(1);
  });
});
