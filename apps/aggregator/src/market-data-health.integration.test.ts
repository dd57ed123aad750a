import { randomUUID } from "node:crypto";
import { type AnalyticsEvent, RollupsRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { RollupPlan } from "./domain/rollup-plan";
import { RollupsRebuild } from "./rebuild/rollups-rebuild";
import { EventTail } from "./storage/event-tail";
import { drain, TEST_PLAN, testCycle } from "./testing/aggregator-fixture";
import { seeded, storeEvents } from "./testing/trading-events";
import { auditRollups } from "./verify/rollup-audit";

const START = Date.UTC(2026, 10, 23, 13, 0, 0);
const HOUR_MS = 3_600_000;
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];
/** The planted gap: BTCUSDT is silent for 40 s from here (intervals are otherwise 0.8–1.2 s). */
const GAP_AT = START + HOUR_MS + 17 * 60_000 + 123;
const LATENESS = `${TEST_PLAN.allowedLatenessMs} milliseconds`;

function update(timeMs: number, properties: Record<string, unknown>, receivedAtMs = timeMs + 20): AnalyticsEvent {
  return { eventId: randomUUID(), eventType: "market.data.update", userId: null, sessionId: null, properties, timestamp: new Date(timeMs), receivedAt: new Date(receivedAtMs) , source: null };
}

/** Every ~1 s per symbol over [fromMs, toMs), skipping the planted gap, with some one-sided quotes and some at the same time. */
function quotes(fromMs: number, toMs: number, seed: number): AnalyticsEvent[] {
  const random = seeded(seed);
  const events: AnalyticsEvent[] = [];
  for (const symbol of SYMBOLS) {
    for (let t = fromMs + Math.floor(random() * 1000); t < toMs; t += 800 + Math.floor(random() * 400)) {
      if (symbol === "BTCUSDT" && t > GAP_AT && t < GAP_AT + 40_000) continue;
      const mid = 100 + random() * 10;
      const half = 0.01 + random() * 0.05;
      events.push(update(t, random() < 0.05 ? { symbol, price: mid, bid: mid - half } : { symbol, price: mid, bid: mid - half, ask: mid + half }));
      if (random() < 0.02) events.push(update(t, { symbol, price: mid, bid: mid - half, ask: mid + half }));
    }
  }
  return events.sort(() => random() - 0.5);
}

interface Figures {
  symbol: string;
  updates: number;
  usual_interval_ms: number | null;
  gaps: number;
  longest_gap_ms: number | null;
  spread_p50_bps: number | null;
  spread_p95_bps: number | null;
}

/** The same figures with plain SQL over the stored events: window functions, exact ranks. */
async function exactFigures(db: TestDatabase, from: Date, to: Date, gapFactor: number) {
  const symbols = await db.sql<Figures[]>`
    with folded as (
      select properties->>'symbol' as symbol, date_trunc('milliseconds', "timestamp") as t, id,
             (properties->>'bid')::float8 as bid, (properties->>'ask')::float8 as ask
      from events where event_type = 'market.data.update' and created_at - "timestamp" <= ${LATENESS}::interval
    ),
    quotes as materialized (
      select symbol, t, extract(epoch from t - lag(t) over (partition by symbol order by t, id)) * 1000 as interval_ms,
             case when bid > 0 and ask >= bid then (ask - bid) / ((ask + bid) / 2) * 10000 end as spread_bps
      from folded
    ),
    in_range as materialized (select * from quotes where t >= ${from} and t < ${to}),
    ranked_intervals as materialized (
      select symbol, interval_ms, row_number() over (partition by symbol order by interval_ms) - 1 as rank, count(*) over (partition by symbol) as n
      from in_range where interval_ms > 0
    ),
    ranked_spreads as materialized (
      select symbol, spread_bps, row_number() over (partition by symbol order by spread_bps) - 1 as rank, count(*) over (partition by symbol) as n
      from in_range where spread_bps is not null
    ),
    usual as materialized (select symbol, interval_ms as usual_interval_ms from ranked_intervals where rank = floor(0.5 * (n - 1)))
    select r.symbol, count(*)::int as updates, u.usual_interval_ms::float8,
           count(*) filter (where r.interval_ms > ${gapFactor} * u.usual_interval_ms)::int as gaps,
           (max(r.interval_ms) filter (where r.interval_ms > ${gapFactor} * u.usual_interval_ms))::float8 as longest_gap_ms,
           (select s.spread_bps from ranked_spreads s where s.symbol = r.symbol and s.rank = floor(0.5 * (s.n - 1))) as spread_p50_bps,
           (select s.spread_bps from ranked_spreads s where s.symbol = r.symbol and s.rank = floor(0.95 * (s.n - 1))) as spread_p95_bps
    from in_range r left join usual u using (symbol)
    group by r.symbol, u.usual_interval_ms order by r.symbol`;
  return symbols;
}

async function storedFigures(db: TestDatabase, from: Date, to: Date, gapFactor: number) {
  return db.sql<Figures[]>`
    select symbol, updates::int, usual_interval_ms, gaps::int, longest_gap_ms, spread_p50_bps, spread_p95_bps
    from market_data_health(${from}, ${to}, ${gapFactor}::float8) order by symbol`;
}

