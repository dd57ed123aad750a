import { randomUUID } from "node:crypto";
import type { AnalyticsEvent } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { drain, TEST_PLAN, testCycle } from "./testing/aggregator-fixture";
import { orderLifecycleEvents } from "./testing/order-lifecycles";
import { seeded, storeEvents } from "./testing/trading-events";

const MINUTE = Date.UTC(2026, 10, 23, 14, 30, 0);
const DAY_MS = 86_400_000;
const BY = [undefined, "symbol", "strategy", "side"] as const;
type By = (typeof BY)[number];
type Filter = { dimension: "symbol" | "strategy" | "side"; value: string };

const COUNTS = ["placed", "filled", "partially_filled", "canceled", "rejected", "open", "time_to_first_fill_count", "time_to_fill_count"] as const;
const RATIOS = [
  "fill_rate", "quantity_fill_ratio", "cancel_to_fill_ratio",
  "time_to_first_fill_p50_ms", "time_to_first_fill_p95_ms", "time_to_first_fill_p99_ms",
  "time_to_fill_p50_ms", "time_to_fill_p95_ms", "time_to_fill_p99_ms",
] as const;
type Figures = { group_value: string | null } & Record<(typeof COUNTS)[number], number> & Record<(typeof RATIOS)[number], number | null>;
const SELECTED = `group_value, ${COUNTS.map((c) => `${c}::int`).join(", ")}, ${RATIOS.join(", ")}`;

/** What trading_order_figures() answers (order_analytics, as the aggregator folded it). */
async function storedFigures(db: TestDatabase, from: Date, to: Date, by?: By, filter?: Filter): Promise<Figures[]> {
  const only = (dimension: Filter["dimension"]) => (filter?.dimension === dimension ? filter.value : null);
  return db.sql.unsafe<Figures[]>(
    `select ${SELECTED} from trading_order_figures($1, $2, p_by => $3::text, p_symbol => $4::text, p_strategy => $5::text, p_side => $6::text)`,
    [from, to, by ?? null, only("symbol"), only("strategy"), only("side")],
  );
}

/**
 * The same figures with plain SQL over the raw events the aggregator folds (stored within the
 * allowed lateness, not set aside), sharing nothing with the fold or the function.
 */
