import type { AnalyticsEvent } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { drain, TEST_PLAN, testCycle } from "./testing/aggregator-fixture";
import { exactHealthFigures, healthDifferences, quoteUpdate, storedHealthFigures } from "./testing/market-data-figures";
import { seeded, storeEvents } from "./testing/trading-events";
import { auditRollups } from "./verify/rollup-audit";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Three partial or whole UTC days: 21:17 on Nov 20 to 03:00 on Nov 23. */
const DAY = Date.UTC(2026, 10, 21);
const START = DAY - 2 * HOUR_MS - 43 * 60_000;
const END = DAY + 2 * DAY_MS + 3 * HOUR_MS;
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];
/** ETHUSDT is silent for 15 minutes from here, across midnight (quotes are otherwise 40–80 s apart). */
const GAP_AT = DAY + DAY_MS - 7 * 60_000;

/** Every 40–80 s per symbol over [fromMs, toMs), skipping the planted gap, with some one-sided quotes. */
function quotes(fromMs: number, toMs: number, seed: number): AnalyticsEvent[] {
  const random = seeded(seed);
  const events: AnalyticsEvent[] = [];
  for (const symbol of SYMBOLS) {
    for (let t = fromMs + Math.floor(random() * 40_000); t < toMs; t += 40_000 + Math.floor(random() * 40_000)) {
      if (symbol === "ETHUSDT" && t > GAP_AT && t < GAP_AT + 15 * 60_000) continue;
      const mid = 100 + random() * 10;
      const half = 0.01 + random() * 0.05;
      events.push(quoteUpdate(t, random() < 0.05 ? { symbol, price: mid, bid: mid - half } : { symbol, price: mid, bid: mid - half, ask: mid + half }));
    }
  }
  return events.sort(() => random() - 0.5);
}

/** Whole days and hours with partial-hour edges, whole days alone, hours around one day, and no whole day. */
const RANGES: Array<[Date, Date]> = [
  [new Date(START + 11_111), new Date(END - 19 * 60_000 - 7)],
  [new Date(DAY), new Date(DAY + 2 * DAY_MS)],
  [new Date(DAY - HOUR_MS), new Date(DAY + DAY_MS + 5 * HOUR_MS)],
  [new Date(DAY + 3 * HOUR_MS + 1), new Date(DAY + DAY_MS + 17 * 60_000)],
  [new Date(DAY + 5 * HOUR_MS), new Date(DAY + 9 * HOUR_MS + 30 * 60_000)],
];

async function expectSameAsPlainSql(db: TestDatabase, ranges: Array<[Date, Date]>): Promise<void> {
  for (const [from, to] of ranges) {
    for (const factor of [5, 2.5]) {
      expect(healthDifferences(await storedHealthFigures(db, from, to, factor), await exactHealthFigures(db, from, to, factor))).toEqual([]);
    }
  }
}

/** The day bins hold exactly the hour bins summed per UTC day, and no row of zero. */
async function dayBinsOffTheHours(db: TestDatabase): Promise<readonly unknown[]> {
  return db.sql`
    with hours as (
      select symbol, date_trunc('day', bucket_start, 'UTC') as day_start, measure, bin, sum(quotes)::bigint as quotes
      from market_quote_bins group by 1, 2, 3, 4 having sum(quotes) <> 0
    )
    select * from hours h full join market_quote_day_bins d using (symbol, day_start, measure, bin)
    where h.quotes is distinct from d.quotes`;
}

describe("market-data health over whole UTC days (market_quote_day_bins), against plain SQL over the events", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase("mddaybins");
    const cycle = testCycle(db.sql, { maxEvents: 499 });
    const all = quotes(START, END, 7);
    const timeOf = (event: AnalyticsEvent) => event.timestamp.getTime();
    const at = (event: AnalyticsEvent, delayMs: number) => ({ ...event, receivedAt: new Date(timeOf(event) + delayMs) });
    const recent = all.filter((event) => timeOf(event) >= DAY);
    // First the quotes from Nov 21 on; then the rest with the quotes of Nov 20 stored 20 h late
    // (landing before folded ones) and re-sends; then quotes of another feed stored too late to
    // fold, which the plain SQL leaves out as the fold does.
    await storeEvents(db.sql, recent.filter((_, i) => i % 2 === 0));
    await drain(cycle);
    const older = all.filter((event) => timeOf(event) < DAY).map((event) => at(event, 20 * HOUR_MS));
    await storeEvents(db.sql, [...recent.filter((_, i) => i % 2 === 1), ...older, ...recent.slice(0, 50)]);
    await drain(cycle);
    await storeEvents(db.sql, quotes(START, END, 13).filter((_, i) => i % 20 === 0).map((event) => at(event, TEST_PLAN.allowedLatenessMs + HOUR_MS)));
    await drain(cycle);
  });

  afterAll(() => db.drop());

  it("reads whole days from the day bins and gives the same figures as plain SQL", async () => {
    expect((await db.sql`select distinct day_start from market_quote_day_bins order by 1`).map((row) => (row.day_start as Date).getTime())).toEqual([
      DAY - DAY_MS,
      DAY,
      DAY + DAY_MS,
      DAY + 2 * DAY_MS,
    ]);
    expect(await dayBinsOffTheHours(db)).toEqual([]);
    await expectSameAsPlainSql(db, RANGES);
    const gaps = await db.sql<Array<{ symbol: string; gap_from: Date }>>`select * from market_data_gaps(${RANGES[0]![0]}, ${RANGES[0]![1]})`;
    expect(gaps.filter((gap) => gap.symbol === "ETHUSDT" && gap.gap_from.getTime() <= GAP_AT && gap.gap_from.getTime() > GAP_AT - 80_000)).toHaveLength(1);
    expect((await auditRollups(db.sql, TEST_PLAN)).mismatches).toEqual([]);
  });

  it("keeps the day bins in step when retention deletes the hour bins of a day (a batch at a time)", async () => {
    // cleanup_old_data() deletes market_quote_bins through retention_delete_batched() and drops the day's quotes partition.
    await db.sql`select retention_delete_batched('market_quote_bins', ${`bucket_start < '${new Date(DAY).toISOString()}'`}, 17, 1000000)`;
    await db.sql`delete from market_quotes where quoted_at < ${new Date(DAY)}`;
    expect(await db.sql`select * from market_quote_day_bins where day_start < ${new Date(DAY)}`).toEqual([]);
    expect(await dayBinsOffTheHours(db)).toEqual([]);
    await expectSameAsPlainSql(db, RANGES.filter(([from]) => from.getTime() >= DAY));
  });

  it("empties the day bins with a TRUNCATE of the hours, and fills them again from the next fold", async () => {
    // docs/seed-compatibility.md's clean slate for tests.
    await db.sql`truncate events, event_ids, order_analytics, order_fills, market_quotes, market_quote_bins, positions, user_sessions, late_events, set_aside_events`;
    expect(await db.sql`select * from market_quote_day_bins`).toEqual([]);
    await storeEvents(db.sql, quotes(START, END, 11));
    await drain(testCycle(db.sql, { maxEvents: 997 }));
    expect(await dayBinsOffTheHours(db)).toEqual([]);
    await expectSameAsPlainSql(db, RANGES);
  });
});
