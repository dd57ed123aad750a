import type { Sql } from "@trading-analytics/core";

export interface OrderMismatch {
  table: "order_analytics";
  orderId: string;
  /** The columns that differ, with their stored and exact values (null: no row on that side). */
  columns: Record<string, { stored: unknown; exact: unknown }>;
}

export interface OrderLifecycleAudit {
  rowsCompared: number;
  mismatches: OrderMismatch[];
}

/** Quantities and notionals are IEEE sums in another order than SQL's: equal within this relative error. */
const SUM_TOLERANCE = 1e-9;
const SUMMED = new Set(["filled_quantity", "fill_notional"]);

/**
 * Recomputes order_analytics with plain SQL over the stored events (one GROUP BY order_id, no code
 * shared with the aggregator) and compares every column a reader uses. The events are those the
 * rollups fold: order events with an order id, stored within the allowed lateness, not set aside.
 * Times are compared at millisecond precision (the aggregator folds event times as JS dates).
 */
export async function auditOrderLifecycle(sql: Sql, allowedLatenessMs: number): Promise<OrderLifecycleAudit> {
  const rows = await sql.unsafe<Array<{ order_id: string; stored: Record<string, unknown> | null; exact: Record<string, unknown> | null }>>(
    `with keyed as (
       -- An order is its order_id; an order.placed without one is an order of its own, named by its id.
       select events.*, case when jsonb_typeof(properties->'order_id') = 'string' and properties->>'order_id' <> '' then properties->>'order_id'
                             when event_type = 'order.placed' then id::text end as order_id
       from events
     ),
     ev as (
       select id as event_id, event_type, date_trunc('milliseconds', "timestamp") as t, properties as p, order_id
       from keyed events
       where event_type in ('order.placed', 'order.filled', 'order.canceled', 'order.rejected')
         and order_id is not null
         and created_at - "timestamp" <= $1::interval
         and not exists (select 1 from set_aside_events s where s.event_id = events.id and s.event_time = events."timestamp")
     ),
     typed as (
       select ev.*,
              case when jsonb_typeof(p->'quantity') = 'number' then (p->>'quantity')::float8 end as qty,
              case when jsonb_typeof(p->'price') = 'number' then (p->>'price')::float8 end as px
       from ev
     ),
     source as (
       select distinct on (order_id) order_id,
              case when jsonb_typeof(p->'symbol') = 'string' and p->>'symbol' <> '' then p->>'symbol' end as symbol,
              case when jsonb_typeof(p->'side') = 'string' and p->>'side' <> '' then p->>'side' end as side,
              case when jsonb_typeof(p->'strategy_id') = 'string' and p->>'strategy_id' <> '' then p->>'strategy_id' end as strategy_id,
              case when event_type = 'order.placed' and jsonb_typeof(p->'order_type') = 'string' and p->>'order_type' <> '' then p->>'order_type' end as order_type,
              case when event_type = 'order.placed' then px end as limit_price,
              case when event_type = 'order.placed' then qty end as quantity
       from typed
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
       from typed group by order_id
     ),
     exact as (
       select s.order_id, s.symbol, s.side, s.strategy_id, s.order_type, s.limit_price, s.quantity,
              t.placed_at, t.first_event_at, t.last_event_at, t.fill_count, t.filled_quantity, t.fill_notional,
              t.first_fill_at, t.last_fill_at, t.canceled_at, t.rejected_at,
              case when t.final_fill_at is not null then t.final_fill_at
                   when s.quantity > 0 and t.filled_quantity >= s.quantity * (1 - 1e-9) then t.last_fill_at end as filled_at,
              case when t.final_fill_at is not null or (s.quantity > 0 and t.fill_count > 0 and t.filled_quantity >= s.quantity * (1 - 1e-9)) then 'filled'
                   when t.rejected_at is not null then 'rejected'
                   when t.canceled_at is not null then 'canceled'
                   when t.fill_count > 0 then 'partially_filled'
                   else 'open' end as status
       from source s join totals t using (order_id)
     ),
     stored as (
       select order_id, symbol, side, strategy_id, order_type, limit_price, quantity, placed_at, first_event_at, last_event_at,
              fill_count, filled_quantity, fill_notional, first_fill_at, last_fill_at, canceled_at, rejected_at, filled_at, status
       from order_analytics
     )
     select coalesce(x.order_id, r.order_id) as order_id, to_jsonb(r) as stored, to_jsonb(x) as exact
     from exact x full join stored r using (order_id)`,
    [`${allowedLatenessMs} milliseconds`],
  );

  const mismatches: OrderMismatch[] = [];
  for (const row of rows) {
    const columns: OrderMismatch["columns"] = {};
    const names = new Set([...Object.keys(row.stored ?? {}), ...Object.keys(row.exact ?? {})]);
    for (const name of names) {
      const stored = row.stored?.[name] ?? null;
      const exact = row.exact?.[name] ?? null;
      if (!row.stored || !row.exact || !same(name, stored, exact)) columns[name] = { stored, exact };
    }
    if (Object.keys(columns).length > 0) mismatches.push({ table: "order_analytics", orderId: row.order_id, columns });
  }
  return { rowsCompared: rows.length, mismatches };
}

function same(column: string, stored: unknown, exact: unknown): boolean {
  if (SUMMED.has(column) && typeof stored === "number" && typeof exact === "number") {
    return Math.abs(stored - exact) <= SUM_TOLERANCE * Math.max(1, Math.abs(exact));
  }
  return stored === exact;
}
