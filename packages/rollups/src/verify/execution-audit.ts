import type { Sql, SqlTransaction } from "@trading-analytics/core";

export interface ExecutionMismatch {
  table: "order_analytics.arrival" | "order_fills";
  /** The order id (arrival) or the fill's event id. */
  key: string;
  /** The marks as stored and as the events say they should be (null: no row on that side). */
  stored: Record<string, unknown> | null;
  exact: Record<string, unknown> | null;
}

export interface ExecutionAudit {
  rowsCompared: number;
  mismatches: ExecutionMismatch[];
}

// The folded events: stored within the allowed lateness, not set aside; times at millisecond
// precision (the aggregator folds event times as JS dates).
const FOLDED = `
  folded as (
    select id, event_type, date_trunc('milliseconds', "timestamp") as t, properties as p,
           case when jsonb_typeof(properties->'order_id') = 'string' and properties->>'order_id' <> '' then properties->>'order_id'
                when event_type = 'order.placed' then id::text end as order_key
    from events
    where created_at - "timestamp" <= $1::interval
      and not exists (select 1 from set_aside_events s where s.event_id = events.id and s.event_time = events."timestamp")
  )`;

// The folded quote updates of each symbol, with their mid and spread.
const QUOTES = `
  quotes as (
    select id, symbol, t as quoted_at,
           case when bid > 0 and ask >= bid then (bid + ask) / 2 end as mid,
           case when bid > 0 and ask >= bid then (ask - bid) / ((bid + ask) / 2) * 10000 end as spread_bps
    from (select id, t, p->>'symbol' as symbol,
                 case when jsonb_typeof(p->'bid') = 'number' then (p->>'bid')::float8 end as bid,
                 case when jsonb_typeof(p->'ask') = 'number' then (p->>'ask')::float8 end as ask
          from folded where event_type = 'market.data.update' and jsonb_typeof(p->'symbol') = 'string') u
  )`;

/**
 * The quote in force at each lookup (key, symbol, at) of the CTE named `lookups`: the latest
 * update of the symbol at or before `at`, ties by event id. Updates and lookups are sorted
 * together (an update before a lookup at the same time, so it counts); the running count of
 * updates puts each lookup in the group its quote in force heads. Two sorts, no search per lookup.
 * Lookups with no quote in force (before the symbol's first) are left out.
 */
const QUOTES_IN_FORCE = (lookups: string) => `
  select key, mid, spread_bps, quoted_at from (
    select key, quote_id, first_value(mid) over w as mid, first_value(spread_bps) over w as spread_bps, first_value(quoted_at) over w as quoted_at,
           first_value(quote_id) over w as head
    from (
      select *, count(quote_id) over (partition by symbol order by at, kind, quote_id rows unbounded preceding) as n
      from (select symbol, quoted_at as at, 0 as kind, id as quote_id, null::text as key, mid, spread_bps, quoted_at from quotes
            union all
            select symbol, at, 1, null, key, null, null, null from ${lookups} where at is not null and symbol is not null) x
    ) g
    window w as (partition by symbol, n order by at, kind, quote_id rows unbounded preceding)
  ) found
  where quote_id is null and head is not null`;

// Each order from its placements: time, and symbol and limit price of the earliest one; its end.
const ORDERS = `
  orders as (
    select order_key as order_id,
           min(t) filter (where event_type = 'order.placed') as placed_at,
           (array_agg(case when jsonb_typeof(p->'symbol') = 'string' and p->>'symbol' <> '' then p->>'symbol' end order by t, id)
              filter (where event_type = 'order.placed'))[1] as symbol,
           (array_agg(case when jsonb_typeof(p->'price') = 'number' then (p->>'price')::float8 end order by t, id)
              filter (where event_type = 'order.placed'))[1] as limit_price,
           coalesce(min(t) filter (where event_type = 'order.rejected'), min(t) filter (where event_type = 'order.canceled')) as ended_at
    from folded
    where event_type in ('order.placed', 'order.filled', 'order.canceled', 'order.rejected') and order_key is not null
    group by order_key
  )`;

/**
 * Recomputes execution quality's marks with plain SQL over the stored events (no code shared with
 * the aggregator; each quote looked up over the market data events themselves) and compares them:
 * every order's arrival price, source, quote time and end mid, and every fill row.
 */
export async function auditExecution(sql: Sql, allowedLatenessMs: number): Promise<ExecutionAudit> {
  return sql.begin(async (tx) => {
    // The planner guesses a row or two for CTEs filtered on JSON, and nested loops over them are
    // quadratic at a million events: every join here is an equi-join that hashing does in one pass.
    await tx`set local enable_nestloop = off`;
    return compareMarks(tx, allowedLatenessMs);
  });
}

