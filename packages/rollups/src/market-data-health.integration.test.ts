import { type AnalyticsEvent, RollupsRepository } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { RollupPlan } from "./domain/rollup-plan";
import { RollupsRebuild } from "./rebuild/rollups-rebuild";
import { EventTail } from "./storage/event-tail";
import { drain, TEST_PLAN, testCycle } from "./testing/aggregator-fixture";
import { exactHealthFigures, healthDifferences, quoteUpdate, storedHealthFigures } from "./testing/market-data-figures";
import { seeded, storeEvents } from "./testing/trading-events";
import { auditRollups } from "./verify/rollup-audit";

const START = Date.UTC(2026, 10, 23, 13, 0, 0);
const HOUR_MS = 3_600_000;
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];
/** The planted gap: BTCUSDT is silent for 40 s from here (intervals are otherwise 0.8–1.2 s). */
const GAP_AT = START + HOUR_MS + 17 * 60_000 + 123;

/** Every ~1 s per symbol over [fromMs, toMs), skipping the planted gap, with some one-sided quotes and some at the same time. */
function quotes(fromMs: number, toMs: number, seed: number): AnalyticsEvent[] {
  const random = seeded(seed);
  const events: AnalyticsEvent[] = [];
  for (const symbol of SYMBOLS) {
    for (let t = fromMs + Math.floor(random() * 1000); t < toMs; t += 800 + Math.floor(random() * 400)) {
      if (symbol === "BTCUSDT" && t > GAP_AT && t < GAP_AT + 40_000) continue;
      const mid = 100 + random() * 10;
      const half = 0.01 + random() * 0.05;
      events.push(quoteUpdate(t, random() < 0.05 ? { symbol, price: mid, bid: mid - half } : { symbol, price: mid, bid: mid - half, ask: mid + half }));
      if (random() < 0.02) events.push(quoteUpdate(t, { symbol, price: mid, bid: mid - half, ask: mid + half }));
    }
  }
  return events.sort(() => random() - 0.5);
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
        expect(healthDifferences(await storedHealthFigures(db, from, to, factor), await exactHealthFigures(db, from, to, factor))).toEqual([]);
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
    await storeEvents(db.sql, [quoteUpdate(GAP_AT + 20_000, { symbol: "BTCUSDT", price: 100, bid: 99.99, ask: 100.01 }, START + 5 * HOUR_MS)]);
    await drain(cycle);
    const [from, to] = [new Date(START), new Date(START + 3 * HOUR_MS)];
    expect(healthDifferences(await storedHealthFigures(db, from, to, 5), await exactHealthFigures(db, from, to, 5))).toEqual([]);
    expect((await storedHealthFigures(db, from, to, 5)).find((row) => row.symbol === "BTCUSDT")!.gaps).toBe(2);
    // Two halves of ~20 s now: gaps at 5 usual intervals, not at 25.
    expect((await storedHealthFigures(db, from, to, 25)).find((row) => row.symbol === "BTCUSDT")!.gaps).toBe(0);
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
    // The rebuild alone takes ~50 s here: it is quadratic in a day's quotes (docs/operations.md).
  }, 180_000);
});
