import { randomUUID } from "node:crypto";
import { type AnalyticsEvent, RollupsRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { RollupPlan } from "./domain/rollup-plan";
import { RollupsRebuild } from "./rebuild/rollups-rebuild";
import { EventTail } from "./storage/event-tail";
import { drain, TEST_PLAN, testCycle } from "./testing/aggregator-fixture";
import { seeded, storeEvents } from "./testing/trading-events";
import { auditRollups } from "./verify/rollup-audit";

const START = Date.UTC(2026, 10, 23, 14, 0, 0);
const HOUR_MS = 3_600_000;
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

function update(timeMs: number, properties: Record<string, unknown>, receivedAtMs = timeMs + 20): AnalyticsEvent {
  return {
    eventId: randomUUID(),
    eventType: "market.data.update",
    userId: null,
    sessionId: null,
    properties,
    timestamp: new Date(timeMs),
    receivedAt: new Date(receivedAtMs),
    source: null,
  };
}

/** Quotes every ~2 s per symbol over an hour, with the odd one-sided, crossed or symbol-less update. */
function quotes(count: number, seed: number): AnalyticsEvent[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, index) => {
    const symbol = SYMBOLS[index % SYMBOLS.length]!;
    const mid = 100 + random() * 10;
    const half = 0.01 + random() * 0.05;
    const kind = random();
    const properties: Record<string, unknown> =
      kind < 0.05 ? { symbol, price: mid, bid: mid + half, ask: mid - half } // crossed: no mid
      : kind < 0.1 ? { symbol, price: mid, bid: mid - half } // one-sided
      : kind < 0.12 ? { price: mid } // no symbol: not a quote
      : { symbol, price: mid, bid: mid - half, ask: mid + half, volume: random() };
    return update(START + Math.floor(random() * HOUR_MS), properties);
  });
}

describe("market quotes, folded exactly once", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase("quotes");
  });
  afterAll(() => db.drop());

  it("stores each folded update once whatever the order, re-sends and late arrivals", async () => {
    const cycle = testCycle(db.sql, { maxEvents: 113 });
    const early = quotes(600, 1);
    await storeEvents(db.sql, early);
    await drain(cycle);
    // Re-sent (the store keeps one), late (older times, stored now), and one stored too late to fold.
    const late = quotes(300, 2).map((event) => ({ ...event, receivedAt: new Date(START + 2 * HOUR_MS) }));
    const tooLate = update(START + 1_000, { symbol: "BTCUSDT", price: 1, bid: 1, ask: 2 }, START + 1_000 + TEST_PLAN.allowedLatenessMs + 60_000);
    await storeEvents(db.sql, [...early.slice(0, 50), ...late, tooLate]);
    await drain(cycle);

    const [row] = await db.sql<[{ quotes: number; events: number }]>`
      select (select count(*)::int from market_quotes) as quotes,
             (select count(*)::int from events where event_type = 'market.data.update' and properties ? 'symbol' and id <> ${tooLate.eventId}) as events`;
    expect(row.quotes).toBe(row.events);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  });

  it("answers quote_at with the latest update at or before the time, as plain SQL over the events does", async () => {
    const probes = Array.from({ length: 40 }, (_, i) => new Date(START - 60_000 + i * 100_000).toISOString());
    for (const symbol of SYMBOLS) {
      const answered = await db.sql<{ at: string; event_id: string | null; mid: number | null }[]>`
        select p.at::text as at, (quote_at(${symbol}, p.at)).event_id::text as event_id, (quote_at(${symbol}, p.at)).mid as mid
        from unnest(${probes}::timestamptz[]) as p(at) order by p.at`;
      const exact = await db.sql<{ at: string; event_id: string | null; mid: number | null }[]>`
        select p.at::text as at, e.id::text as event_id,
               case when (e.properties->>'bid')::float8 > 0 and (e.properties->>'ask')::float8 >= (e.properties->>'bid')::float8
                    then ((e.properties->>'bid')::float8 + (e.properties->>'ask')::float8) / 2 end as mid
        from unnest(${probes}::timestamptz[]) as p(at)
        left join lateral (
          select * from events e where e.event_type = 'market.data.update' and e.properties->>'symbol' = ${symbol}
            and e."timestamp" <= p.at and e.created_at - e."timestamp" <= ${`${TEST_PLAN.allowedLatenessMs} milliseconds`}::interval
          order by e."timestamp" desc, e.id desc limit 1) e on true
        order by p.at`;
      expect(answered).toEqual(exact);
    }
  });

  it("refolds a day's quotes on rebuild: a lost or damaged row comes back", async () => {
    const snapshot = () => db.sql`select * from market_quotes order by event_id`;
    const before = await snapshot();
    await db.sql`delete from market_quotes where event_id in (select event_id from market_quotes order by event_id limit 7)`;
    await db.sql`update market_quotes set bid = 0 where event_id in (select event_id from market_quotes order by event_id desc limit 3)`;
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches.filter((m) => "table" in m && m.table === "market_quotes")).toHaveLength(10);
    const rebuild = new RollupsRebuild(db.sql, new EventTail(db.sql), new RollupsRepository(db.sql), new RollupPlan(TEST_PLAN), 101);
    await rebuild.rebuildDay(new Date(START));
    expect(await snapshot()).toEqual(before);
  });
});
