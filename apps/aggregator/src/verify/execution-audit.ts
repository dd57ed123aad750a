import type { Sql } from "@trading-analytics/core";

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

// The quote in force for symbol `sym` at time `at`: the latest folded update at or before it, ties by event id.
const QUOTE_AT = (sym: string, at: string) => `
  select case when v.bid > 0 and v.ask >= v.bid then (v.bid + v.ask) / 2 end as mid,
         case when v.bid > 0 and v.ask >= v.bid then (v.ask - v.bid) / ((v.bid + v.ask) / 2) * 10000 end as spread_bps,
         date_trunc('milliseconds', q."timestamp") as quoted_at
  from events q
  cross join lateral (select case when jsonb_typeof(q.properties->'bid') = 'number' then (q.properties->>'bid')::float8 end as bid,
                             case when jsonb_typeof(q.properties->'ask') = 'number' then (q.properties->>'ask')::float8 end as ask) v
  where q.event_type = 'market.data.update' and jsonb_typeof(q.properties->'symbol') = 'string' and q.properties->>'symbol' = ${sym}
    and date_trunc('milliseconds', q."timestamp") <= ${at} and q.created_at - q."timestamp" <= $1::interval
    and not exists (select 1 from set_aside_events s where s.event_id = q.id and s.event_time = q."timestamp")
  order by date_trunc('milliseconds', q."timestamp") desc, q.id desc limit 1`;

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
  const lateness = [`${allowedLatenessMs} milliseconds`];
  const arrivals = await sql.unsafe<Array<{ key: string; stored: Record<string, unknown> | null; exact: Record<string, unknown> | null }>>(
    `with ${FOLDED}, ${ORDERS},
     exact as (
       select o.order_id,
              case when o.placed_at is null then null when a.mid is not null then a.mid when o.limit_price > 0 then o.limit_price end as arrival_price,
              case when o.placed_at is null then null when a.mid is not null then 'mid' when o.limit_price > 0 then 'limit' end as arrival_source,
              case when o.placed_at is not null and a.mid is not null then a.quoted_at end as arrival_quote_at,
              case when o.placed_at is not null then e.mid end as end_mid
       from orders o
       left join lateral (${QUOTE_AT("o.symbol", "o.placed_at")}) a on true
       left join lateral (${QUOTE_AT("o.symbol", "o.ended_at")}) e on true
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
     exact as (
       select f.*, q.mid as mid_at_fill, q.spread_bps as spread_at_fill_bps, o.placed_at
       from fill_events f
       join orders o using (order_id)
       left join lateral (${QUOTE_AT("f.symbol", "f.filled_at")}) q on true
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
