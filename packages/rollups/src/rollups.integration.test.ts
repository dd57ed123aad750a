import { RollupsRepository } from "@trading-analytics/core";
import postgres from "postgres";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { AggregationCycle } from "./aggregation-cycle";
import { RollupPlan } from "./domain/rollup-plan";
import { EventTail } from "./storage/event-tail";
import { drain, TEST_PLAN, testCycle } from "./testing/aggregator-fixture";
import { storeEvents, tradingEvents } from "./testing/trading-events";
import { auditRollups } from "./verify/rollup-audit";

const HOUR = 3_600_000;
const NOW = Date.now();

describe("aggregator rollups on the real database", () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase("aggregator");
  });

  afterEach(async () => {
    await db.drop();
  });

  it("folds stored events into rollups equal to exact SQL at every interval, percentiles within 1%", async () => {
    for (let batch = 0; batch < 4; batch += 1) {
      await storeEvents(db.sql, tradingEvents(1_500, { endMs: NOW, spanMs: 3 * HOUR, seed: batch + 1 }));
    }
    // Small pages: transactions are cut at their boundaries, never folded twice or skipped.
    expect(await drain(testCycle(db.sql, { maxEvents: 1_000 }))).toBe(6_000);

    const audit = await auditRollups(db.sql, TEST_PLAN);
    expect(audit.mismatches).toEqual([]);
    expect(audit.rowsCompared).toBeGreaterThan(1_000);
    expect(audit.maxPercentileRelError).toBeLessThanOrEqual(0.01);
  });

  it("corrects the bucket of a late event at every interval, and nothing else", async () => {
    await storeEvents(db.sql, tradingEvents(800, { endMs: NOW, spanMs: 2 * HOUR, seed: 9 }));
    const cycle = testCycle(db.sql);
    await drain(cycle);

    const lateTime = NOW - 5 * HOUR - 17_000; // hours older than anything stored so far
    const [late] = tradingEvents(1, { endMs: lateTime, spanMs: 1, seed: 3, receivedAtMs: NOW });
    late!.eventType = "page.view";
    late!.properties = { path: "/late" };
    const before = await countsAt(db, lateTime);
    await storeEvents(db.sql, [late!]);
    expect(await drain(cycle)).toBe(1);

    const after = await countsAt(db, lateTime);
    for (const interval of TEST_PLAN.intervals) expect([interval, after[interval]]).toEqual([interval, (before[interval] ?? 0) + 1]);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  });

  it("records events stored later than the allowed lateness instead of folding them", async () => {
    const plan = { ...TEST_PLAN, allowedLatenessMs: HOUR };
    const onTime = tradingEvents(50, { endMs: NOW, spanMs: 10 * 60_000, seed: 4 });
    const tooLate = tradingEvents(7, { endMs: NOW - 3 * HOUR, spanMs: 60_000, seed: 5, receivedAtMs: NOW });
    await storeEvents(db.sql, [...onTime, ...tooLate]);
    expect(await drain(testCycle(db.sql, { plan }))).toBe(50);

    const recorded = await db.sql<{ event_id: string }[]>`select event_id::text from late_events order by 1`;
    expect(recorded.map((r) => r.event_id)).toEqual(tooLate.map((e) => e.eventId).sort());
    expect((await auditRollups(db.sql, plan)).mismatches).toEqual([]);
  });

  it("never merges into rows it remembers once another replica or a failed cycle changed them", async () => {
    const peerSql = postgres(db.url, { max: 3, onnotice: () => undefined });
    try {
      // Same buckets every time (one hour), so each cycle merges into rows the last one wrote.
      const batch = (seed: number) => tradingEvents(400, { endMs: NOW, spanMs: HOUR, seed });
      const [a, b] = [testCycle(db.sql), testCycle(peerSql)];
      await storeEvents(db.sql, batch(1));
      expect(await drain(a)).toBe(400); // a remembers every row it wrote
      await storeEvents(db.sql, batch(2));
      expect(await drain(b)).toBe(400); // b moves the same rows on
      await storeEvents(db.sql, batch(3));
      expect(await drain(a)).toBe(400); // a must re-read them, not reuse what it wrote
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);

      // A cycle that merges into remembered rows and then fails must not leave them merged.
      class FailingWhenArmed extends RollupsRepository {
        armed = false;
        override async save(...args: Parameters<RollupsRepository["save"]>): Promise<void> {
          if (this.armed) {
            this.armed = false;
            throw new Error("injected failure before the rollups are saved");
          }
          return super.save(...args);
        }
      }
      const failing = new FailingWhenArmed(db.sql);
      const c = new AggregationCycle(db.sql, new EventTail(db.sql), failing, new RollupPlan(TEST_PLAN), 20_000);
      await storeEvents(db.sql, batch(4));
      expect(await drain(c)).toBe(400);
      await storeEvents(db.sql, batch(5));
      failing.armed = true;
      await expect(c.run()).rejects.toThrow("injected failure");
      expect(await drain(c)).toBe(400);
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    } finally {
      await peerSql.end();
    }
  });

  it("reports stored events waiting behind a transaction held open elsewhere instead of calling itself caught up", async () => {
    const holder = postgres(db.url, { max: 1, onnotice: () => undefined });
    try {
      const cycle = testCycle(db.sql);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const holding = new Promise<void>((resolve) => (started = resolve));
      // An open transaction with an xid: the horizon cannot pass anything stored after it began.
      const transaction = holder.begin(async (tx) => {
        await tx`select pg_current_xact_id()`;
        started();
        await held;
      });
      await holding;
      await storeEvents(db.sql, tradingEvents(10, { endMs: NOW, spanMs: 60_000, seed: 9 }));
      const waiting = await cycle.run();
      expect(waiting).toMatchObject({ outcome: "idle", oldestUnfoldedReceivedAtMs: expect.any(Number) });
      release();
      await transaction;
      expect(await drain(cycle)).toBe(10);
      expect(await cycle.run()).toEqual({ outcome: "idle", oldestUnfoldedReceivedAtMs: null });
    } finally {
      await holder.end();
    }
  });

  it("stays exact with two replicas folding while events keep arriving", async () => {
    // The second replica: its own connection pool on the same database.
    const peerSql = postgres(db.url, { max: 3, onnotice: () => undefined });
    try {
      // Small pages: many cycles, so both replicas get turns at the cursor.
      const replicas = [testCycle(db.sql, { maxEvents: 150 }), testCycle(peerSql, { maxEvents: 150 })];
      let writing = true;
      const outcomes = { folded: [0, 0], other_replica: [0, 0] };
      const loops = replicas.map(async (cycle, index) => {
        while (writing) {
          const result = await cycle.run();
          if (result.outcome === "folded") outcomes.folded[index]! += result.folded;
          if (result.outcome === "other_replica") outcomes.other_replica[index]! += 1;
        }
      });
      for (let batch = 0; batch < 20; batch += 1) {
        await storeEvents(db.sql, tradingEvents(300, { endMs: NOW, spanMs: HOUR, seed: 100 + batch }));
      }
      writing = false;
      await Promise.all(loops);
      await drain(replicas[0]!);
      expect(outcomes.folded[0]! + outcomes.folded[1]!).toBeLessThanOrEqual(6_000);

      // Which replica wins the race above is up to the scheduler; here each takes a turn for sure,
      // so both are known to fold into the one cursor (a race test relying on luck failed 1 in 5).
      for (const [turn, replica] of [replicas[1]!, replicas[0]!].entries()) {
        await storeEvents(db.sql, tradingEvents(100, { endMs: NOW, spanMs: HOUR, seed: 200 + turn }));
        // drain, not one run: a transaction elsewhere on the server may hold the horizon a moment.
        expect(await drain(replica)).toBe(100);
      }
      const audit = await auditRollups(db.sql, TEST_PLAN);
      expect(audit.mismatches).toEqual([]);
      const [cursor] = await db.sql<{ n: string }[]>`select events_folded::text as n from aggregation_cursors`;
      expect(Number(cursor!.n)).toBe(6_200);
    } finally {
      await peerSql.end();
    }
  });
});

async function countsAt(db: TestDatabase, timeMs: number): Promise<Record<string, number>> {
  const rollups = new RollupsRepository(db.sql);
  const counts: Record<string, number> = {};
  for (const interval of TEST_PLAN.intervals) {
    const rows = await rollups.series({ metric: "events.count.page.view", interval, from: new Date(timeMs - 86_400_000), to: new Date(timeMs + 1) });
    const holding = rows.filter((row) => row.key.bucketStartMs <= timeMs).at(-1);
    counts[interval] = holding?.state.count ?? 0;
  }
  return counts;
}
