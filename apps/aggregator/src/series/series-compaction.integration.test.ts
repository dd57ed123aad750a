import { AGGREGATION_INTERVALS, MetricSeriesReader, RollupsRepository, SeriesCompaction, settledBlockEnds, utcHourStart } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { drain, storeEvents, TEST_PLAN, testCycle, tradingEvents } from "@trading-analytics/rollups/testing";
import { auditRollups } from "@trading-analytics/rollups";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.now();
// A whole UTC day three days back: settled, yet within the plan's lateness for late events.
const DAY_START = Math.floor(NOW / DAY) * DAY - 3 * DAY;
const PLAN = { ...TEST_PLAN, allowedLatenessMs: 5 * DAY };
const METRIC = "events.count.page.view";

describe("series compaction on the real database", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase("series_compaction");
  });

  afterAll(async () => {
    await db?.drop();
  });

  const dayRows = async () =>
    (await db.sql<{ n: string }[]>`select count(*)::text as n from metric_series_blocks where metric_name = ${METRIC} and dimension = '' and block_hours = 24`)[0]!.n;
  const pointsOfDay = async () => {
    const reader = new MetricSeriesReader(db.sql, new RollupsRepository(db.sql), AGGREGATION_INTERVALS);
    return JSON.parse(await reader.pointsJson({ metric: METRIC, interval: "1m", from: new Date(DAY_START), to: new Date(DAY_START + DAY) })) as Array<{
      bucket_start: string;
      count: number;
    }>;
  };
  const storedPageViews = async () =>
    Number(
      (await db.sql<{ n: string }[]>`select count(*)::text as n from events where event_type = 'page.view'
        and "timestamp" >= ${new Date(DAY_START)} and "timestamp" < ${new Date(DAY_START + DAY)}`)[0]!.n,
    );

  it("keeps settled days as day rows that a late event replaces, never serving a stale count", async () => {
    const cycle = testCycle(db.sql, { plan: PLAN });
    await storeEvents(db.sql, tradingEvents(3_000, { endMs: DAY_START + DAY, spanMs: DAY, seed: 21 }));
    await drain(cycle);
    const compaction = new SeriesCompaction(db.sql, { intervals: PLAN.intervals, retentionMs: 30 * DAY, allowedLatenessMs: PLAN.allowedLatenessMs });

    const pass = await compaction.pass(true);
    expect(pass.blocks).toBe(1);
    expect(pass.series).toBeGreaterThan(10);
    expect(await dayRows()).toBe("2"); // 1m and 5m
    const compacted = await pointsOfDay();
    expect(compacted.reduce((sum, point) => sum + point.count, 0)).toBe(await storedPageViews());
    expect(await compaction.pass(true)).toEqual({ blocks: 0, series: 0 });

    // A late page view into that day: folding it deletes the day rows it changes, in its own transaction.
    const [late] = tradingEvents(1, { endMs: DAY_START + 7 * 3_600_000, spanMs: 1, seed: 5, receivedAtMs: NOW });
    late!.eventType = "page.view";
    late!.properties = { path: "/late" };
    await storeEvents(db.sql, [late!]);
    expect(await drain(cycle)).toBe(1);
    expect(await dayRows()).toBe("0");
    const corrected = await pointsOfDay();
    expect(corrected.reduce((sum, point) => sum + point.count, 0)).toBe(compacted.reduce((sum, point) => sum + point.count, 0) + 1);

    // The next (recent) pass writes the day again, with the late event in it.
    expect((await compaction.pass(false)).blocks).toBe(1);
    expect(await dayRows()).toBe("2");
    expect(await pointsOfDay()).toEqual(corrected);
    expect((await auditRollups(db.sql, PLAN)).mismatches).toEqual([]);
  });

  it("writes the settled hours of recent events as hour blocks and leaves the unsettled ones to the rollups", async () => {
    await storeEvents(db.sql, tradingEvents(200, { endMs: NOW, spanMs: 60 * 60_000, seed: 22 }));
    await drain(testCycle(db.sql, { plan: PLAN }));
    const compaction = new SeriesCompaction(db.sql, { intervals: PLAN.intervals, retentionMs: 30 * DAY, allowedLatenessMs: DAY });
    const before = settledBlockEnds(Date.now());
    await compaction.pass(false);
    const after = settledBlockEnds(Date.now());
    const recent = await db.sql<{ start: Date; hours: number }[]>`
      select block_start as start, block_hours as hours from metric_series_blocks where block_start >= ${new Date(NOW - 2 * HOUR)}`;
    for (const block of recent) expect(block.start.getTime()).toBeLessThan(block.hours === 24 ? after.dayEnd : after.hourEnd);
    const firstHour = utcHourStart(NOW - 60 * 60_000);
    const settled = recent.filter((block) => block.hours === 1 && block.start.getTime() === firstHour);
    if (before.hourEnd > firstHour) expect(settled.length).toBeGreaterThan(0);
    else expect(settled).toEqual([]);
  });
});
