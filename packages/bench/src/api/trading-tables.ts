// The trading tables the aggregator folds alongside the rollups, filled by SQL from the month of
// events as the fold would leave them (folding 10M events through the aggregator takes ~20 min
// here). Each filler mirrors the plain SQL its audit recomputes the table with; a table not in
// this database's migrations yet is skipped, so the bench runs on any branch.
import { ExecutionRepository, ORDER_KEY_SQL, type Sql } from "@trading-analytics/core";

export interface TradingTableFill {
  table: string;
  /** Rows written; undefined when the table does not exist here. */
  rows: number | undefined;
}

interface TradingTableFiller {
  table: string;
  fill: (sql: Sql) => Promise<number>;
}

/**
 * order_analytics (migration 0017): one GROUP BY order_id over the order events, as
 * packages/rollups/src/verify/order-lifecycle-audit.ts recomputes it. Every bench event is
 * foldable (stored 20 ms after its time, none set aside) and has a string order_id.
 */
async function fillOrderAnalytics(sql: Sql): Promise<number> {
  const result = await sql`
    with ev as (
      select id as event_id, event_type, date_trunc('milliseconds', "timestamp") as t, properties as p, properties->>'order_id' as order_id,
             case when jsonb_typeof(properties->'quantity') = 'number' then (properties->>'quantity')::float8 end as qty,
             case when jsonb_typeof(properties->'price') = 'number' then (properties->>'price')::float8 end as px
      from events
      where event_type in ('order.placed', 'order.filled', 'order.canceled', 'order.rejected') and jsonb_typeof(properties->'order_id') = 'string'
    ),
    source as (
      select distinct on (order_id) order_id, event_type = 'order.placed' as placed, t, event_id,
             p->>'symbol' as symbol, p->>'side' as side, p->>'strategy_id' as strategy_id,
             case when event_type = 'order.placed' then p->>'order_type' end as order_type,
             case when event_type = 'order.placed' then px end as limit_price,
             case when event_type = 'order.placed' then qty end as quantity
      from ev
      order by order_id, event_type <> 'order.placed', t, event_id
    ),
    totals as (
      select order_id,
             min(t) filter (where event_type = 'order.placed') as placed_at,
             min(t) as first_event_at,
             max(t) as last_event_at,
             count(*) filter (where event_type = 'order.filled')::int as fill_count,
             coalesce(sum(qty) filter (where event_type = 'order.filled'), 0) as filled_quantity,
             coalesce(sum(px * qty) filter (where event_type = 'order.filled'), 0) as fill_notional,
             min(t) filter (where event_type = 'order.filled') as first_fill_at,
             max(t) filter (where event_type = 'order.filled') as last_fill_at,
             min(t) filter (where event_type = 'order.filled' and p->'is_partial' = 'false'::jsonb) as final_fill_at,
             min(t) filter (where event_type = 'order.canceled') as canceled_at,
             min(t) filter (where event_type = 'order.rejected') as rejected_at
      from ev group by order_id
    )
    insert into order_analytics (order_id, symbol, side, strategy_id, order_type, placed_at, limit_price, quantity, filled_quantity,
                                 fill_notional, fill_count, first_fill_at, last_fill_at, final_fill_at, canceled_at, rejected_at,
                                 first_event_at, last_event_at, source_rank, source_time, source_event_id)
    select s.order_id, s.symbol, s.side, s.strategy_id, s.order_type, t.placed_at, s.limit_price, s.quantity, t.filled_quantity,
           t.fill_notional, t.fill_count, t.first_fill_at, t.last_fill_at, t.final_fill_at, t.canceled_at, t.rejected_at,
           t.first_event_at, t.last_event_at, case when s.placed then 0 else 1 end, s.t, s.event_id
    from source s join totals t using (order_id)`;
  return result.count;
}

/**
 * market_quotes (migration 0022): one row per market.data.update with a non-empty string symbol,
 * as packages/rollups/src/verify/market-quotes-audit.ts recomputes it.
 */
