import { RollupsRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { RollupPlan, type RollupPlanOptions } from "../domain/rollup-plan";
import { EventTail } from "../storage/event-tail";
import { drain, TEST_PLAN, testCycle } from "../testing/aggregator-fixture";
import { storeEvents, tradingEvents } from "../testing/trading-events";
import { auditRollups } from "../verify/rollup-audit";
import { RollupsRebuild } from "./rollups-rebuild";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Rebuilds every UTC day the last `spanMs` touches (a span may cross midnight whenever the test runs). */
async function rebuildSpan(rebuild: RollupsRebuild, spanMs: number): Promise<number> {
  let refolded = 0;
  for (const day of RollupsRebuild.daysOf(new Date(Date.now() - spanMs - HOUR), new Date(Date.now() + HOUR))) refolded += (await rebuild.rebuildDay(day)).events;
  return refolded;
}

describe("rollups rebuild", () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase("rollups_rebuild");
  });

  afterEach(async () => {
    await db?.drop();
  });

  const rebuildWith = (plan: RollupPlanOptions, pageSize = 20_000) =>
    new RollupsRebuild(db.sql, new EventTail(db.sql), new RollupsRepository(db.sql), new RollupPlan(plan), pageSize);

  it("pages through events whose times carry microseconds without reading one twice", async () => {
    const now = Date.now();
    await storeEvents(db.sql, tradingEvents(6, { endMs: now - 60_000, spanMs: 1, seed: 21 }));
    // Same millisecond, distinct microseconds: a page position cut to milliseconds re-reads them.
    await db.sql`update events set "timestamp" = "timestamp" + (random() * 900 + 1)::int * interval '1 microsecond'`;
    await drain(testCycle(db.sql));
    expect(await rebuildSpan(rebuildWith(TEST_PLAN, 1), 2 * 60_000)).toBe(6);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  }, 30_000);

  it("leaves set-aside events out of the rebuilt rollups", async () => {
    const events = tradingEvents(200, { endMs: Date.now(), spanMs: HOUR, seed: 22 });
    events[0]!.eventType = "order.filled";
    events[0]!.properties = { symbol: "BTCUSDT", side: "BUY", strategy_id: "momentum", price: 1e200, quantity: 1 };
    await storeEvents(db.sql, events);
    await drain(testCycle(db.sql));
    // Even one set aside for a reason a rebuild would not see again stays out.
    await db.sql`insert into set_aside_events (event_id, event_time, event_type, reason, detail)
                 select id, "timestamp", event_type, 'fold_failed', 'test' from events where id = ${events[1]!.eventId}`;
    expect(await rebuildSpan(rebuildWith(TEST_PLAN), HOUR)).toBe(198);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  });

  it("restores exact rollups for whole days after they were damaged, refolding in pages", async () => {
    // Events over yesterday and today, received right after they happened (none too late).
    await storeEvents(db.sql, tradingEvents(1_500, { endMs: Date.now(), spanMs: DAY + 3_600_000, seed: 11 }));
    await drain(testCycle(db.sql));
    await db.sql`update metric_rollups set count = count + 7 where interval in ('1m', '1d')`;
    await db.sql`delete from metric_rollups where interval = '1h'`;
    await db.sql`delete from rollup_members`;
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches.length).toBeGreaterThan(0);

    const today = Math.floor(Date.now() / DAY) * DAY;
    expect(RollupsRebuild.daysOf(new Date(today - DAY + 5), new Date(today + 10)).map((day) => day.getTime())).toEqual([today - DAY, today]);
    // A series block copied from the damaged rollups (as series compaction would have) must go with them.
    await db.sql`insert into metric_series_blocks (metric_name, interval, dimension, dimension_value, block_start, block_hours, points, point_count)
      values ('events.count.order.placed', '1m', '', '', ${new Date(today - DAY)}, 24, '{"count" : 7}', 1)`;
    expect(await rebuildSpan(rebuildWith(TEST_PLAN, 300), DAY + HOUR)).toBe(1_500);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    expect(await db.sql`select 1 from metric_series_blocks`).toHaveLength(0);
  });

  it("leaves events the aggregator has not folded yet to the aggregator: nothing counts twice", async () => {
    await storeEvents(db.sql, tradingEvents(600, { endMs: Date.now(), spanMs: 3_600_000, seed: 12 }));
    const aggregator = testCycle(db.sql);
    await drain(aggregator);
    await storeEvents(db.sql, tradingEvents(400, { endMs: Date.now(), spanMs: 3_600_000, seed: 13 })); // stored, not folded
    expect(await rebuildSpan(rebuildWith(TEST_PLAN), HOUR)).toBe(600);
    // The aggregator's remembered rows were replaced under it: the cursor's new version tells it.
    expect(await drain(aggregator)).toBe(400);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  });

  it("adds the rollups of a dimension configured after the events were folded", async () => {
    await storeEvents(db.sql, tradingEvents(500, { endMs: Date.now(), spanMs: 3_600_000, seed: 14 }));
    await drain(testCycle(db.sql));
    const withUsers: RollupPlanOptions = {
      ...TEST_PLAN,
      dimensions: [...TEST_PLAN.dimensions, { name: "page", property: "path", event_types: ["page.view"] }],
    };
    expect((await auditRollups(db.sql, withUsers)).mismatches.length).toBeGreaterThan(0);
    await rebuildSpan(rebuildWith(withUsers), HOUR);
    expect((await auditRollups(db.sql, withUsers)).mismatches).toEqual([]);
  });
});
