import { randomUUID } from "node:crypto";
import {
  type AnalyticsEvent,
  OrderLifecycleRepository,
  type OrderTransitions,
  RollupsRepository,
  TradingAnalyticsReader,
} from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import type { AggregationCycle } from "./aggregation-cycle";
import { RollupPlan } from "./domain/rollup-plan";
import { RollupsRebuild } from "./rebuild/rollups-rebuild";
import { EventTail } from "./storage/event-tail";
import { TEST_PLAN, testCycle } from "./testing/aggregator-fixture";
import { orderLifecycleEvents } from "./testing/order-lifecycles";
import { seeded, storeEvents } from "./testing/trading-events";
import { auditRollups } from "./verify/rollup-audit";

const MINUTE = Date.UTC(2026, 10, 23, 14, 30, 0);
const DAY_MS = 86_400_000;

/** Runs cycles until all is folded; returns the order transitions they reported. */
async function drainCounting(cycle: AggregationCycle): Promise<OrderTransitions> {
  const total = { placed: 0, filled: 0, canceled: 0, rejected: 0 };
  for (let idle = 0; idle < 200; ) {
    const result = await cycle.run();
    if (result.outcome === "folded") {
      for (const state of Object.keys(total) as Array<keyof OrderTransitions>) total[state] += result.orders[state];
      continue;
    }
    if ((await cycle.unfoldedEvents()) === 0) return total;
    idle += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("events stay unfolded: a transaction holds the horizon back");
}

function at(second: number, eventType: string, orderId: string, properties: Record<string, unknown> = {}, receivedLateMs = 0): AnalyticsEvent {
  const timestamp = new Date(MINUTE + second * 1000);
  return {
    eventId: randomUUID(),
    eventType,
    userId: "trader-1",
    sessionId: null,
    properties: { order_id: orderId, symbol: "BTCUSDT", side: "BUY", strategy_id: "alpha", ...properties },
    timestamp,
    receivedAt: new Date(timestamp.getTime() + receivedLateMs),
    source: null,
  };
}

/** The per-order cohort figures with plain SQL over the raw events (the events the aggregator folds). */
async function cohortBySql(db: TestDatabase, from: Date, to: Date, strategy?: string) {
  const [row] = await db.sql<{ placed: number; filled: number; canceled: number; rejected: number }[]>`
    with o as (
      select properties->>'order_id' as id,
             min("timestamp") filter (where event_type = 'order.placed') as placed_at,
             (array_agg((properties->>'quantity')::float8 order by "timestamp", id) filter (where event_type = 'order.placed'))[1] as ordered,
             (array_agg(properties->>'strategy_id' order by "timestamp", id) filter (where event_type = 'order.placed'))[1] as strategy,
             bool_or(event_type = 'order.filled' and properties->'is_partial' = 'false') as final_fill,
             coalesce(sum((properties->>'quantity')::float8) filter (where event_type = 'order.filled'), 0) as filled,
             bool_or(event_type = 'order.canceled') as canceled,
             bool_or(event_type = 'order.rejected') as rejected
      from events
      where event_type like 'order.%' and created_at - "timestamp" <= ${`${TEST_PLAN.allowedLatenessMs} milliseconds`}::interval
      group by 1)
    select count(*)::int as placed,
           count(*) filter (where final_fill or filled >= ordered)::int as filled,
           count(*) filter (where not (final_fill or filled >= ordered) and rejected)::int as rejected,
           count(*) filter (where not (final_fill or filled >= ordered) and not rejected and canceled)::int as canceled
    from o where placed_at >= ${from} and placed_at < ${to} ${strategy ? db.sql`and strategy = ${strategy}` : db.sql``}`;
  return row!;
}

describe("order lifecycle (order_analytics)", () => {
  describe("a hand-computed minute: duplicates, out-of-order and late events, fills split across cycles", () => {
    let db: TestDatabase;
    let reader: TradingAnalyticsReader;
    let transitions: OrderTransitions;

    const firstFillOfX = at(2, "order.filled", "X", { price: 101, quantity: 1, is_partial: true });
    const CYCLES: AnalyticsEvent[][] = [
      [
        at(0, "order.placed", "X", { order_type: "LIMIT", price: 100, quantity: 3 }),
        firstFillOfX,
        at(5, "order.filled", "Y", { price: 50, quantity: 1, is_partial: false }), // before its placement
        at(0, "order.placed", "Z", { order_type: "LIMIT", price: 10, quantity: 2 }),
        at(3, "order.filled", "Z", { price: 10, quantity: 1, is_partial: true }),
        at(9, "order.filled", "U", { price: 1, quantity: 1, is_partial: false }), // never placed
      ],
      [
        firstFillOfX, // a re-delivered copy: storage keeps one
        at(1, "order.placed", "Y", { order_type: "MARKET", price: 50, quantity: 1 }),
        at(6, "order.canceled", "Z", { remaining_quantity: 1 }),
        at(0, "order.placed", "W", { order_type: "LIMIT", price: 5, quantity: 1 }),
        at(1, "order.rejected", "W", { reason: "risk" }),
        at(0, "order.placed", "V", { order_type: "LIMIT", price: 7, quantity: 1 }),
        at(8, "order.filled", "V", { price: 7, quantity: 1, is_partial: false }, 2 * DAY_MS), // stored past the allowed lateness
      ],
      [at(4, "order.filled", "X", { price: 102, quantity: 2, is_partial: false })],
    ];

    beforeAll(async () => {
      db = await createTestDatabase("order_lifecycle");
      const cycle = testCycle(db.sql);
      transitions = { placed: 0, filled: 0, canceled: 0, rejected: 0 };
      for (const events of CYCLES) {
        await storeEvents(db.sql, events);
        const counted = await drainCounting(cycle);
        for (const state of Object.keys(transitions) as Array<keyof OrderTransitions>) transitions[state] += counted[state];
      }
      reader = new TradingAnalyticsReader(new RollupsRepository(db.sql), new OrderLifecycleRepository(db.sql));
    });

    afterAll(async () => {
      await db.drop();
    });

    const minute = { interval: "1m" as const, from: new Date(MINUTE), to: new Date(MINUTE + 60_000) };

    it("keeps one row per order with its status, quantities, VWAP and times", async () => {
      const rows = await db.sql<Record<string, unknown>[]>`
        select order_id, status, placed_at, quantity, filled_quantity, fill_count, avg_fill_price, first_fill_at, filled_at, canceled_at, rejected_at, order_type
        from order_analytics order by order_id`;
      const t = (second: number) => new Date(MINUTE + second * 1000);
      expect(rows).toEqual([
        { order_id: "U", status: "filled", placed_at: null, quantity: null, filled_quantity: 1, fill_count: 1, avg_fill_price: 1, first_fill_at: t(9), filled_at: t(9), canceled_at: null, rejected_at: null, order_type: null },
        { order_id: "V", status: "open", placed_at: t(0), quantity: 1, filled_quantity: 0, fill_count: 0, avg_fill_price: null, first_fill_at: null, filled_at: null, canceled_at: null, rejected_at: null, order_type: "LIMIT" },
        { order_id: "W", status: "rejected", placed_at: t(0), quantity: 1, filled_quantity: 0, fill_count: 0, avg_fill_price: null, first_fill_at: null, filled_at: null, canceled_at: null, rejected_at: t(1), order_type: "LIMIT" },
        { order_id: "X", status: "filled", placed_at: t(0), quantity: 3, filled_quantity: 3, fill_count: 2, avg_fill_price: (101 + 204) / 3, first_fill_at: t(2), filled_at: t(4), canceled_at: null, rejected_at: null, order_type: "LIMIT" },
        { order_id: "Y", status: "filled", placed_at: t(1), quantity: 1, filled_quantity: 1, fill_count: 1, avg_fill_price: 50, first_fill_at: t(5), filled_at: t(5), canceled_at: null, rejected_at: null, order_type: "MARKET" },
        { order_id: "Z", status: "canceled", placed_at: t(0), quantity: 2, filled_quantity: 1, fill_count: 1, avg_fill_price: 10, first_fill_at: t(3), filled_at: null, canceled_at: t(6), rejected_at: null, order_type: "LIMIT" },
      ]);
    });

    it("counts the fill rate per placed order: 2 of 5 filled, partial fills and unplaced orders not counted", async () => {
      expect(await reader.orderRates(minute)).toEqual({
        placed: 5, filled: 2, partiallyFilled: 0, canceled: 1, rejected: 1, open: 1,
        orderedQuantity: 8, filledQuantity: 5, fillRate: 40, cancelRate: 20, rejectRate: 20, quantityFillRate: 62.5,
      });
      expect(await cohortBySql(db, minute.from, minute.to)).toEqual({ placed: 5, filled: 2, canceled: 1, rejected: 1 });
    });

    it("reports each placed order once per state it reached, across cycles", () => {
      expect(transitions).toEqual({ placed: 5, filled: 2, canceled: 1, rejected: 1 });
    });

    it("matches plain SQL over the raw events, column by column, and the audit sees a row changed behind its back", async () => {
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
      await db.sql`update order_analytics set filled_quantity = 2.5 where order_id = 'X'`;
      try {
        expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([
          {
            table: "order_analytics",
            orderId: "X",
            columns: { filled_quantity: { stored: 2.5, exact: 3 } },
          },
        ]);
      } finally {
        await db.sql`update order_analytics set filled_quantity = 3 where order_id = 'X'`;
      }
    });
  });

  describe("many orders stored shuffled, in random batches, with re-delivered copies", () => {
    let db: TestDatabase;
    let reader: TradingAnalyticsReader;
    let transitions: OrderTransitions;
    const END = Date.UTC(2026, 10, 24, 0, 0, 0);
    const SPAN = 12 * 3_600_000;

    beforeAll(async () => {
      db = await createTestDatabase("order_lifecycle_random");
      const random = seeded(11);
      const events = orderLifecycleEvents(600, { endMs: END, spanMs: SPAN, seed: 11 });
      const shuffled = events.map((event) => ({ event, key: random() })).sort((a, b) => a.key - b.key).map(({ event }) => event);
      const cycle = testCycle(db.sql, { maxEvents: 150 });
      transitions = { placed: 0, filled: 0, canceled: 0, rejected: 0 };
      for (let start = 0; start < shuffled.length; ) {
        const size = 1 + Math.floor(random() * 300);
        const batch = shuffled.slice(start, start + size);
        const copies = shuffled.slice(0, start).filter(() => random() < 0.03);
        await storeEvents(db.sql, [...batch, ...copies]);
        const counted = await drainCounting(cycle);
        for (const state of Object.keys(transitions) as Array<keyof OrderTransitions>) transitions[state] += counted[state];
        start += size;
      }
      reader = new TradingAnalyticsReader(new RollupsRepository(db.sql), new OrderLifecycleRepository(db.sql));
    });

    afterAll(async () => {
      await db.drop();
    });

    it("matches plain SQL over the raw events, column by column", async () => {
      const audit = await auditRollups(db.sql, TEST_PLAN);
      expect(audit.mismatches).toEqual([]);
      expect(audit.rowsCompared).toBeGreaterThan(600);
    });

    it("gives the fill rate of any placement range and strategy as plain SQL does, never above 100", async () => {
      const ranges = [
        { interval: "1h" as const, from: new Date(END - SPAN - 3_600_000), to: new Date(END + 3_600_000) },
        { interval: "1m" as const, from: new Date(END - 5 * 3_600_000 - 17 * 60_000), to: new Date(END - 3_600_000 + 4 * 60_000) },
      ];
      for (const range of ranges) {
        for (const strategy of [undefined, "momentum"]) {
          const rates = await reader.orderRates(range, strategy ? { dimension: "strategy", value: strategy } : undefined);
          const exact = await cohortBySql(db, range.from, range.to, strategy);
          expect({ placed: rates.placed, filled: rates.filled, canceled: rates.canceled, rejected: rates.rejected }).toEqual(exact);
          expect(rates.placed).toBeGreaterThan(50);
          expect(rates.fillRate).toBeCloseTo((100 * exact.filled) / exact.placed, 10);
          expect(rates.fillRate!).toBeLessThanOrEqual(100);
          expect(rates.placed).toBe(rates.filled + rates.partiallyFilled + rates.canceled + rates.rejected + rates.open);
        }
      }
    });

    it("serves trading.order_fill_rate and trading.total_volume per 30m and 4h bucket as plain SQL groups them", async () => {
      const range = { from: new Date(END - SPAN), to: new Date(END) };
      for (const widthMs of [30 * 60_000, 4 * 3_600_000]) {
        const width = `${widthMs} milliseconds`;
        const fillRate = await reader.fillRateSeries({ widthMs, ...range });
        const exactFill = await db.sql<{ bucket: Date; placed: number }[]>`
          select date_bin(${width}::interval, "timestamp", timestamptz 'epoch') as bucket, count(distinct properties->>'order_id')::int as placed
          from events where event_type = 'order.placed' and "timestamp" >= ${range.from} and "timestamp" < ${range.to}
          group by 1 order by 1`;
        expect(fillRate.points.map((p) => ({ bucket: p.bucketStart, placed: p.placed }))).toEqual(exactFill);
        expect(fillRate.points.every((p) => p.fillRate !== null && p.fillRate <= 100)).toBe(true);
        expect(fillRate.summary.filled).toBe(fillRate.points.reduce((n, p) => n + p.filled, 0));

        const volume = await reader.volumeSeries({ widthMs, ...range });
        const exactVolume = await db.sql<{ bucket: Date; fills: number; notional: number }[]>`
          select date_bin(${width}::interval, "timestamp", timestamptz 'epoch') as bucket, count(*)::int as fills,
                 sum((properties->>'price')::float8 * (properties->>'quantity')::float8) as notional
          from events where event_type = 'order.filled' and "timestamp" >= ${range.from} and "timestamp" < ${range.to}
          group by 1 order by 1`;
        expect(volume.points.map((p) => ({ bucket: p.bucketStart, fills: p.fills }))).toEqual(exactVolume.map(({ bucket, fills }) => ({ bucket, fills })));
        volume.points.forEach((point, index) => expect(point.notional).toBeCloseTo(exactVolume[index]!.notional, 6));
      }
    });

    it("rebuilds the orders of a day from all their events: a damaged row comes back as it was", async () => {
      // Sums refolded in another order may differ in the last bits: numbers compared to 12 digits.
      const rounded = (row: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(row).filter(([name]) => name !== "updated_at").map(([name, v]) => [name, typeof v === "number" ? Number(v.toPrecision(12)) : v]));
      const snapshot = () => db.sql<Record<string, unknown>[]>`select * from order_analytics order by order_id`.then((rows) => rows.map(rounded));
      const before = await snapshot();
      await db.sql`update order_analytics set fill_count = 99, canceled_at = null where order_id in (select order_id from order_analytics order by order_id limit 5)`;
      await db.sql`delete from order_analytics where order_id in (select order_id from order_analytics order by order_id desc limit 5)`;
      const rebuild = new RollupsRebuild(db.sql, new EventTail(db.sql), new RollupsRepository(db.sql), new RollupPlan(TEST_PLAN), 97);
      let refolded = 0;
      for (const day of RollupsRebuild.daysOf(new Date(END - SPAN), new Date(END + DAY_MS))) refolded += (await rebuild.rebuildDay(day)).orders;
      expect(refolded).toBeGreaterThanOrEqual(600);
      expect(await snapshot()).toEqual(before);
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    });

    it("reports each placed order once per state it reached", async () => {
      const [row] = await db.sql<{ placed: number; filled: number; canceled: number; rejected: number }[]>`
        select count(*)::int as placed, count(*) filter (where status = 'filled')::int as filled,
               count(*) filter (where status = 'canceled')::int as canceled, count(*) filter (where status = 'rejected')::int as rejected
        from order_analytics where placed_at is not null`;
      expect(transitions).toEqual(row);
    });
  });
});
