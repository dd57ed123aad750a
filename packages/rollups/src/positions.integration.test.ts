import { randomUUID } from "node:crypto";
import { type AnalyticsEvent, type PnlBreakdown, PositionsReader, RollupsRepository, runMigrations } from "@trading-analytics/core";
import { createTestDatabase, migrateBefore, type TestDatabase } from "@trading-analytics/core/testing";
import { RollupPlan } from "./domain/rollup-plan";
import { RollupsRebuild } from "./rebuild/rollups-rebuild";
import { EventTail } from "./storage/event-tail";
import { drain, TEST_PLAN, testCycle } from "./testing/aggregator-fixture";
import { positionLifecycleEvents } from "./testing/position-lifecycles";
import { seeded, storeEvents } from "./testing/trading-events";
import { auditPositions } from "./verify/positions-audit";
import { auditRollups } from "./verify/rollup-audit";

const MINUTE = Date.UTC(2026, 10, 23, 14, 30, 0);
const DAY_MS = 86_400_000;
const LATENESS = `${TEST_PLAN.allowedLatenessMs} milliseconds`;

function at(second: number, eventType: string, positionId: string, properties: Record<string, unknown> = {}, receivedLateMs = 0): AnalyticsEvent {
  const timestamp = new Date(MINUTE + second * 1000);
  return {
    eventId: randomUUID(),
    eventType,
    userId: "trader-1",
    sessionId: null,
    properties: { position_id: positionId, symbol: "BTCUSDT", side: "LONG", strategy_id: "alpha", quantity: 2, entry_price: 100, ...properties },
    timestamp,
    receivedAt: new Date(timestamp.getTime() + receivedLateMs),
    source: null,
  };
}

type PnlRow = { strategy: string | null; symbol: string | null; realized_pnl: number; closed_positions: number };

/**
 * Realized PnL with plain SQL over the raw events: each position's earliest close (ties by id) in
 * the range, its own realized_pnl, else (exit − entry) × quantity × side from its earliest opened
 * event (else the close's own fields); the events the aggregator folds (within the lateness).
 */
async function realizedBySql(db: TestDatabase, from: Date, to: Date, by: PnlBreakdown | null): Promise<PnlRow[]> {
  const strategy = by === "strategy" || by === "strategy_symbol";
  const symbol = by === "symbol" || by === "strategy_symbol";
  return db.sql<PnlRow[]>`
    with ev as (
      select * from events
      where event_type in ('position.opened', 'position.closed') and properties->>'position_id' <> ''
        and created_at - "timestamp" <= ${LATENESS}::interval),
    closes as (
      select distinct on (properties->>'position_id') properties->>'position_id' as id, "timestamp" as closed_at, properties as p
      from ev where event_type = 'position.closed' order by 1, "timestamp", id),
    opens as (
      select distinct on (properties->>'position_id') properties->>'position_id' as id, properties as p
      from ev where event_type = 'position.opened' order by 1, "timestamp", id),
    closed as (
      select coalesce(o.p, c.p) as d, c.p as c from closes c left join opens o using (id)
      where c.closed_at >= ${from} and c.closed_at < ${to})
    select ${strategy ? db.sql`d->>'strategy_id'` : db.sql`null::text`} as strategy,
           ${symbol ? db.sql`d->>'symbol'` : db.sql`null::text`} as symbol,
           coalesce(sum(coalesce((c->>'realized_pnl')::float8,
             ((c->>'exit_price')::float8 - (d->>'entry_price')::float8) * (d->>'quantity')::float8
               * case d->>'side' when 'LONG' then 1 when 'SHORT' then -1 end)), 0) as realized_pnl,
           count(*)::int as closed_positions
    from closed ${by ? db.sql`group by 1, 2 order by 1, 2` : db.sql``}`;
}

function quote(second: number, symbol: string, properties: Record<string, unknown>): AnalyticsEvent {
  const timestamp = new Date(MINUTE + second * 1000);
  return { eventId: randomUUID(), eventType: "market.data.update", userId: null, sessionId: null, properties: { symbol, ...properties }, timestamp, receivedAt: timestamp, source: null };
}