function expectSame(stored: Figures[], exact: Figures[]) {
  expect(stored.map((row) => row.symbol)).toEqual(exact.map((row) => row.symbol));
  stored.forEach((row, i) => {
    const want = exact[i]!;
    expect({ updates: row.updates, gaps: row.gaps, longest_gap_ms: row.longest_gap_ms }).toEqual({ updates: want.updates, gaps: want.gaps, longest_gap_ms: want.longest_gap_ms });
    for (const key of ["usual_interval_ms", "spread_p50_bps", "spread_p95_bps"] as const) {
      // Binned percentiles: within 1 % of the exact value at the same rank.
      expect(Math.abs(row[key]! - want[key]!)).toBeLessThanOrEqual(0.0100001 * want[key]!);
    }
  });
}

const RANGES: Array<[Date, Date]> = [
  [new Date(START), new Date(START + 3 * HOUR_MS)],
  [new Date(START + HOUR_MS), new Date(START + 2 * HOUR_MS)],
  [new Date(START + 37 * 60_000 + 411), new Date(START + 2 * HOUR_MS + 5 * 60_000)],
  [new Date(GAP_AT + 10_000), new Date(GAP_AT + 20 * 60_000)],
  [new Date(START + 10 * 60_000), new Date(START + 50 * 60_000)],
];

describe("market-data health, from the fold, against plain SQL over the events", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase("mdhealth");
    const cycle = testCycle(db.sql, { maxEvents: 257 });
    const early = quotes(START, START + 2 * HOUR_MS, 1);
    // First half folded, then the rest, re-sends of folded quotes, and late quotes (older times stored later).
    await storeEvents(db.sql, early.slice(0, early.length / 2));
    await drain(cycle);
    const late = quotes(START + 2 * HOUR_MS, START + 3 * HOUR_MS, 2).filter((_, i) => i % 2 === 0);
    await storeEvents(db.sql, [...early.slice(early.length / 2), ...early.slice(0, 100), ...late]);
    await drain(cycle);
    const later = quotes(START + 2 * HOUR_MS, START + 3 * HOUR_MS, 3).map((event) => ({ ...event, receivedAt: new Date(START + 4 * HOUR_MS) }));
    await storeEvents(db.sql, later);
    await drain(cycle);
  });
  afterAll(() => db.drop());

  it("gives the same figures as plain SQL over the events, for aligned and unaligned ranges", async () => {
    for (const [from, to] of RANGES) {
      for (const factor of [5, 2.5]) {
        expectSame(await storedFigures(db, from, to, factor), await exactFigures(db, from, to, factor));
      }
    }
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  });

  it("finds the planted gap, counted in the range where it ends", async () => {
    const gaps = await db.sql<Array<{ symbol: string; gap_from: Date; gap_to: Date; duration_ms: number }>>`
      select * from market_data_gaps(${new Date(START)}, ${new Date(START + 3 * HOUR_MS)})`;
    expect(gaps).toHaveLength(1);
    const [gap] = gaps;
    expect(gap!.symbol).toBe("BTCUSDT");
    expect(gap!.gap_from.getTime()).toBeLessThanOrEqual(GAP_AT);
    expect(gap!.gap_to.getTime()).toBeGreaterThanOrEqual(GAP_AT + 40_000);
    expect(gap!.duration_ms).toBe(gap!.gap_to.getTime() - gap!.gap_from.getTime());
    // A range that starts inside the gap still holds it (its end is in the range); one that ends inside it does not.
    const from = await db.sql`select * from market_data_gaps(${new Date(GAP_AT + 10_000)}, ${new Date(GAP_AT + HOUR_MS)})`;
    expect(from).toHaveLength(1);
    const before = await db.sql`select * from market_data_gaps(${new Date(GAP_AT - HOUR_MS)}, ${new Date(GAP_AT + 10_000)})`;
    expect(before).toHaveLength(0);
  });

  it("closes a gap when a late quote lands inside it, and relinks the quote after it", async () => {
    const cycle = testCycle(db.sql);
    await storeEvents(db.sql, [update(GAP_AT + 20_000, { symbol: "BTCUSDT", price: 100, bid: 99.99, ask: 100.01 }, START + 5 * HOUR_MS)]);
    await drain(cycle);
    const [from, to] = [new Date(START), new Date(START + 3 * HOUR_MS)];
    expectSame(await storedFigures(db, from, to, 5), await exactFigures(db, from, to, 5));
    expect((await storedFigures(db, from, to, 5)).find((row) => row.symbol === "BTCUSDT")!.gaps).toBe(2);
    // Two halves of ~20 s now: gaps at 5 usual intervals, not at 25.
    expect((await storedFigures(db, from, to, 25)).find((row) => row.symbol === "BTCUSDT")!.gaps).toBe(0);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  });

  it("keeps intervals and histograms exact through a rebuild", async () => {
    const before = await db.sql`select * from market_data_health(${new Date(START)}, ${new Date(START + 3 * HOUR_MS)})`;
    await db.sql`update market_quotes set prev_quoted_at = null where event_id in (select event_id from market_quotes order by event_id limit 5)`;
    await db.sql`delete from market_quote_bins where measure = 'spread' and bin in (select bin from market_quote_bins limit 3)`;
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches.length).toBeGreaterThan(0);
    const rebuild = new RollupsRebuild(db.sql, new EventTail(db.sql), new RollupsRepository(db.sql), new RollupPlan(TEST_PLAN), 101);
    await rebuild.rebuildDay(new Date(START));
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
    expect(await db.sql`select * from market_data_health(${new Date(START)}, ${new Date(START + 3 * HOUR_MS)})`).toEqual(before);
  });
});