async function exactFigures(db: TestDatabase, from: Date, to: Date, by?: By, filter?: Filter): Promise<Figures[]> {
  const column = { symbol: "symbol", strategy: "strategy", side: "side" } as const;
  const group = by ? column[by] : "null::text";
  const where = filter ? `and ${column[filter.dimension]} = $4` : "";
  const ms = (field: string) => `extract(epoch from ${field} - placed_at) * 1000`;
  // The value at rank floor(q × (n − 1)) of the sorted values, the rank the function's bins answer.
  const percentiles = (field: string, name: string) =>
    [0.5, 0.95, 0.99]
      .map((p) => `(array_agg(${ms(field)} order by ${ms(field)}) filter (where ${field} is not null))[floor(${p} * (count(${field}) - 1))::int + 1] as ${name}_p${Math.round(p * 100)}_ms`)
      .join(", ");
  const rows = await db.sql.unsafe<Figures[]>(
    `with ev as (
       select case when jsonb_typeof(properties->'order_id') = 'string' and properties->>'order_id' <> '' then properties->>'order_id'
                   when event_type = 'order.placed' then id::text end as order_id,
              id, event_type, "timestamp" as t, properties as p
       from events e
       where event_type in ('order.placed', 'order.filled', 'order.canceled', 'order.rejected')
         and created_at - "timestamp" <= $3::interval
         and not exists (select 1 from set_aside_events s where s.event_id = e.id and s.event_time = e."timestamp")
     ),
     placement as (
       select distinct on (order_id) order_id, t as placed_at, (p->>'quantity')::float8 as ordered,
              p->>'symbol' as symbol, p->>'strategy_id' as strategy, p->>'side' as side
       from ev where event_type = 'order.placed' and order_id is not null
       order by order_id, t, id
     ),
     outcome as (
       select order_id,
              count(*) filter (where event_type = 'order.filled') as fills,
              coalesce(sum((p->>'quantity')::float8) filter (where event_type = 'order.filled'), 0) as filled_qty,
              min(t) filter (where event_type = 'order.filled') as first_fill,
              max(t) filter (where event_type = 'order.filled') as last_fill,
              min(t) filter (where event_type = 'order.filled' and p->'is_partial' = 'false'::jsonb) as final_fill,
              bool_or(event_type = 'order.canceled') as canceled,
              bool_or(event_type = 'order.rejected') as rejected
       from ev group by order_id
     ),
     cohort as (
       select pl.*, o.fills, o.filled_qty, o.first_fill, o.canceled, o.rejected,
              coalesce(o.final_fill, case when pl.ordered > 0 and o.filled_qty >= pl.ordered * (1 - 1e-9) then o.last_fill end) as full_fill
       from placement pl join outcome o using (order_id)
       where pl.placed_at >= $1 and pl.placed_at < $2 ${where}
     ),
     statused as (
       select *, case when full_fill is not null then 'filled' when rejected then 'rejected' when canceled then 'canceled'
                      when fills > 0 then 'partially_filled' else 'open' end as status
       from cohort
     )
     select ${group} as group_value,
            count(*)::int as placed,
            count(*) filter (where status = 'filled')::int as filled,
            count(*) filter (where status = 'partially_filled')::int as partially_filled,
            count(*) filter (where status = 'canceled')::int as canceled,
            count(*) filter (where status = 'rejected')::int as rejected,
            count(*) filter (where status = 'open')::int as open,
            count(first_fill)::int as time_to_first_fill_count,
            count(full_fill)::int as time_to_fill_count,
            100.0 * count(*) filter (where status = 'filled') / count(*) as fill_rate,
            100 * sum(least(filled_qty, ordered)) filter (where ordered > 0) / nullif(sum(ordered) filter (where ordered > 0), 0) as quantity_fill_ratio,
            count(*) filter (where status = 'canceled')::float8 / nullif(count(*) filter (where status = 'filled'), 0) as cancel_to_fill_ratio,
            ${percentiles("first_fill", "time_to_first_fill")}, ${percentiles("full_fill", "time_to_fill")}
     from statused group by 1`,
    [from, to, `${TEST_PLAN.allowedLatenessMs} milliseconds`, ...(filter ? [filter.value] : [])],
  );
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "string" && k !== "group_value" ? Number(v) : v])) as Figures);
}

const PERCENTILES = new Set<string>(RATIOS.filter((name) => name.includes("_p")));

/** Percentiles come from 1 % log bins: within 1 % of the value at their rank. */
function expectWithinOnePercent(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(0.01 * Math.abs(expected) + 1e-9);
}

/**
 * Compares the two answers group by group: counts exactly, ratios to 6 digits, percentiles within
 * 1 %. Twice: as the fold left the summaries (stale hours read from the orders), then refreshed.
 */
async function expectSameFigures(db: TestDatabase, from: Date, to: Date, by?: By, filter?: Filter): Promise<Figures[]> {
  const exact = await exactFigures(db, from, to, by, filter);
  await expectFiguresLike(exact, await storedFigures(db, from, to, by, filter));
  await db.sql`select refresh_order_cohort_summaries(100000)`;
  expect(await db.sql`select 1 from order_cohort_stale_hours`).toHaveLength(0);
  const stored = await storedFigures(db, from, to, by, filter);
  await expectFiguresLike(exact, stored);
  return stored;
}