async function fillMarketQuotes(sql: Sql): Promise<number> {
  const number = (key: string) => sql`case when jsonb_typeof(properties->${key}) = 'number' then (properties->>${key})::float8 end`;
  const result = await sql`
    insert into market_quotes (symbol, quoted_at, event_id, price, bid, ask)
    select properties->>'symbol', date_trunc('milliseconds', "timestamp"), id, ${number("price")}, ${number("bid")}, ${number("ask")}
    from events
    where event_type = 'market.data.update' and jsonb_typeof(properties->'symbol') = 'string' and properties->>'symbol' <> ''`;
  // Market-data health's links and hourly bins (migration 0027), as its own backfill computes them.
  const [{ linked }] = (await sql`select exists (select 1 from information_schema.columns where table_name = 'market_quotes' and column_name = 'prev_quoted_at') as linked`) as unknown as [{ linked: boolean }];
  if (linked) {
    await sql`
      update market_quotes q set prev_quoted_at = l.prev_quoted_at
      from (select symbol, quoted_at, event_id, lag(quoted_at) over (partition by symbol order by quoted_at, event_id) as prev_quoted_at from market_quotes) l
      where l.prev_quoted_at is not null and q.symbol = l.symbol and q.quoted_at = l.quoted_at and q.event_id = l.event_id`;
    await sql`
      insert into market_quote_bins (symbol, bucket_start, measure, bin, quotes)
      select q.symbol, date_trunc('hour', q.quoted_at, 'UTC'), m.measure, m.bin, count(*)
      from market_quotes q
      cross join lateral (values ('updates', 0), ('interval', market_data_bin(nullif(q.interval_ms, 0))), ('spread', market_data_bin(q.spread_bps))) as m(measure, bin)
      where m.bin is not null
      group by 1, 2, 3, 4`;
    await sql`vacuum analyze market_quote_bins`;
    // Its days (migration 0030) are written by market_quote_bins' triggers from the insert above.
    const [{ days }] = (await sql`select to_regclass('market_quote_day_bins') is not null as days`) as unknown as [{ days: boolean }];
    if (days) await sql`vacuum analyze market_quote_day_bins`;
  }
  return result.count;
}

/**
 * user_sessions (migration 0025): one GROUP BY user_id, session_id over the events with a session,
 * as the migration's own fill and packages/rollups/src/verify/user-sessions-audit.ts compute it.
 */
async function fillUserSessions(sql: Sql): Promise<number> {
  const result = await sql`
    insert into user_sessions (user_id, session_id, started_at, ended_at, event_count, login_at, logout_at, first_order_at,
                               orders_placed, order_fills, page_views, button_clicks)
    select user_id, session_id, min(t), max(t), count(*),
           min(t) filter (where event_type in ('user.login', 'user_login')),
           max(t) filter (where event_type = 'user.logout'),
           min(t) filter (where event_type = 'order.placed'),
           count(*) filter (where event_type = 'order.placed'),
           count(*) filter (where event_type = 'order.filled'),
           count(*) filter (where event_type = 'page.view'),
           count(*) filter (where event_type = 'button.click')
    from (select user_id, session_id, event_type, date_trunc('milliseconds', "timestamp") as t from events where session_id is not null) e
    group by user_id, session_id`;
  return result.count;
}

/**
 * order_fills (migration 0026): one row per order.filled naming its order, then every mark
 * (arrival price, end mid, the quote at each fill) set by the aggregator's own re-marking of a
 * range (ExecutionRepository.remarkRange), over the whole month.
 */
async function fillOrderFills(sql: Sql): Promise<number> {
  const number = (key: string) => sql`case when jsonb_typeof(properties->${key}) = 'number' then (properties->>${key})::float8 end`;
  const text = (key: string) => sql`case when jsonb_typeof(properties->${key}) = 'string' and properties->>${key} <> '' then properties->>${key} end`;
  const result = await sql`
    insert into order_fills (event_id, order_id, symbol, side, filled_at, price, quantity, fee, placed_at)
    select e.id, e.order_id, e.symbol, e.side, e.t, e.price, e.quantity, e.fee, o.placed_at
    from (select id, ${sql.unsafe(ORDER_KEY_SQL)} as order_id, ${text("symbol")} as symbol, ${text("side")} as side,
                 date_trunc('milliseconds', "timestamp") as t, ${number("price")} as price, ${number("quantity")} as quantity, ${number("fee")} as fee
          from events where event_type = 'order.filled') e
    left join order_analytics o using (order_id)
    where e.order_id is not null`;
  const [span] = await sql<{ from: Date | null; to: Date | null }[]>`select min("timestamp") as from, max("timestamp") + interval '1 millisecond' as to from events`;
  if (span?.from && span.to) await new ExecutionRepository().remarkRange(sql, { from: span.from, to: span.to }, []);
  return result.count;
}