async function compareMarks(sql: SqlTransaction, allowedLatenessMs: number): Promise<ExecutionAudit> {
  const lateness = [`${allowedLatenessMs} milliseconds`];
  const arrivals = await sql.unsafe<Array<{ key: string; stored: Record<string, unknown> | null; exact: Record<string, unknown> | null }>>(
    `with ${FOLDED}, ${ORDERS},
     ${QUOTES},
     arrival_lookups as (select order_id as key, symbol, placed_at as at from orders),
     end_lookups as (select order_id as key, symbol, ended_at as at from orders),
     arrival as (${QUOTES_IN_FORCE("arrival_lookups")}),
     ended as (${QUOTES_IN_FORCE("end_lookups")}),
     exact as (
       select o.order_id,
              case when o.placed_at is null then null when a.mid is not null then a.mid when o.limit_price > 0 then o.limit_price end as arrival_price,
              case when o.placed_at is null then null when a.mid is not null then 'mid' when o.limit_price > 0 then 'limit' end as arrival_source,
              case when o.placed_at is not null and a.mid is not null then a.quoted_at end as arrival_quote_at,
              case when o.placed_at is not null then e.mid end as end_mid
       from orders o
       left join arrival a on a.key = o.order_id
       left join ended e on e.key = o.order_id
     ),
     stored as (select order_id, arrival_price, arrival_source, arrival_quote_at, end_mid from order_analytics)
     select coalesce(x.order_id, r.order_id) as key, to_jsonb(r) as stored, to_jsonb(x) as exact
     from exact x full join stored r using (order_id)
     where r.order_id is null or x.order_id is null
        or (r.arrival_price, r.arrival_source, r.arrival_quote_at, r.end_mid) is distinct from (x.arrival_price, x.arrival_source, x.arrival_quote_at, x.end_mid)`,
    lateness,
  );
  const fills = await sql.unsafe<Array<{ key: string; stored: Record<string, unknown> | null; exact: Record<string, unknown> | null }>>(
    `with ${FOLDED}, ${ORDERS},
     fill_events as (
       select f.id as event_id, f.order_key as order_id,
              case when jsonb_typeof(f.p->'symbol') = 'string' and f.p->>'symbol' <> '' then f.p->>'symbol' end as symbol,
              case when jsonb_typeof(f.p->'side') = 'string' and f.p->>'side' <> '' then f.p->>'side' end as side,
              f.t as filled_at,
              case when jsonb_typeof(f.p->'price') = 'number' then (f.p->>'price')::float8 end as price,
              case when jsonb_typeof(f.p->'quantity') = 'number' then (f.p->>'quantity')::float8 end as quantity,
              case when jsonb_typeof(f.p->'fee') = 'number' then (f.p->>'fee')::float8 end as fee
       from folded f
       where f.event_type = 'order.filled' and f.order_key is not null
     ),
     ${QUOTES},
     fill_lookups as (select event_id::text as key, symbol, filled_at as at from fill_events),
     at_fill as (${QUOTES_IN_FORCE("fill_lookups")}),
     exact as (
       select f.*, q.mid as mid_at_fill, q.spread_bps as spread_at_fill_bps, o.placed_at
       from fill_events f
       join orders o using (order_id)
       left join at_fill q on q.key = f.event_id::text
     ),
     stored as (select event_id, order_id, symbol, side, filled_at, price, quantity, fee, mid_at_fill, spread_at_fill_bps, placed_at from order_fills)
     select coalesce(x.event_id, r.event_id)::text as key, to_jsonb(r) as stored, to_jsonb(x) as exact
     from exact x full join stored r using (event_id)
     where r.event_id is null or x.event_id is null
        or (r.order_id, r.symbol, r.side, r.filled_at, r.price, r.quantity, r.fee, r.mid_at_fill, r.spread_at_fill_bps, r.placed_at)
           is distinct from (x.order_id, x.symbol, x.side, x.filled_at, x.price, x.quantity, x.fee, x.mid_at_fill, x.spread_at_fill_bps, x.placed_at)`,
    lateness,
  );
  const [{ count }] = await sql<[{ count: number }]>`select ((select count(*) from order_analytics) + (select count(*) from order_fills))::int as count`;
  return {
    rowsCompared: count,
    mismatches: [
      ...arrivals.map((row) => ({ table: "order_analytics.arrival" as const, ...row })),
      ...fills.map((row) => ({ table: "order_fills" as const, ...row })),
    ],
  };
}