async function expectFiguresLike(exact: Figures[], stored: Figures[]): Promise<void> {
  const key = (row: Figures) => row.group_value ?? "\u0000null";
  const exactByGroup = new Map(exact.map((row) => [key(row), row]));
  // An empty cohort asked for whole is one row of zeros; plain SQL's GROUP BY gives none.
  const nonEmpty = stored.filter((row) => row.placed > 0);
  expect(nonEmpty.map(key).sort()).toEqual([...exactByGroup.keys()].sort());
  for (const row of nonEmpty) {
    const expected = exactByGroup.get(key(row))!;
    for (const name of COUNTS) expect({ group: row.group_value, [name]: row[name] }).toEqual({ group: row.group_value, [name]: expected[name] });
    for (const name of RATIOS) {
      if (expected[name] === null) expect({ group: row.group_value, [name]: row[name] }).toEqual({ group: row.group_value, [name]: null });
      else if (PERCENTILES.has(name)) expectWithinOnePercent(row[name], expected[name]!);
      else expect(row[name]).toBeCloseTo(expected[name]!, 6);
    }
  }
}

function event(second: number, eventType: string, orderId: string, properties: Record<string, unknown>, options: { storedLateMs?: number; id?: string } = {}): AnalyticsEvent {
  const timestamp = new Date(MINUTE + second * 1000);
  return {
    eventId: options.id ?? randomUUID(),
    eventType,
    userId: "trader-1",
    sessionId: null,
    properties: { order_id: orderId, ...properties },
    timestamp,
    receivedAt: new Date(timestamp.getTime() + (options.storedLateMs ?? 0)),
    source: null,
  };
}

