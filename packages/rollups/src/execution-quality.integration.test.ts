import { randomUUID } from "node:crypto";
import { type AnalyticsEvent, ExecutionQualityReader, RollupsRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { RollupPlan } from "./domain/rollup-plan";
import { RollupsRebuild } from "./rebuild/rollups-rebuild";
import { EventTail } from "./storage/event-tail";
import { drain, TEST_PLAN, testCycle } from "./testing/aggregator-fixture";
import { orderLifecycleEvents } from "./testing/order-lifecycles";
import { seeded, storeEvents } from "./testing/trading-events";
import { auditRollups } from "./verify/rollup-audit";

const START = Date.UTC(2026, 10, 23, 14, 0, 0);
const HOUR_MS = 3_600_000;
const LATENESS = `${TEST_PLAN.allowedLatenessMs} milliseconds`;

function event(eventType: string, second: number, properties: Record<string, unknown>, storedLateMs = 20): AnalyticsEvent {
  const timestamp = new Date(START + second * 1000);
  return { eventId: randomUUID(), eventType, userId: "trader", sessionId: null, properties, timestamp, receivedAt: new Date(timestamp.getTime() + storedLateMs), source: null };
}
const quote = (second: number, symbol: string, bid: number, ask: number, storedLateMs?: number) =>
  event("market.data.update", second, { symbol, bid, ask, price: (bid + ask) / 2 }, storedLateMs);

/** Each figure of trading_execution_figures with plain SQL over the raw events (the ones the aggregator folds). */
async function figuresBySql(db: TestDatabase, from: Date, to: Date, by: "strategy" | "symbol" | null) {
  return db.sql.unsafe<Array<Record<string, number | string | null>>>(
    `with ev as (
       select id, event_type, date_trunc('milliseconds', "timestamp") as t, properties as p from events
       where created_at - "timestamp" <= $1::interval),
     quotes as (
       select p->>'symbol' as sym, t, id,
              case when (p->>'bid')::float8 > 0 and (p->>'ask')::float8 >= (p->>'bid')::float8 then ((p->>'bid')::float8 + (p->>'ask')::float8) / 2 end as mid
       from ev where event_type = 'market.data.update' and p ? 'symbol'),
     placed as (
       select distinct on (p->>'order_id') p->>'order_id' as oid, t as placed_at, p->>'symbol' as sym, p->>'strategy_id' as strategy,
              case upper(p->>'side') when 'BUY' then 1 when 'SELL' then -1 end as sign, (p->>'price')::float8 as lim, (p->>'quantity')::float8 as qty
       from ev where event_type = 'order.placed' order by p->>'order_id', t, id),
     fills as (
       select p->>'order_id' as oid, t, p->>'symbol' as sym, (p->>'price')::float8 as price, (p->>'quantity')::float8 as qty,
              (p->>'fee')::float8 as fee, p->'is_partial' = 'false'::jsonb as final
       from ev where event_type = 'order.filled'),
     ended as (
       select p->>'order_id' as oid, coalesce(min(t) filter (where event_type = 'order.rejected'), min(t) filter (where event_type = 'order.canceled')) as at
       from ev where event_type in ('order.canceled', 'order.rejected') group by 1),
     o as (
       select pl.*, case $4 when 'strategy' then pl.strategy when 'symbol' then pl.sym end as grp,
              coalesce(a.mid, pl.lim) as arrival, a.mid is not null as from_mid, em.mid as end_mid, e.at as ended_at,
              (select sum(f.qty) from fills f where f.oid = pl.oid) as filled,
              (select sum(f.qty) from fills f where f.oid = pl.oid and f.price is not null) as priced,
              (select sum(f.price * f.qty) from fills f where f.oid = pl.oid) as notional,
              (select bool_or(f.final) from fills f where f.oid = pl.oid) as final
       from placed pl
       left join lateral (select q.mid from quotes q where q.sym = pl.sym and q.t <= pl.placed_at order by q.t desc, q.id desc limit 1) a on true
       left join ended e on e.oid = pl.oid
       left join lateral (select q.mid from quotes q where q.sym = pl.sym and q.t <= e.at order by q.t desc, q.id desc limit 1) em on true
       where pl.placed_at >= $2 and pl.placed_at < $3 and pl.sign is not null),
     slip as (
       select grp, from_mid, priced as filled, arrival, sign * (notional / priced - arrival) / arrival * 1e4 as bps, sign * (notional - arrival * priced) as cost
       from o where priced > 0),
     spreads as (
       select o.grp, 2 * o.sign * (f.price - q.mid) / q.mid * 1e4 as bps, f.price * f.qty as notional
       from o join fills f on f.oid = o.oid
       join lateral (select q.mid from quotes q where q.sym = f.sym and q.t <= f.t order by q.t desc, q.id desc limit 1) q on q.mid is not null),
     groups as (select distinct grp from o)
     select g.grp as group_value,
            (select count(*)::int from slip s where s.grp is not distinct from g.grp) as orders_measured,
            (select count(*)::int from slip s where s.grp is not distinct from g.grp and s.from_mid) as arrival_mid,
            (select (array_agg(bps order by bps))[floor(0.5 * (count(*) - 1))::int + 1] from slip s where s.grp is not distinct from g.grp) as slippage_p50,
            (select (array_agg(bps order by bps))[floor(0.95 * (count(*) - 1))::int + 1] from slip s where s.grp is not distinct from g.grp) as slippage_p95,
            (select sum(cost) / sum(arrival * filled) * 1e4 from slip s where s.grp is not distinct from g.grp) as slippage_volume_weighted,
            (select count(*)::int from spreads s where s.grp is not distinct from g.grp) as spread_count,
            (select (array_agg(bps order by bps))[floor(0.99 * (count(*) - 1))::int + 1] from spreads s where s.grp is not distinct from g.grp) as spread_p99,
            (select sum(bps * notional) / sum(notional) from spreads s where s.grp is not distinct from g.grp) as spread_volume_weighted,
            (select coalesce(sum(cost), 0) from slip s where s.grp is not distinct from g.grp) as execution_cost,
            (select coalesce(sum(sign * (end_mid - arrival) * greatest(qty - coalesce(filled, 0), 0)), 0) from o
              where o.grp is not distinct from g.grp and ended_at is not null and end_mid is not null
                and not (coalesce(final, false) or coalesce(filled, 0) >= qty * (1 - 1e-9))) as opportunity_cost,
            (select sum(f.fee) from o join fills f on f.oid = o.oid where o.grp is not distinct from g.grp) as fees,
            (select sum(arrival * qty) from o where o.grp is not distinct from g.grp) as arrival_notional
     from groups g order by g.grp nulls last`,
    [LATENESS, from, to, by],
  );
}

async function figuresByFunction(db: TestDatabase, from: Date, to: Date, by: "strategy" | "symbol" | null) {
  return db.sql<Array<Record<string, number | string | null>>>`
    select group_value, orders_measured::int, arrival_mid::int, slippage_p50, slippage_p95, slippage_volume_weighted, spread_count::int,
           spread_p99, spread_volume_weighted, execution_cost, opportunity_cost, fees, arrival_notional
    from trading_execution_figures(${from}, ${to}, ${by})`;
}

/** Percentiles come from 1 % log bins: within 1 % of the value at rank floor(q × (n − 1)). */
function expectWithinOnePercent(actual: number | null | undefined, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(0.01 * Math.abs(expected) + 1e-9);
}

function expectSameFigures(actual: Array<Record<string, unknown>>, expected: Array<Record<string, unknown>>) {
  expect(actual.map((row) => row.group_value)).toEqual(expected.map((row) => row.group_value));
  actual.forEach((row, index) => {
    for (const [name, value] of Object.entries(expected[index]!)) {
      if (typeof value === "number" && /_p\d+$/.test(name)) expectWithinOnePercent(row[name] as number, value);
      else if (typeof value === "number") expect([name, row[name] as number]).toEqual([name, expect.closeTo(value, 6)]);
      else expect([name, row[name]]).toEqual([name, value]);
    }
  });
}

describe("execution quality (arrival, fills, trading_execution_figures)", () => {
  describe("ties at one millisecond: two quotes at an order's placement, fill and cancel times", () => {
    let db: TestDatabase;
    afterAll(() => db.drop());

    it("takes the quote with the higher event id, and a quote at the very time counts, whether the quotes come before or after the orders", async () => {
      db = await createTestDatabase("execution_ties");
      const pair = (second: number, mids: [number, number]) => mids.map((mid) => quote(second, "BTCUSDT", mid - 1, mid + 1, HOUR_MS));
      const [first, second] = [pair(1, [100, 200]), pair(9, [300, 400])];
      const winner = (quotes: AnalyticsEvent[]) => [...quotes].sort((a, b) => (a.eventId < b.eventId ? 1 : -1))[0]!.properties.price;
      const order = (id: string) => [
        event("order.placed", 1, { order_id: id, symbol: "BTCUSDT", side: "BUY", strategy_id: "s1", price: 999, quantity: 2 }),
        event("order.filled", 1, { order_id: id, symbol: "BTCUSDT", side: "BUY", price: 150, quantity: 1, is_partial: true }),
        event("order.canceled", 9, { order_id: id, symbol: "BTCUSDT", side: "BUY" }),
      ];
      // E is folded before its quotes (re-marked when they arrive), L after them (marked by the merge).
      await storeEvents(db.sql, order("E"));
      await drain(testCycle(db.sql, { maxEvents: 2 }));
      await storeEvents(db.sql, [...first, ...second]);
      await drain(testCycle(db.sql, { maxEvents: 3 }));
      await storeEvents(db.sql, order("L"));
      await drain(testCycle(db.sql));

      const marks = { arrival_price: winner(first), arrival_source: "mid", end_mid: winner(second), mid_at_fill: winner(first) };
      expect(await db.sql`select o.order_id, arrival_price, arrival_source, end_mid, mid_at_fill from order_analytics o join order_fills f using (order_id) order by 1`).toEqual([
        { order_id: "E", ...marks },
        { order_id: "L", ...marks },
      ]);
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    });
  });

  describe("a hand-computed minute: a late quote between an earlier quote and a placement, a fill before its placement, a duplicate", () => {
    let db: TestDatabase;
    const fillOfA = event("order.filled", 12, { order_id: "A", symbol: "BTCUSDT", side: "BUY", price: 101, quantity: 2, fee: 0.5, is_partial: false });

    beforeAll(async () => {
      db = await createTestDatabase("execution_hand");
      const cycle = testCycle(db.sql);
      await storeEvents(db.sql, [
        quote(0, "BTCUSDT", 99, 101), // mid 100
        event("order.placed", 10, { order_id: "A", symbol: "BTCUSDT", side: "BUY", strategy_id: "s1", price: 105, quantity: 2 }),
        fillOfA,
        // B's fill is stored a cycle before its placement; ETHUSDT has no quotes: arrival is the limit price.
        event("order.filled", 40, { order_id: "B", symbol: "ETHUSDT", side: "sell", price: 49, quantity: 1, is_partial: false }),
        event("order.placed", 20, { order_id: "C", symbol: "BTCUSDT", side: "buy", strategy_id: "s1", price: 110, quantity: 4 }),
        event("order.filled", 21, { order_id: "C", symbol: "BTCUSDT", side: "buy", price: 103, quantity: 1, is_partial: true }),
      ]);
      await drain(cycle);
    });
    afterAll(() => db.drop());

    const arrivals = () => db.sql`select order_id, arrival_price, arrival_source, end_mid from order_analytics order by order_id`;

    it("marks the arrival from the mid in force, else the limit price", async () => {
      expect(await arrivals()).toEqual([
        { order_id: "A", arrival_price: 100, arrival_source: "mid", end_mid: null },
        { order_id: "B", arrival_price: null, arrival_source: null, end_mid: null }, // not placed yet
        { order_id: "C", arrival_price: 100, arrival_source: "mid", end_mid: null },
      ]);
    });

    it("re-marks the orders and fills a late quote now governs, and folds a late placement and a duplicate once", async () => {
      await storeEvents(db.sql, [
        quote(5, "BTCUSDT", 101, 103, HOUR_MS), // late: mid 102 from second 5 on
        quote(25, "BTCUSDT", 103, 105), // mid 104
        event("order.placed", 30, { order_id: "B", symbol: "ETHUSDT", side: "sell", strategy_id: "s2", price: 50, quantity: 1 }),
        event("order.canceled", 35, { order_id: "C", symbol: "BTCUSDT", side: "buy" }),
        fillOfA, // re-sent: storage keeps one
      ]);
      await drain(testCycle(db.sql));
      expect(await arrivals()).toEqual([
        { order_id: "A", arrival_price: 102, arrival_source: "mid", end_mid: null },
        { order_id: "B", arrival_price: 50, arrival_source: "limit", end_mid: null },
        { order_id: "C", arrival_price: 102, arrival_source: "mid", end_mid: 104 },
      ]);
      expect(await db.sql`select order_id, mid_at_fill from order_fills order by order_id, filled_at`).toEqual([
        { order_id: "A", mid_at_fill: 102 },
        { order_id: "B", mid_at_fill: null },
        { order_id: "C", mid_at_fill: 102 },
      ]);
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    });

    it("computes slippage, effective spread and shortfall as defined", async () => {
      const [figures] = await new ExecutionQualityReader(db.sql).figures({ from: new Date(START), to: new Date(START + 60_000) });
      const slipA = ((101 - 102) / 102) * 1e4;
      const slipB = -((49 - 50) / 50) * 1e4;
      const slipC = ((103 - 102) / 102) * 1e4;
      expect(figures!.ordersMeasured).toBe(3);
      expect(figures!.arrivalSource).toEqual({ mid: 2, limit: 1 });
      expectWithinOnePercent(figures!.slippageBps.p50, slipC);
      // Σ side × (fill − arrival) × qty / Σ arrival × qty
      const cost = (101 - 102) * 2 + -(49 - 50) * 1 + (103 - 102) * 1;
      expect(figures!.slippageBps.volumeWeighted).toBeCloseTo((cost / (102 * 2 + 50 + 102 * 1)) * 1e4, 9);
      // Over [A, C, B] (ascending), ranks floor(q × 2) are 1 for p50, p95 and p99: C.
      expect(slipA).toBeLessThan(slipC);
      expect(slipC).toBeLessThan(slipB);
      expectWithinOnePercent(figures!.slippageBps.p95, slipC);
      expectWithinOnePercent(figures!.slippageBps.p99, slipC);
      // Fills with a mid: A (2 × (101 − 102) / 102) and C (2 × (103 − 102) / 102).
      expect(figures!.effectiveSpreadBps.count).toBe(2);
      expect(figures!.effectiveSpreadBps.volumeWeighted).toBeCloseTo(((2 * (-1 / 102) * 1e4) * 202 + (2 * (1 / 102) * 1e4) * 103) / 305, 9);
      // C was canceled with 3 unfilled: opportunity (104 − 102) × 3; A's fee 0.5.
      const shortfall = figures!.implementationShortfall;
      expect(shortfall.executionCost).toBeCloseTo(cost, 9);
      expect(shortfall.opportunityCost).toBeCloseTo(6, 9);
      expect(shortfall.fees).toBeCloseTo(0.5, 9);
      expect(shortfall.arrivalNotional).toBeCloseTo(102 * 2 + 50 + 102 * 4, 9);
      expect(shortfall.bps).toBeCloseTo(((cost + 6 + 0.5) / (102 * 2 + 50 + 102 * 4)) * 1e4, 9);
    });

    it("breaks the cohort down by strategy", async () => {
      const rows = await new ExecutionQualityReader(db.sql).figures({ from: new Date(START), to: new Date(START + 60_000), by: "strategy" });
      expect(rows.map((row) => [row.group, row.ordersMeasured])).toEqual([["s1", 2], ["s2", 1]]);
    });

    it("leaves a fill without a price out of slippage and cost: the priced fills alone set the order's price", async () => {
      // Minute 5, BUY 10 at arrival mid 100: 5 filled at 101, 5 reported without a price.
      await storeEvents(db.sql, [
        quote(300, "SOLUSDT", 99, 101),
        event("order.placed", 301, { order_id: "D", symbol: "SOLUSDT", side: "BUY", price: 102, quantity: 10 }),
        event("order.filled", 302, { order_id: "D", symbol: "SOLUSDT", side: "BUY", price: 101, quantity: 5, is_partial: true }),
        event("order.filled", 303, { order_id: "D", symbol: "SOLUSDT", side: "BUY", quantity: 5, is_partial: false }),
      ]);
      await drain(testCycle(db.sql));
      const [figures] = await new ExecutionQualityReader(db.sql).figures({ from: new Date(START + 300_000), to: new Date(START + 360_000) });
      expect(figures!.ordersMeasured).toBe(1);
      expectWithinOnePercent(figures!.slippageBps.p50, 100); // (101 − 100) / 100 × 10,000
      expect(figures!.implementationShortfall.executionCost).toBeCloseTo(5, 9); // (101 − 100) × 5
    });
  });

  describe("many orders and quotes, with late quotes, duplicates and out-of-order pages", () => {
    let db: TestDatabase;
    const range = { from: new Date(START - HOUR_MS), to: new Date(START + HOUR_MS) };

    /** Quotes around each symbol's order prices, so slippage means something. */
    function quotes(count: number, seed: number, storedAtMs?: number): AnalyticsEvent[] {
      const random = seeded(seed);
      return Array.from({ length: count }, (_, index) => {
        const symbol = ["BTCUSDT", "ETHUSDT", "SOLUSDT"][index % 3]!;
        const mid = 100 + random() * 900;
        const half = random() * 0.5;
        const timeMs = START - Math.floor(random() * HOUR_MS);
        const properties = random() < 0.05 ? { symbol, bid: mid + half + 0.01, ask: mid - half } : { symbol, bid: mid - half, ask: mid + half };
        return { ...event("market.data.update", 0, properties), timestamp: new Date(timeMs), receivedAt: new Date(storedAtMs ?? timeMs + 20) };
      });
    }

    beforeAll(async () => {
      db = await createTestDatabase("execution_random");
      const orders = orderLifecycleEvents(400, { endMs: START, spanMs: HOUR_MS, seed: 11 }).map((e, index) => {
        const p = { ...e.properties };
        if (index % 3 === 0 && typeof p.side === "string") p.side = p.side.toLowerCase();
        if (e.eventType === "order.filled") p.fee = Math.round(Number(p.notional) * 10) / 10_000;
        return { ...e, properties: p };
      });
      const early = [...quotes(300, 3), ...orders.filter((_, index) => index % 4 !== 0)];
      const cycle = testCycle(db.sql, { maxEvents: 97 });
      await storeEvents(db.sql, early);
      await drain(cycle);
      // Late quotes between earlier ones, the held-back order events, and re-sent copies.
      await storeEvents(db.sql, [...quotes(150, 4, START + HOUR_MS), ...orders.filter((_, index) => index % 4 === 0), ...early.slice(0, 80)]);
      await drain(cycle);
    });
    afterAll(() => db.drop());

    it("keeps arrival and fills exact: the audit recomputes them over the events", async () => {
      const [counts] = await db.sql`select count(*) filter (where arrival_source = 'mid')::int as mid, count(*) filter (where arrival_source = 'limit')::int as limit from order_analytics`;
      expect(counts!.mid).toBeGreaterThan(100);
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    });

    it.each([null, "strategy", "symbol"] as const)("gives the figures plain SQL over the events gives (by %s), before and after the summaries' refresh", async (by) => {
      // Whole hours, and a range that starts and ends inside an hour (its edges read from the orders).
      const ranges = [range, { from: new Date(START - HOUR_MS + 17 * 60_000), to: new Date(START + HOUR_MS - 4 * 60_000) }];
      for (const { from, to } of ranges) {
        await db.sql`select order_cohort_mark_hours(array(select date_trunc('hour', placed_at, 'UTC') from order_analytics))`;
        const expected = await figuresBySql(db, from, to, by);
        expectSameFigures(await figuresByFunction(db, from, to, by), expected);
        await db.sql`select refresh_order_cohort_summaries(100000)`;
        expectSameFigures(await figuresByFunction(db, from, to, by), expected);
      }
    });

    it("names each mark that differs from the quote in force: arrival quote time, end mid, mid at a fill", async () => {
      const [order] = await db.sql<{ order_id: string; arrival_quote_at: Date }[]>`
        select order_id, arrival_quote_at from order_analytics where arrival_source = 'mid' order by order_id limit 1`;
      const [ended] = await db.sql<{ order_id: string; end_mid: number }[]>`select order_id, end_mid from order_analytics where end_mid is not null order by order_id limit 1`;
      const [fill] = await db.sql<{ event_id: string; mid_at_fill: number }[]>`select event_id::text, mid_at_fill from order_fills where mid_at_fill is not null order by event_id limit 1`;
      expect(order && ended && fill).toBeTruthy();
      // An earlier quote's time, a mid off by a cent: what a lookup one quote too early or too late would give.
      await db.sql`update order_analytics set arrival_quote_at = arrival_quote_at - interval '1 millisecond' where order_id = ${order!.order_id}`;
      await db.sql`update order_analytics set end_mid = end_mid + 0.01 where order_id = ${ended!.order_id}`;
      await db.sql`update order_fills set mid_at_fill = mid_at_fill + 0.01 where event_id = ${fill!.event_id}::uuid`;
      try {
        const keys = (await auditRollups(db.sql, TEST_PLAN)).mismatches.map((mismatch) => ("key" in mismatch ? mismatch.key : undefined));
        expect(keys).toEqual(expect.arrayContaining([order!.order_id, ended!.order_id, fill!.event_id]));
        expect(new Set(keys).size).toBe(order!.order_id === ended!.order_id ? 2 : 3);
      } finally {
        await db.sql`update order_analytics set arrival_quote_at = ${order!.arrival_quote_at} where order_id = ${order!.order_id}`;
        await db.sql`update order_analytics set end_mid = ${ended!.end_mid} where order_id = ${ended!.order_id}`;
        await db.sql`update order_fills set mid_at_fill = ${fill!.mid_at_fill} where event_id = ${fill!.event_id}::uuid`;
      }
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    });

    it("rebuilds a day: lost marks and fills come back", async () => {
      const snapshot = async () => [
        await db.sql`select order_id, arrival_price, arrival_source, arrival_quote_at, end_mid from order_analytics order by order_id`,
        await db.sql`select * from order_fills order by event_id`,
      ];
      const before = await snapshot();
      await db.sql`update order_analytics set arrival_price = null, arrival_source = null where order_id in (select order_id from order_analytics order by order_id limit 9)`;
      await db.sql`delete from order_fills where event_id in (select event_id from order_fills order by event_id limit 5)`;
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches.length).toBeGreaterThan(0);
      const rebuild = new RollupsRebuild(db.sql, new EventTail(db.sql), new RollupsRepository(db.sql), new RollupPlan(TEST_PLAN), 101);
      await rebuild.rebuildDay(new Date(START - HOUR_MS));
      expect(await snapshot()).toEqual(before);
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    });
  });
});