/**
 * positions (migration 0024): one GROUP BY position_id over the position events, as
 * packages/rollups/src/verify/positions-audit.ts recomputes it: the attributes of the earliest
 * opened event (else the earliest close), the earliest close, first and last event times.
 */
async function fillPositions(sql: Sql): Promise<number> {
  const result = await sql`
    with ev as (
      select id as event_id, event_type, date_trunc('milliseconds', "timestamp") as t, properties as p, properties->>'position_id' as position_id
      from events
      where event_type in ('position.opened', 'position.closed')
        and jsonb_typeof(properties->'position_id') = 'string' and properties->>'position_id' <> ''
    ),
    source as (
      select distinct on (position_id) position_id, case when event_type = 'position.opened' then 0 else 1 end as source_rank,
             t as source_time, event_id as source_event_id, p->>'symbol' as symbol, p->>'side' as side, p->>'strategy_id' as strategy_id,
             case when jsonb_typeof(p->'quantity') = 'number' then (p->>'quantity')::float8 end as quantity,
             case when jsonb_typeof(p->'entry_price') = 'number' then (p->>'entry_price')::float8 end as entry_price
      from ev
      order by position_id, event_type <> 'position.opened', t, event_id
    ),
    closing as (
      select distinct on (position_id) position_id, t as closed_at, event_id as close_event_id,
             case when jsonb_typeof(p->'exit_price') = 'number' then (p->>'exit_price')::float8 end as exit_price,
             case when jsonb_typeof(p->'realized_pnl') = 'number' then (p->>'realized_pnl')::float8 end as reported_realized_pnl
      from ev where event_type = 'position.closed'
      order by position_id, t, event_id
    ),
    span as (
      select position_id, min(t) filter (where event_type = 'position.opened') as opened_at, min(t) as first_event_at, max(t) as last_event_at
      from ev group by position_id
    )
    insert into positions (position_id, symbol, side, strategy_id, quantity, entry_price, opened_at, closed_at, close_event_id,
                           exit_price, reported_realized_pnl, first_event_at, last_event_at, source_rank, source_time, source_event_id)
    select s.position_id, s.symbol, s.side, s.strategy_id, s.quantity, s.entry_price, w.opened_at, c.closed_at, c.close_event_id,
           c.exit_price, c.reported_realized_pnl, w.first_event_at, w.last_event_at, s.source_rank, s.source_time, s.source_event_id
    from source s join span w using (position_id) left join closing c using (position_id)
    on conflict do nothing`;
  return result.count;
}

const FILLERS: readonly TradingTableFiller[] = [
  { table: "order_analytics", fill: fillOrderAnalytics },
  { table: "market_quotes", fill: fillMarketQuotes },
  { table: "user_sessions", fill: fillUserSessions },
  { table: "order_fills", fill: fillOrderFills },
  { table: "positions", fill: fillPositions },
  // Last: what the aggregator's refresh job makes of the hours the fills above marked stale.
  { table: "order_cohort_summaries", fill: refreshOrderCohortSummaries },
];

async function refreshOrderCohortSummaries(sql: Sql): Promise<number> {
  await sql`select refresh_order_cohort_summaries(1000000)`;
  const [{ rows }] = (await sql`select count(*)::int as rows from order_cohort_summaries`) as unknown as [{ rows: number }];
  return rows;
}

/**
 * Fills every trading table this database has, then vacuums and analyzes them all: a later filler
 * updates earlier tables (execution marks re-mark orders), and pages left not all-visible would
 * make the index-only reads visit the heap, which autovacuum spares a running deployment's tables.
 */
export async function fillTradingTables(sql: Sql): Promise<TradingTableFill[]> {
  const fills: TradingTableFill[] = [];
  for (const { table, fill } of FILLERS) {
    const [{ exists }] = (await sql`select to_regclass(${table}) is not null as exists`) as unknown as [{ exists: boolean }];
    fills.push({ table, rows: exists ? await fill(sql) : undefined });
  }
  for (const { table, rows } of fills) if (rows !== undefined) await sql.unsafe(`vacuum analyze ${table}`);
  for (const table of ["order_cohort_bins", "market_quote_bins"]) {
    const [{ exists }] = (await sql`select to_regclass(${table}) is not null as exists`) as unknown as [{ exists: boolean }];
    if (exists) await sql.unsafe(`vacuum analyze ${table}`);
  }
  return fills;
}