type OpenRow = { position_id: string; symbol: string; side: string; mark_price: number | null; unrealized_pnl: number | null };

/**
 * The positions open at `at` with plain SQL over the raw events: earliest opened at or before it,
 * earliest close (if any) after it; marked with the symbol's latest market.data.update at or
 * before `at` (ties by id): its price, else the mid of a two-sided quote.
 */
async function openBySql(db: TestDatabase, atTime: Date): Promise<OpenRow[]> {
  return db.sql<OpenRow[]>`
    with ev as (
      select * from events where properties->>'position_id' <> '' and created_at - "timestamp" <= ${LATENESS}::interval),
    opened as (
      select distinct on (properties->>'position_id') properties->>'position_id' as id, "timestamp" as opened_at, properties as d
      from ev where event_type = 'position.opened' order by 1, "timestamp", id),
    closed as (
      select properties->>'position_id' as id, min("timestamp") as closed_at from ev where event_type = 'position.closed' group by 1),
    open as (
      select o.* from opened o left join closed c using (id)
      where o.opened_at <= ${atTime} and (c.closed_at is null or c.closed_at > ${atTime})),
    marked as (
      select o.*, (select coalesce((q.properties->>'price')::float8,
                     case when (q.properties->>'bid')::float8 > 0 and (q.properties->>'ask')::float8 >= (q.properties->>'bid')::float8
                          then ((q.properties->>'bid')::float8 + (q.properties->>'ask')::float8) / 2 end)
                   from events q
                   where q.event_type = 'market.data.update' and q.properties->>'symbol' = o.d->>'symbol' and q."timestamp" <= ${atTime}
                   order by q."timestamp" desc, q.id desc limit 1) as mark
      from open o)
    select id as position_id, d->>'symbol' as symbol, d->>'side' as side, mark as mark_price,
           case d->>'side' when 'LONG' then 1 when 'SHORT' then -1 end * (mark - (d->>'entry_price')::float8) * (d->>'quantity')::float8 as unrealized_pnl
    from marked order by id`;
}

async function openByFunction(db: TestDatabase, atTime: Date): Promise<OpenRow[]> {
  return db.sql<OpenRow[]>`
    select position_id, symbol, side, mark_price, unrealized_pnl from trading_open_positions(${atTime}) order by position_id`;
}

/** Market data for the generated positions' symbols every few minutes: some one-sided or crossed, some without a last price. */
function quotesOver(fromMs: number, toMs: number, random: () => number): AnalyticsEvent[] {
  const events: AnalyticsEvent[] = [];
  for (const symbol of ["BTCUSDT", "ETHUSDT", "SOLUSDT"]) {
    for (let timeMs = fromMs + Math.floor(random() * 60_000); timeMs < toMs; timeMs += 60_000 + Math.floor(random() * 240_000)) {
      const mid = Math.round((100 + random() * 900) * 100) / 100;
      const kind = random();
      const properties = kind < 0.7 ? { price: mid, bid: mid - 0.5, ask: mid + 0.5 } : kind < 0.9 ? { bid: mid - 0.25, ask: mid + 0.25 } : { bid: mid + 1, ask: mid - 1 };
      const timestamp = new Date(timeMs);
      events.push({ eventId: randomUUID(), eventType: "market.data.update", userId: null, sessionId: null, properties: { symbol, ...properties }, timestamp, receivedAt: new Date(timeMs + 20), source: null });
    }
  }
  return events;
}

/** trading_realized_pnl with the count as a number, for comparing with realizedBySql. */
async function realizedByFunction(db: TestDatabase, from: Date, to: Date, by: PnlBreakdown | null): Promise<PnlRow[]> {
  return db.sql<PnlRow[]>`select strategy, symbol, realized_pnl, closed_positions::int from trading_realized_pnl(${from}, ${to}, ${by})`;
}