describe("trading_order_figures (order lifecycle figures)", () => {
  describe("a hand-computed minute: partial fills, cancel after a partial fill, reject, skewed, late and re-sent events", () => {
    let db: TestDatabase;
    const btc = { symbol: "BTCUSDT", side: "BUY", strategy_id: "alpha" };
    const eth = { symbol: "ETHUSDT", side: "SELL", strategy_id: "beta" };
    const placed = (quantity: number) => ({ order_type: "LIMIT", price: 100, quantity });
    const fill = (quantity: number, isPartial: boolean) => ({ price: 100, quantity, is_partial: isPartial });
    const firstFillOfA = event(2, "order.filled", "A", { ...btc, ...fill(1, true) });
    const CYCLES: AnalyticsEvent[][] = [
      [
        event(0, "order.placed", "A", { ...btc, ...placed(3) }),
        firstFillOfA,
        event(0, "order.placed", "B", { ...btc, ...placed(4) }),
        event(3, "order.filled", "B", { ...btc, ...fill(1, true) }),
        event(1, "order.placed", "C", { ...eth, ...placed(1) }),
        event(4, "order.filled", "D", { ...eth, ...fill(2, false) }), // stored before its placement, and timed before it (clock skew)
        event(2, "order.placed", "G", { ...btc, ...placed(1) }), // stays open
        event(1, "order.placed", "I", { ...eth, ...placed(5) }),
        event(3, "order.filled", "I", { ...eth, ...fill(2, true) }), // stays partially filled
      ],
      [
        firstFillOfA, // re-sent: storage keeps one
        event(5, "order.filled", "A", { ...btc, ...fill(2, false) }),
        event(7, "order.canceled", "B", { ...btc, remaining_quantity: 3 }), // canceled after a partial fill
        event(2, "order.rejected", "C", { ...eth, reason: "risk" }),
        event(6, "order.placed", "D", { ...eth, ...placed(2) }),
        event(0, "order.placed", "E", { ...btc, ...placed(1) }, { storedLateMs: 3_600_000 }), // late, within the allowed lateness
        event(9, "order.filled", "E", { ...btc, ...fill(1, false) }),
        event(0, "order.placed", "F", { ...btc, ...placed(1) }, { storedLateMs: 2 * DAY_MS }), // past the allowed lateness: set aside
        event(3, "order.placed", "H", { ...eth, ...placed(2) }),
        event(4, "order.filled", "H", { ...eth, ...fill(1, true) }),
        event(2, "order.placed", "J", { symbol: "SOLUSDT", side: "BUY", ...placed(1) }), // no strategy
      ],
      [
        event(8, "order.filled", "H", { ...eth, ...fill(1, true) }), // reaches the ordered quantity: filled
        event(1, "order.filled", "J", { symbol: "SOLUSDT", side: "BUY", ...fill(1, false) }),
      ],
    ];
    const from = new Date(MINUTE);
    const to = new Date(MINUTE + 60_000);

    beforeAll(async () => {
      db = await createTestDatabase("order_figures");
      const cycle = testCycle(db.sql);
      for (const events of CYCLES) {
        await storeEvents(db.sql, events);
        await drain(cycle);
      }
    });

    afterAll(async () => {
      await db.drop();
    });

    it("gives the hand-computed figures of the minute's cohort", async () => {
      const [stored] = await storedFigures(db, from, to);
      const { time_to_first_fill_p50_ms, time_to_first_fill_p95_ms, time_to_first_fill_p99_ms, time_to_fill_p50_ms, time_to_fill_p95_ms, time_to_fill_p99_ms, ...whole } = stored!;
      // A, D, E, H, J filled; B canceled after a partial fill; C rejected; G open; I partly filled; F never folded.
      expect(whole).toEqual({
        group_value: null,
        placed: 9, filled: 5, partially_filled: 1, canceled: 1, rejected: 1, open: 1,
        fill_rate: (100 * 5) / 9,
        // Ordered 3+4+1+2+1+1+5+2+1 = 20; filled 3+1+0+2+0+1+2+2+1 = 12.
        quantity_fill_ratio: 60,
        cancel_to_fill_ratio: 0.2,
        time_to_first_fill_count: 7,
        time_to_fill_count: 5,
      });
      // First fills after placement, sorted: D -2 s, J -1 s, H 1 s, A 2 s, I 2 s, B 3 s, E 9 s; ranks floor(q × 6) = 3, 5, 5.
      expectWithinOnePercent(time_to_first_fill_p50_ms, 2000);
      expectWithinOnePercent(time_to_first_fill_p95_ms, 3000);
      expectWithinOnePercent(time_to_first_fill_p99_ms, 3000);
      // Full fills, sorted: D -2 s, J -1 s, A 5 s, H 5 s, E 9 s; ranks floor(q × 4) = 2, 3, 3.
      expectWithinOnePercent(time_to_fill_p50_ms, 5000);
      expectWithinOnePercent(time_to_fill_p95_ms, 5000);
      expectWithinOnePercent(time_to_fill_p99_ms, 5000);
    });

    it("matches plain SQL over the raw events overall and per symbol, strategy and side", async () => {
      for (const by of BY) await expectSameFigures(db, from, to, by);
      const perStrategy = await storedFigures(db, from, to, "strategy");
      expect(perStrategy.map((row) => [row.group_value, row.placed])).toEqual([["alpha", 4], ["beta", 4], [null, 1]]);
    });

    it("narrows the cohort to one symbol, strategy or side before breaking it down", async () => {
      await expectSameFigures(db, from, to, "side", { dimension: "strategy", value: "alpha" });
      await expectSameFigures(db, from, to, undefined, { dimension: "symbol", value: "ETHUSDT" });
      const [sells] = await storedFigures(db, from, to, undefined, { dimension: "side", value: "SELL" });
      expect(sells).toMatchObject({ placed: 4, filled: 2, rejected: 1, partially_filled: 1 });
    });

    it("answers an empty cohort with one row of zeros, and refuses an unknown breakdown", async () => {
      const [empty] = await storedFigures(db, new Date(MINUTE - 60_000), from);
      expect(empty).toMatchObject({ group_value: null, placed: 0, fill_rate: null, cancel_to_fill_ratio: null, time_to_fill_count: 0, time_to_fill_p50_ms: null });
      expect(await storedFigures(db, new Date(MINUTE - 60_000), from, "symbol")).toEqual([]);
      await expect(db.sql`select * from trading_order_figures(${from}, ${to}, 'venue')`).rejects.toThrow(/p_by must be/);
    });
  });

  describe("many orders stored shuffled, in random batches, with skewed clocks, late events and re-sent copies", () => {
    let db: TestDatabase;
    // Spans the whole UTC day of 1 November, when New York's clocks go back (25 local hours), and
    // the hours after it: a day computed as '1 day' in that zone would take the next hour in too.
    const END = Date.UTC(2026, 10, 2, 6, 0, 0);
    // A day and a half: ranges over it read whole UTC days, whole hours and the orders at the edges.
    const SPAN = 36 * 3_600_000;

    beforeAll(async () => {
      db = await createTestDatabase("order_figures_random");
      const random = seeded(23);
      const events = orderLifecycleEvents(1500, { endMs: END, spanMs: SPAN, seed: 23 }).map((e) => {
        const skewed = e.eventType === "order.filled" && random() < 0.05 ? -10_000 : 0; // a venue clock behind ours
        const late = random() < 0.05 ? (random() < 0.3 ? 2 * DAY_MS : 3_600_000) : 20; // some stored late, a few too late to fold
        const timestamp = new Date(e.timestamp.getTime() + skewed);
        return { ...e, timestamp, receivedAt: new Date(timestamp.getTime() + late) };
      });
      const shuffled = events.map((e) => ({ e, key: random() })).sort((a, b) => a.key - b.key).map(({ e }) => e);
      const cycle = testCycle(db.sql, { maxEvents: 120 });
      for (let start = 0; start < shuffled.length; ) {
        const size = 1 + Math.floor(random() * 250);
        const copies = shuffled.slice(0, start).filter(() => random() < 0.03);
        await storeEvents(db.sql, [...shuffled.slice(start, start + size), ...copies]);
        await drain(cycle);
        start += size;
      }
    });

    afterAll(async () => {
      await db.drop();
    });

    it("matches plain SQL over the raw events for every breakdown and range", async () => {
      const ranges = [
        { from: new Date(END - SPAN - 3_600_000), to: new Date(END + 3_600_000) },
        { from: new Date(END - 5 * 3_600_000 - 17 * 60_000), to: new Date(END - 3_600_000 + 4 * 60_000) },
      ];
      for (const { from, to } of ranges) {
        for (const by of BY) {
          const rows = await expectSameFigures(db, from, to, by);
          expect(rows.reduce((n, row) => n + row.placed, 0)).toBeGreaterThan(100);
          for (const row of rows) expect(row.fill_rate!).toBeLessThanOrEqual(100);
        }
        await expectSameFigures(db, from, to, "symbol", { dimension: "strategy", value: "momentum" });
      }
      const [whole] = await storedFigures(db, ranges[0]!.from, ranges[0]!.to);
      expect(whole!.time_to_first_fill_count).toBeGreaterThan(100);
      expect(await db.sql`select 1 from order_analytics where first_fill_at < placed_at limit 1`).toHaveLength(1);
    });

    it("reads an hour written after its summary from its orders until the next refresh", async () => {
      const from = new Date(END - SPAN - 3_600_000);
      const to = new Date(END + 3_600_000);
      await db.sql`select refresh_order_cohort_summaries(100000)`;
      const at = (END - 30 * 3_600_000 + 5 * 60_000 - MINUTE) / 1000;
      const late = { symbol: "BTCUSDT", side: "BUY", strategy_id: "momentum" };
      await storeEvents(db.sql, [
        event(at, "order.placed", "late-1", { ...late, order_type: "LIMIT", price: 100, quantity: 2 }),
        event(at + 3, "order.filled", "late-1", { ...late, price: 100, quantity: 2, is_partial: false }),
      ]);
      await drain(testCycle(db.sql));
      expect(await db.sql`select bucket_start from order_cohort_stale_hours`).toEqual([{ bucket_start: new Date(END - 30 * 3_600_000) }]);
      for (const by of BY) await expectSameFigures(db, from, to, by);
    });

    it("leaves a stale hour to a writer still in its transaction: no refresh takes it from a snapshot without the write", async () => {
      await db.sql`select refresh_order_cohort_summaries(100000)`;
      const hour = new Date(END - 20 * 3_600_000);
      await db.sql`select order_cohort_mark_hours(array[${hour}::timestamptz])`;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let written!: () => void;
      const isWritten = new Promise<void>((resolve) => (written = resolve));
      const writer = db.sql.begin(async (tx) => {
        await tx`update order_analytics set updated_at = now()
                 where order_id = (select order_id from order_analytics where placed_at >= ${hour} and placed_at < ${new Date(hour.getTime() + 3_600_000)} limit 1)`;
        written();
        await held;
      });
      await isWritten;
      const [during] = await db.sql<[{ refreshed: number }]>`select refresh_order_cohort_summaries(100000) as refreshed`;
      release();
      await writer;
      expect(during!.refreshed).toBe(0);
      expect(await db.sql`select bucket_start from order_cohort_stale_hours`).toEqual([{ bucket_start: hour }]);
      const [after] = await db.sql<[{ refreshed: number }]>`select refresh_order_cohort_summaries(100000) as refreshed`;
      expect(after!.refreshed).toBe(1);
    });

    it("gives each bucket of a series the figures plain SQL gives its orders", async () => {
      const from = new Date(END - SPAN - 3_600_000);
      const to = new Date(END + 3_600_000);
      await db.sql`select refresh_order_cohort_summaries(100000)`;
      for (const widthMs of [2 * 3_600_000, DAY_MS, 15 * 60_000]) {
        const buckets = await db.sql.unsafe<Array<Figures & { bucket_start: Date }>>(
          `select bucket_start, ${SELECTED} from trading_order_figures($1, $2, p_bucket => $3::interval)`,
          [from, to, `${widthMs} milliseconds`],
        );
        expect(buckets.length).toBeGreaterThan(1);
        for (const bucket of buckets) {
          const start = Math.max(bucket.bucket_start.getTime(), from.getTime());
          const end = Math.min(bucket.bucket_start.getTime() + widthMs, to.getTime());
          await expectFiguresLike(await exactFigures(db, new Date(start), new Date(end)), [bucket]);
        }
      }
    });

    it("gives the same figures in a session whose time zone keeps daylight saving time", async () => {
      const from = new Date(END - SPAN - 3_600_000);
      const to = new Date(END + 3_600_000);
      await db.sql`select refresh_order_cohort_summaries(100000)`;
      const utc = await storedFigures(db, from, to, "symbol");
      const local = await db.sql.begin(async (tx) => {
        await tx`set local timezone = 'America/New_York'`;
        await tx`select order_cohort_mark_hours(array(select date_trunc('hour', placed_at, 'UTC') from order_analytics))`;
        await tx`select refresh_order_cohort_summaries(100000)`;
        return tx.unsafe<Figures[]>(`select ${SELECTED} from trading_order_figures($1, $2, p_by => 'symbol')`, [from, to]);
      });
      await expectFiguresLike(utc, local);
      expect(await db.sql`select 1 from order_cohort_summaries where width = 'day' and bucket_start = ${new Date(Date.UTC(2026, 10, 1))}`).not.toHaveLength(0);
    });

    it("gives the same cohort counts per bucket as the whole range's orders", async () => {
      const from = new Date(END - SPAN);
      const to = new Date(END);
      const buckets = await db.sql<Array<{ placed: number; filled: number }>>`
        select placed::int, filled::int from trading_order_figures(${from}, ${to}, p_bucket => '1 hour'::interval, p_timings => false)`;
      const [whole] = await storedFigures(db, from, to);
      expect(buckets.reduce((n, b) => n + b.placed, 0)).toBe(whole!.placed);
      expect(buckets.reduce((n, b) => n + b.filled, 0)).toBe(whole!.filled);
    });
  });
});
