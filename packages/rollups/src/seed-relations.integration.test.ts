import { randomUUID } from "node:crypto";
import { type AnalyticsEvent, DashboardMetricsReader } from "@trading-analytics/core";
import { createTestDatabase, type TestDatabase } from "@trading-analytics/core/testing";
import { drain, testCycle } from "./testing/aggregator-fixture";
import { storeEvents, tradingEvents } from "./testing/trading-events";

// The reference's relations (migrations/0016) read the rollups the aggregator folds; each is
// checked here against plain SQL over the raw events.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.now();
/** Events of the last two hours, within today (UTC) so that the dashboard's day holds them all. */
const SPAN = Math.min(2 * HOUR, NOW % (24 * HOUR));

function event(eventType: string, timeMs: number, properties: Record<string, unknown>, extra: Partial<AnalyticsEvent> = {}): AnalyticsEvent {
  return { eventId: randomUUID(), eventType, userId: "user-x", sessionId: null, properties, timestamp: new Date(timeMs), receivedAt: new Date(NOW), source: null, ...extra };
}

describe("the reference's relations", () => {
  let db: TestDatabase;
  const session = { userId: "user-session", sessionId: "session-walk" };
  const sessionStart = NOW - 50 * MINUTE;

  beforeAll(async () => {
    db = await createTestDatabase("seed_relations");
    const recent = tradingEvents(2_000, { endMs: NOW, spanMs: SPAN, seed: 16, receivedAtMs: NOW });
    const extras = [
      event("signal.generated", NOW - MINUTE, { signal_id: "s1", strategy_id: "momentum-v1", symbol: "BTCUSDT", direction: "LONG", strength: 0.8 }),
      event("order.rejected", NOW - 2 * MINUTE, { order_id: "r1", symbol: "BTCUSDT", side: "BUY", reason: "risk", strategy_id: "momentum-v1" }),
      event("page.view", sessionStart, { path: "/" }, session),
      event("order.placed", sessionStart + 30_000, { order_id: "o1", symbol: "ETHUSDT", side: "BUY", order_type: "LIMIT", price: 2000, quantity: 1 }, session),
      event("order.filled", sessionStart + 40_000, { order_id: "o1", symbol: "ETHUSDT", side: "BUY", price: 2000, quantity: 1, notional: 2000, is_partial: false, remaining_quantity: 0 }, session),
      // Stored now, three days after it happened: recorded as late, not folded.
      event("page.view", NOW - 72 * HOUR, { path: "/late" }),
    ];
    await storeEvents(db.sql, [...recent, ...extras]);
    await drain(testCycle(db.sql));
  });

  afterAll(() => db?.drop());

  it("metric_aggregations: counts per hour as the reference queries them", async () => {
    const rows = await db.sql<{ time_bucket: Date; count: string; sum: number | null; avg: number | null }[]>`
      SELECT time_bucket, count::text, sum, avg FROM metric_aggregations
      WHERE metric_name = 'events.count.order.placed' AND interval = '1h' AND dimensions = '{}' AND time_bucket > NOW() - INTERVAL '1 day'
      ORDER BY time_bucket`;
    const exact = await db.sql<{ time_bucket: Date; count: string }[]>`
      select date_bin('1 hour', "timestamp", 'epoch') as time_bucket, count(*)::text as count from events
      where event_type = 'order.placed' and "timestamp" > now() - interval '1 day' group by 1 order by 1`;
    expect(rows.map(({ time_bucket, count }) => ({ time_bucket, count }))).toEqual(exact);
    expect(rows.every((row) => row.sum === null && row.avg === null)).toBe(true);
  });

  it("metric_aggregations: a measure per symbol, with avg, min, max and the breakdown as JSON", async () => {
    const rows = await db.sql<{ symbol: string; count: string; sum: number; avg: number; min: number; max: number }[]>`
      SELECT dimensions->>'symbol' AS symbol, count::text, sum, avg, min, max FROM metric_aggregations
      WHERE metric_name = 'events.price.order.filled' AND interval = '1d' AND dimensions ? 'symbol' ORDER BY 1`;
    const exact = await db.sql<{ symbol: string; count: string; sum: number; avg: number; min: number; max: number }[]>`
      select properties->>'symbol' as symbol, count(*)::text as count, sum((properties->>'price')::float8) as sum,
             avg((properties->>'price')::float8) as avg, min((properties->>'price')::float8) as min, max((properties->>'price')::float8) as max
      from events where event_type = 'order.filled' group by 1 order by 1`;
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.map(({ symbol, count, min, max }) => ({ symbol, count, min, max }))).toEqual(exact.map(({ symbol, count, min, max }) => ({ symbol, count, min, max })));
    rows.forEach((row, i) => {
      expect(row.sum).toBeCloseTo(exact[i]!.sum, 6);
      expect(row.avg).toBeCloseTo(exact[i]!.avg, 6);
    });
  });

  it("metric_aggregations: trading.total_volume is the fills' price x quantity, at every interval", async () => {
    const exact = await db.sql<{ n: string; volume: number }[]>`
      select count(*)::text as n, sum((properties->>'price')::float8 * (properties->>'quantity')::float8) as volume
      from events where event_type = 'order.filled'`;
    for (const interval of ["1m", "5m", "15m", "1h", "1d"]) {
      const [row] = await db.sql<{ n: string; volume: number }[]>`
        SELECT sum(count)::text AS n, sum(sum) AS volume FROM metric_aggregations
        WHERE metric_name = 'trading.total_volume' AND interval = ${interval} AND dimensions = '{}'`;
      expect(row!.n).toBe(exact[0]!.n);
      expect(row!.volume).toBeCloseTo(exact[0]!.volume, 4);
    }
  });

  it("dashboard_metrics: the API's figures, equal to plain SQL over the events", async () => {
    const asOf = new Date(NOW);
    const [viaSql] = await db.sql`select * from dashboard_metrics_at(${asOf}, '1m', 5)`;
    const api = await new DashboardMetricsReader(db.sql, "1m").read(asOf);
    const [exact] = await db.sql<{ users: string; events: string; seconds: number; placed: string; filled: string; strategies: string; volume: number; latency: number; rejected: string }[]>`
      with b as (select date_bin('1 minute', ${asOf}::timestamptz - interval '5 minutes', 'epoch') as ws, date_bin('1 day', ${asOf}::timestamptz, 'epoch') as ds),
      -- Orders, one row each: placed when first placed; filled by a final fill or by quantity.
      per_order as (
        select coalesce(nullif(properties->>'order_id', ''), case when event_type = 'order.placed' then id::text end) as order_id,
               min("timestamp") filter (where event_type = 'order.placed') as placed_at,
               (array_agg((properties->>'quantity')::float8 order by "timestamp", id) filter (where event_type = 'order.placed'))[1] as ordered,
               bool_or(event_type = 'order.filled' and properties->'is_partial' = 'false') as final_fill,
               coalesce(sum((properties->>'quantity')::float8) filter (where event_type = 'order.filled'), 0) as filled_qty,
               count(*) filter (where event_type = 'order.filled') as fills,
               bool_or(event_type = 'order.rejected') as rejected
        from events where event_type like 'order.%' group by 1),
      orders as (
        select placed_at, rejected, coalesce(final_fill, false) or (ordered > 0 and fills > 0 and filled_qty >= ordered * (1 - 1e-9)) as is_filled
        from per_order)
      select
        (select count(distinct user_id) from events, b where "timestamp" >= ws)::text as users,
        (select count(*) from events, b where "timestamp" >= ws and "timestamp" >= now() - interval '1 day')::text as events,
        (select extract(epoch from ${asOf}::timestamptz - ws)::float8 from b) as seconds,
        (select count(*) from orders, b where placed_at >= ds and placed_at < ds + interval '1 day')::text as placed,
        (select count(*) from orders, b where placed_at >= ds and placed_at < ds + interval '1 day' and is_filled)::text as filled,
        (select count(distinct properties->>'strategy_id') from events, b where event_type in ('order.placed', 'signal.generated') and "timestamp" >= ws)::text as strategies,
        (select sum((properties->>'price')::float8 * (properties->>'quantity')::float8) from events, b where event_type = 'order.filled' and "timestamp" >= ds) as volume,
        (select avg((properties->>'latency_ms')::float8) from events, b where event_type = 'order.filled' and "timestamp" >= ds) as latency,
        (select count(*) from orders, b where placed_at >= ds and placed_at < ds + interval '1 day' and not is_filled and rejected)::text as rejected`;
    const e = exact!;
    expect(viaSql).toMatchObject({
      active_users: e.users,
      orders_placed: e.placed,
      orders_filled: e.filled,
      active_strategies: e.strategies,
      window_minutes: 5,
    });
    expect(viaSql!.events_per_second).toBeCloseTo(Number(e.events) / e.seconds, 9);
    expect(viaSql!.total_volume).toBeCloseTo(e.volume, 4);
    expect(viaSql!.average_latency).toBeCloseTo(e.latency, 6);
    expect(viaSql!.error_rate).toBeCloseTo(Number(e.rejected) / Number(e.placed), 9);
    // The same figures as GET /api/v1/dashboard/metrics.
    expect(Number(e.filled)).toBeLessThan(Number(e.placed));
    expect(viaSql!.order_fill_rate).toBeCloseTo((100 * Number(e.filled)) / Number(e.placed), 9);
    expect({ ...viaSql, last_updated: (viaSql!.last_updated as Date).toISOString() }).toEqual({
      ...api,
      active_users: String(api.active_users),
      orders_placed: String(api.orders_placed),
      orders_filled: String(api.orders_filled),
      active_strategies: String(api.active_strategies),
      events_per_second: expect.closeTo(api.events_per_second, 9),
      total_volume: expect.closeTo(api.total_volume, 6),
      average_latency: expect.closeTo(api.average_latency!, 9),
      error_rate: expect.closeTo(api.error_rate!, 9),
    });
    const [view] = await db.sql`select * from dashboard_metrics`;
    expect(view).toMatchObject({ orders_placed: e.placed, orders_filled: e.filled, window_minutes: 5 });
  });

  it("user_behavior: a session's span, counts and first order", async () => {
    const rows = await db.sql`SELECT * FROM user_behavior WHERE user_id = ${session.userId}`;
    expect(rows).toEqual([
      expect.objectContaining({
        user_id: session.userId,
        session_id: session.sessionId,
        started_at: new Date(sessionStart),
        ended_at: new Date(sessionStart + 40_000),
        duration: "00:00:40",
        duration_seconds: 40,
        event_count: "3",
        page_views: "1",
        orders_placed: "1",
        order_fills: "1",
        first_order_at: new Date(sessionStart + 30_000),
        time_to_first_order: "00:00:30",
        first_event_type: "page.view",
        last_event_type: "order.filled",
      }),
    ]);
    const all = await db.sql<{ n: string; events: string }[]>`select count(*)::text as n, sum(event_count)::text as events from user_behavior`;
    const exact = await db.sql<{ n: string; events: string }[]>`
      select count(distinct (user_id, session_id))::text as n, count(*)::text as events from events where session_id is not null`;
    expect(all).toEqual(exact);
  });

  it("strategy_performance: per strategy and day, equal to plain SQL", async () => {
    const rows = await db.sql`SELECT * FROM strategy_performance ORDER BY strategy_id, day`;
    const exact = await db.sql<Record<string, unknown>[]>`
      select properties->>'strategy_id' as strategy_id, date_bin('1 day', "timestamp", 'epoch') as day,
             count(*) filter (where event_type = 'signal.generated')::text as signals,
             count(*) filter (where event_type = 'order.placed')::text as orders_placed,
             count(*) filter (where event_type = 'order.filled')::text as fills,
             count(*) filter (where event_type = 'order.canceled')::text as orders_canceled,
             count(*) filter (where event_type = 'order.rejected')::text as orders_rejected,
             count(*) filter (where event_type = 'position.closed')::text as positions_closed,
             coalesce(sum((properties->>'realized_pnl')::float8) filter (where event_type = 'position.closed'), 0) as realized_pnl,
             coalesce(sum((properties->>'price')::float8 * (properties->>'quantity')::float8) filter (where event_type = 'order.filled'), 0) as filled_notional,
             max((properties->>'realized_pnl')::float8) filter (where event_type = 'position.closed') as best_close_pnl
      from events where properties->>'strategy_id' <> '' and "timestamp" >= now() - interval '2 days'
        and event_type in ('signal.generated', 'order.placed', 'order.filled', 'order.canceled', 'order.rejected', 'position.closed')
      group by 1, 2 order by 1, 2`;
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.map((row) => row.strategy_id)).toEqual(exact.map((row) => row.strategy_id));
    rows.forEach((row, i) => {
      const { realized_pnl, filled_notional, ...counts } = exact[i]!;
      expect(row).toMatchObject(counts);
      expect(row.realized_pnl).toBeCloseTo(realized_pnl as number, 6);
      expect(row.filled_notional).toBeCloseTo(filled_notional as number, 4);
    });
  });

  it("market_analytics: OHLCV per symbol and interval, equal to plain SQL", async () => {
    const rows = await db.sql`SELECT * FROM market_analytics WHERE interval = '15m' ORDER BY symbol, time_bucket`;
    const exact = await db.sql<Record<string, unknown>[]>`
      select properties->>'symbol' as symbol, '15m' as interval, date_bin('15 minutes', "timestamp", 'epoch') as time_bucket,
             (array_agg((properties->>'price')::float8 order by "timestamp", id))[1] as open,
             max((properties->>'price')::float8) as high, min((properties->>'price')::float8) as low,
             (array_agg((properties->>'price')::float8 order by "timestamp" desc, id desc))[1] as close,
             sum((properties->>'volume')::float8) as volume,
             sum((properties->>'price')::float8 * (properties->>'volume')::float8) / sum((properties->>'volume')::float8) as vwap,
             count(*)::text as updates
      from events where event_type = 'market.data.update' group by 1, 2, 3 order by 1, 3`;
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.map(({ symbol, time_bucket, open, high, low, close, updates }) => ({ symbol, time_bucket, open, high, low, close, updates }))).toEqual(
      exact.map(({ symbol, time_bucket, open, high, low, close, updates }) => ({ symbol, time_bucket, open, high, low, close, updates })),
    );
    rows.forEach((row, i) => {
      expect(row.volume).toBeCloseTo(exact[i]!.volume as number, 6);
      expect(row.vwap).toBeCloseTo(exact[i]!.vwap as number, 6);
    });
  });

  it("system_metrics: events stored per minute, late events and set-aside events", async () => {
    const [late] = await db.sql<{ id: string }[]>`select event_id::text as id from late_events`;
    expect(late).toBeDefined();
    await db.sql`insert into set_aside_events (event_id, event_time, event_type, reason, detail)
                 select id, "timestamp", event_type, 'fold_failed', 'test' from events where event_type = 'order.rejected'`;
    const rows = await db.sql`SELECT minute, events_stored, late_events, events_set_aside FROM system_metrics ORDER BY minute`;
    const stored = await db.sql<{ minute: Date; n: string }[]>`
      select date_trunc('minute', created_at) as minute, count(*)::text as n from events group by 1 order by 1`;
    expect(rows.filter((row) => row.events_stored !== "0").map((row) => ({ minute: row.minute, n: row.events_stored }))).toEqual(stored);
    expect(rows.reduce((sum, row) => sum + Number(row.late_events), 0)).toBe(1);
    expect(rows.reduce((sum, row) => sum + Number(row.events_set_aside), 0)).toBe(1);
  });
  // Last: it empties the rollups the tests above read.
  it("DELETE FROM metric_aggregations (002 Step 14) deletes the rollups behind it, and folding starts afresh", async () => {
    // This cycle has folded (and caches the rollup states of) events of its own before the delete.
    const cycle = testCycle(db.sql);
    await storeEvents(db.sql, tradingEvents(200, { endMs: NOW, spanMs: SPAN, seed: 18, receivedAtMs: NOW }));
    await drain(cycle);
    const before = await db.sql<{ version: string }[]>`select updated_at::text as version from aggregation_cursors where name = 'rollups'`;
    const deleted = await db.sql`DELETE FROM metric_aggregations`;
    expect(deleted.count).toBeGreaterThan(0);
    const [left] = await db.sql<{ rollups: string; members: string; blocks: string }[]>`
      select (select count(*) from metric_rollups)::text as rollups, (select count(*) from rollup_members)::text as members,
             (select count(*) from metric_series_blocks)::text as blocks`;
    expect(left).toEqual({ rollups: "0", members: "0", blocks: "0" });
    const after = await db.sql<{ version: string }[]>`select updated_at::text as version from aggregation_cursors where name = 'rollups'`;
    expect(after[0]!.version).not.toBe(before[0]!.version);

    const fresh = tradingEvents(300, { endMs: NOW, spanMs: SPAN, seed: 17, receivedAtMs: NOW });
    await storeEvents(db.sql, fresh);
    await drain(cycle);
    const [row] = await db.sql<{ n: string }[]>`
      SELECT coalesce(sum(count), 0)::text AS n FROM metric_aggregations
      WHERE metric_name = 'events.count.order.placed' AND interval = '1d' AND dimensions = '{}'`;
    expect(row!.n).toBe(String(fresh.filter((event) => event.eventType === "order.placed").length));
  });
});