function expectSameFigures(actual: PnlRow[], exact: PnlRow[]): void {
  expect(actual.map(({ realized_pnl: _, ...keys }) => keys)).toEqual(exact.map(({ realized_pnl: _, ...keys }) => keys));
  actual.forEach((row, index) => expect(row.realized_pnl).toBeCloseTo(exact[index]!.realized_pnl, 6));
}

describe("positions", () => {
  describe("a hand-computed minute: duplicates, a close before its open, late events, a second close", () => {
    let db: TestDatabase;
    const openA = at(0, "position.opened", "A");
    const CYCLES: AnalyticsEvent[][] = [
      [
        openA,
        at(5, "position.closed", "B", { side: "SHORT", strategy_id: "beta", symbol: "ETHUSDT", quantity: 1, entry_price: 50, exit_price: 40, realized_pnl: 10 }),
        at(1, "position.opened", "C", { side: "SHORT", strategy_id: "beta", symbol: "ETHUSDT", quantity: 3, entry_price: 20 }),
      ],
      [
        openA, // a re-delivered copy: storage keeps one
        at(1, "position.opened", "B", { side: "SHORT", strategy_id: "beta", symbol: "ETHUSDT", quantity: 1, entry_price: 50 }),
        at(9, "position.closed", "A", { exit_price: 103 }), // no realized_pnl: (103 − 100) × 2
        at(2, "position.opened", "D"),
        at(3, "position.closed", "D", { exit_price: 90, realized_pnl: -20 }, 2 * DAY_MS), // stored past the allowed lateness
      ],
      [
        at(8, "position.closed", "B", { side: "SHORT", strategy_id: "beta", symbol: "ETHUSDT", quantity: 1, entry_price: 50, exit_price: 45, realized_pnl: 5 }),
        at(0, "position.closed", "", { exit_price: 1, realized_pnl: 1 }), // no position id: not a position
        quote(4, "BTCUSDT", { price: 104, bid: 103.5, ask: 104.5 }),
        quote(3, "ETHUSDT", { bid: 17, ask: 21 }), // no last price: marked at the mid, 19
      ],
    ];

    beforeAll(async () => {
      db = await createTestDatabase("positions_fold");
      const cycle = testCycle(db.sql);
      for (const events of CYCLES) {
        await storeEvents(db.sql, events);
        await drain(cycle);
      }
    });

    afterAll(async () => {
      await db.drop();
    });

    const t = (second: number) => new Date(MINUTE + second * 1000);

    it("keeps one row per position: the opened event's attributes, the earliest close, the PnL", async () => {
      const rows = await db.sql`
        select position_id, side, strategy_id, quantity, entry_price, opened_at, closed_at, exit_price, realized_pnl
        from positions order by position_id`;
      expect(rows).toEqual([
        { position_id: "A", side: "LONG", strategy_id: "alpha", quantity: 2, entry_price: 100, opened_at: t(0), closed_at: t(9), exit_price: 103, realized_pnl: 6 },
        { position_id: "B", side: "SHORT", strategy_id: "beta", quantity: 1, entry_price: 50, opened_at: t(1), closed_at: t(5), exit_price: 40, realized_pnl: 10 },
        { position_id: "C", side: "SHORT", strategy_id: "beta", quantity: 3, entry_price: 20, opened_at: t(1), closed_at: null, exit_price: null, realized_pnl: null },
        { position_id: "D", side: "LONG", strategy_id: "alpha", quantity: 2, entry_price: 100, opened_at: t(2), closed_at: null, exit_price: null, realized_pnl: null },
      ]);
    });

    it("sums realized PnL of the positions closed in the range, by strategy and symbol", async () => {
      const minute = { from: t(0), to: t(60) };
      expect(await realizedByFunction(db, minute.from, minute.to, null)).toEqual([{ strategy: null, symbol: null, realized_pnl: 16, closed_positions: 2 }]);
      expect(await realizedByFunction(db, minute.from, minute.to, "strategy_symbol")).toEqual([
        { strategy: "alpha", symbol: "BTCUSDT", realized_pnl: 6, closed_positions: 1 },
        { strategy: "beta", symbol: "ETHUSDT", realized_pnl: 10, closed_positions: 1 },
      ]);
      expect(await realizedByFunction(db, t(6), t(60), null)).toEqual([{ strategy: null, symbol: null, realized_pnl: 6, closed_positions: 1 }]);
      expect(await realizedByFunction(db, t(10), t(60), "symbol")).toEqual([]);
      expect(await realizedByFunction(db, t(10), t(60), null)).toEqual([{ strategy: null, symbol: null, realized_pnl: 0, closed_positions: 0 }]);
      for (const by of [null, "strategy", "symbol", "strategy_symbol"] as const) {
        expectSameFigures(await realizedByFunction(db, minute.from, minute.to, by), await realizedBySql(db, minute.from, minute.to, by));
      }
    });

    it("lists the positions open at a time, marked to the quote in force then", async () => {
      expect(await openByFunction(db, t(30))).toEqual([
        { position_id: "C", symbol: "ETHUSDT", side: "SHORT", mark_price: 19, unrealized_pnl: 3 }, // −(19 − 20) × 3
        { position_id: "D", symbol: "BTCUSDT", side: "LONG", mark_price: 104, unrealized_pnl: 8 }, // (104 − 100) × 2
      ]);
      // B opened at 1 and closed at 5; nothing quoted before 3.
      expect((await openByFunction(db, t(2))).map((row) => [row.position_id, row.mark_price])).toEqual([["A", null], ["B", null], ["C", null], ["D", null]]);
      expect((await openByFunction(db, t(5))).map((row) => row.position_id)).toEqual(["A", "C", "D"]);
      for (const second of [0, 2, 4.5, 5, 9, 30]) expect(await openByFunction(db, t(second))).toEqual(await openBySql(db, t(second)));
    });

    it("sums exposure per symbol at a time", async () => {
      expect(await db.sql`select * from trading_exposure(${t(6)})`).toEqual([
        { symbol: "BTCUSDT", open_positions: "2", net_quantity: 4, long_notional: 416, short_notional: 0, net_notional: 416, unrealized_pnl: 16, mark_price: 104, marked_at: t(4) },
        { symbol: "ETHUSDT", open_positions: "1", net_quantity: -3, long_notional: 0, short_notional: 57, net_notional: -57, unrealized_pnl: 3, mark_price: 19, marked_at: t(3) },
      ]);
      expect(await db.sql`select symbol, open_positions::int from trading_exposure(${t(6)}, 'beta')`).toEqual([{ symbol: "ETHUSDT", open_positions: 1 }]);
    });

    it("refuses an unknown breakdown", async () => {
      await expect(db.sql`select * from trading_realized_pnl(now(), now(), 'side')`).rejects.toThrow(/p_by must be/);
    });

    it("matches plain SQL over the raw events, column by column, and the audit sees a row changed behind its back", async () => {
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
      await db.sql`update positions set exit_price = 41 where position_id = 'B'`;
      try {
        expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([
          { table: "positions", positionId: "B", columns: { exit_price: { stored: 41, exact: 40 } } },
        ]);
      } finally {
        await db.sql`update positions set exit_price = 40 where position_id = 'B'`;
      }
    });
  });

  describe("many positions stored shuffled, in random batches, with re-delivered copies", () => {
    let db: TestDatabase;
    let reader: PositionsReader;
    const END = Date.UTC(2026, 10, 24, 0, 0, 0);
    const SPAN = 12 * 3_600_000;

    beforeAll(async () => {
      db = await createTestDatabase("positions_random");
      const random = seeded(17);
      const events = [...positionLifecycleEvents(800, { endMs: END, spanMs: SPAN, seed: 17 }), ...quotesOver(END - SPAN, END + 6 * 3_600_000, random)];
      const shuffled = events.map((event) => ({ event, key: random() })).sort((a, b) => a.key - b.key).map(({ event }) => event);
      const cycle = testCycle(db.sql, { maxEvents: 150 });
      for (let start = 0; start < shuffled.length; ) {
        const size = 1 + Math.floor(random() * 300);
        const copies = shuffled.slice(0, start).filter(() => random() < 0.03);
        await storeEvents(db.sql, [...shuffled.slice(start, start + size), ...copies]);
        await drain(cycle);
        start += size;
      }
      reader = new PositionsReader(db.sql);
    });

    afterAll(async () => {
      await db.drop();
    });

    it("matches plain SQL over the raw events, column by column", async () => {
      const audit = await auditRollups(db.sql, TEST_PLAN);
      expect(audit.mismatches).toEqual([]);
      const [row] = await db.sql<{ rows: number; positions: number }[]>`
        select (select count(*)::int from positions) as rows,
               (select count(distinct properties->>'position_id')::int from events where event_type like 'position.%') as positions`;
      expect(row!.rows).toBe(row!.positions);
      expect(row!.rows).toBeGreaterThan(750);
    });

    it("gives the realized PnL of any range and breakdown as plain SQL does", async () => {
      const ranges = [
        { from: new Date(END - SPAN - 3_600_000), to: new Date(END + DAY_MS) },
        { from: new Date(END - 5 * 3_600_000 - 17 * 60_000), to: new Date(END - 3_600_000 + 4 * 60_000) },
      ];
      for (const { from, to } of ranges) {
        for (const by of [null, "strategy", "symbol", "strategy_symbol"] as const) {
          const exact = await realizedBySql(db, from, to, by);
          expectSameFigures(await realizedByFunction(db, from, to, by), exact);
          expect(exact.reduce((n, row) => n + row.closed_positions, 0)).toBeGreaterThan(50);
        }
      }
    });

    it("serves the series bucket by bucket as plain SQL groups them, adding up to the total", async () => {
      const range = { from: new Date(END - SPAN + 7 * 60_000), to: new Date(END) };
      const widthMs = 30 * 60_000;
      const pnl = await reader.realizedPnl({ ...range, widthMs }, "strategy");
      expect(pnl.series).toHaveLength(Math.ceil((range.to.getTime() - Math.floor(range.from.getTime() / widthMs) * widthMs) / widthMs));
      for (const point of pnl.series) {
        const from = new Date(Math.max(point.bucketStart.getTime(), range.from.getTime()));
        const to = new Date(Math.min(point.bucketStart.getTime() + widthMs, range.to.getTime()));
        const [exact] = await realizedBySql(db, from, to, null);
        expect(point.closedPositions).toBe(exact!.closed_positions);
        expect(point.realizedPnl).toBeCloseTo(exact!.realized_pnl, 6);
      }
      expect(pnl.closedPositions).toBe(pnl.series.reduce((n, point) => n + point.closedPositions, 0));
      expect(pnl.realizedPnl).toBeCloseTo(pnl.series.reduce((n, point) => n + point.realizedPnl, 0), 6);
      expect(pnl.breakdown.map((group) => group.strategy)).toEqual(["mean-revert", "momentum"]);
    });

    it("lists the open positions of any time, marked, and their exposure, as plain SQL does", async () => {
      for (const offset of [0.5, 3, 7.25, 11.9, 14]) {
        const atTime = new Date(END - SPAN + offset * 3_600_000 + 123);
        const exact = await openBySql(db, atTime);
        const open = await openByFunction(db, atTime);
        expect(open.map(({ unrealized_pnl: _, ...row }) => row)).toEqual(exact.map(({ unrealized_pnl: _, ...row }) => row));
        open.forEach((row, index) => (row.unrealized_pnl === null ? expect(exact[index]!.unrealized_pnl).toBeNull() : expect(row.unrealized_pnl).toBeCloseTo(exact[index]!.unrealized_pnl!, 6)));
        expect(offset === 14 || exact.length > 20).toBe(true);

        const listed = await reader.openAt(atTime, { strategy: "momentum" }, 5);
        const ofStrategy = await db.sql<{ n: number }[]>`select count(*)::int as n from trading_open_positions(${atTime}) where strategy_id = 'momentum'`;
        expect(listed.openPositions).toBe(ofStrategy[0]!.n);
        expect(listed.positions.length).toBe(Math.min(5, ofStrategy[0]!.n));
        const exposure = await db.sql<{ symbol: string; open_positions: number; unrealized_pnl: number | null }[]>`
          select symbol, open_positions::int, unrealized_pnl from trading_exposure(${atTime})`;
        expect(exposure.map((row) => [row.symbol, row.open_positions])).toEqual(
          [...new Set(exact.map((row) => row.symbol))].sort().map((symbol) => [symbol, exact.filter((row) => row.symbol === symbol).length]),
        );
        for (const row of exposure) {
          const marked = exact.filter((position) => position.symbol === row.symbol && position.unrealized_pnl !== null);
          if (marked.length === 0) expect(row.unrealized_pnl).toBeNull();
          else expect(row.unrealized_pnl).toBeCloseTo(marked.reduce((n, position) => n + position.unrealized_pnl!, 0), 6);
        }
      }
    });

    it("rebuilds the positions of a day from all their events: a damaged row comes back as it was", async () => {
      const snapshot = () => db.sql`select * from positions order by position_id`.then((rows) => rows.map(({ updated_at: _, ...row }) => row));
      const before = await snapshot();
      await db.sql`update positions set closed_at = null, exit_price = 1 where position_id in (select position_id from positions order by position_id limit 5)`;
      await db.sql`delete from positions where position_id in (select position_id from positions order by position_id desc limit 5)`;
      const rebuild = new RollupsRebuild(db.sql, new EventTail(db.sql), new RollupsRepository(db.sql), new RollupPlan(TEST_PLAN), 97);
      let refolded = 0;
      for (const day of RollupsRebuild.daysOf(new Date(END - SPAN), new Date(END + DAY_MS))) refolded += (await rebuild.rebuildDay(day)).positions;
      expect(refolded).toBeGreaterThanOrEqual(800);
      expect(await snapshot()).toEqual(before);
      expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    });
  });
  it("is filled on upgrade from the events an older release already folded, not those it recorded as late", async () => {
    const db = await createTestDatabase("positions_upgrade", { migrate: false });
    try {
      await migrateBefore(db.sql, 24);
      const folded = [
        at(5, "position.closed", "A", { exit_price: 103, realized_pnl: 6 }),
        at(0, "position.opened", "A"),
        at(1, "position.opened", "B", { side: "SHORT" }),
      ];
      const late = at(2, "position.closed", "B", { exit_price: 90, realized_pnl: 20 }, 2 * DAY_MS);
      await storeEvents(db.sql, [...folded, late]);
      // As the older aggregator left it: all of them below the cursor, the late one recorded as such.
      await db.sql`update aggregation_cursors set next_xid = pg_current_xact_id() where name = 'rollups'`;
      await db.sql`insert into late_events (event_id, event_type, event_time, received_at) values (${late.eventId}, 'position.closed', ${late.timestamp}, ${late.receivedAt})`;
      const waiting = at(8, "position.closed", "B", { side: "SHORT", exit_price: 95, realized_pnl: 10 }); // after the cursor: the new aggregator folds it
      await storeEvents(db.sql, [waiting]);
      await runMigrations(db.sql);
      const t = (second: number) => new Date(MINUTE + second * 1000);
      expect(await db.sql`select position_id, opened_at, closed_at, realized_pnl from positions order by position_id`).toEqual([
        { position_id: "A", opened_at: t(0), closed_at: t(5), realized_pnl: 6 },
        { position_id: "B", opened_at: t(1), closed_at: null, realized_pnl: null },
      ]);
      await drain(testCycle(db.sql));
      expect(await db.sql`select position_id, closed_at, realized_pnl from positions where position_id = 'B'`).toEqual([{ position_id: "B", closed_at: t(8), realized_pnl: 10 }]);
      expect((await auditPositions(db.sql, TEST_PLAN.allowedLatenessMs)).mismatches).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
