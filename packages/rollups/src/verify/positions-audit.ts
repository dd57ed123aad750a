import type { Sql } from "@trading-analytics/core";

export interface PositionMismatch {
  table: "positions";
  positionId: string;
  /** The columns that differ, with their stored and exact values (null: no row on that side). */
  columns: Record<string, { stored: unknown; exact: unknown }>;
}

export interface PositionsAudit {
  rowsCompared: number;
  mismatches: PositionMismatch[];
}

/**
 * Recomputes the positions table with plain SQL over the stored events (one GROUP BY position_id,
 * no code shared with the aggregator) and compares every column a reader uses. The events are
 * those the rollups fold: position events with a position id, stored within the allowed
 * lateness, not set aside. Times are compared at millisecond precision (the aggregator folds
 * event times as JS dates).
 */
export async function auditPositions(sql: Sql, allowedLatenessMs: number): Promise<PositionsAudit> {
  const rows = await sql.unsafe<Array<{ position_id: string; stored: Record<string, unknown> | null; exact: Record<string, unknown> | null }>>(
    `with ev as (
       select id as event_id, event_type, date_trunc('milliseconds', "timestamp") as t, properties as p, properties->>'position_id' as position_id
       from events
       where event_type in ('position.opened', 'position.closed')
         and jsonb_typeof(properties->'position_id') = 'string' and properties->>'position_id' <> ''
         and created_at - "timestamp" <= $1::interval
         and not exists (select 1 from set_aside_events s where s.event_id = events.id and s.event_time = events."timestamp")
     ),
     source as (
       -- The earliest opened event, else the earliest close; ties by event id.
       select distinct on (position_id) position_id,
              case when jsonb_typeof(p->'symbol') = 'string' and p->>'symbol' <> '' then p->>'symbol' end as symbol,
              case when jsonb_typeof(p->'side') = 'string' and p->>'side' <> '' then p->>'side' end as side,
              case when jsonb_typeof(p->'strategy_id') = 'string' and p->>'strategy_id' <> '' then p->>'strategy_id' end as strategy_id,
              case when jsonb_typeof(p->'quantity') = 'number' then (p->>'quantity')::float8 end as quantity,
              case when jsonb_typeof(p->'entry_price') = 'number' then (p->>'entry_price')::float8 end as entry_price
       from ev
       order by position_id, event_type <> 'position.opened', t, event_id
     ),
     closing as (
       select distinct on (position_id) position_id, t as closed_at,
              case when jsonb_typeof(p->'exit_price') = 'number' then (p->>'exit_price')::float8 end as exit_price,
              case when jsonb_typeof(p->'realized_pnl') = 'number' then (p->>'realized_pnl')::float8 end as reported
       from ev where event_type = 'position.closed'
       order by position_id, t, event_id
     ),
     totals as (
       select position_id, min(t) filter (where event_type = 'position.opened') as opened_at, min(t) as first_event_at, max(t) as last_event_at
       from ev group by position_id
     ),
     exact as (
       select s.position_id, s.symbol, s.side, s.strategy_id, s.quantity, s.entry_price, t.opened_at, c.closed_at, c.exit_price,
              case when c.closed_at is not null then coalesce(c.reported,
                (c.exit_price - s.entry_price) * s.quantity * case s.side when 'LONG' then 1 when 'SHORT' then -1 end) end as realized_pnl,
              t.first_event_at, t.last_event_at
       from source s join totals t using (position_id) left join closing c using (position_id)
     ),
     stored as (
       select position_id, symbol, side, strategy_id, quantity, entry_price, opened_at, closed_at, exit_price, realized_pnl,
              first_event_at, last_event_at
       from positions
     )
     select coalesce(x.position_id, r.position_id) as position_id, to_jsonb(r) as stored, to_jsonb(x) as exact
     from exact x full join stored r using (position_id)`,
    [`${allowedLatenessMs} milliseconds`],
  );

  const mismatches: PositionMismatch[] = [];
  for (const row of rows) {
    const columns: PositionMismatch["columns"] = {};
    const names = new Set([...Object.keys(row.stored ?? {}), ...Object.keys(row.exact ?? {})]);
    for (const name of names) {
      const stored = row.stored?.[name] ?? null;
      const exact = row.exact?.[name] ?? null;
      if (!row.stored || !row.exact || stored !== exact) columns[name] = { stored, exact };
    }
    if (Object.keys(columns).length > 0) mismatches.push({ table: "positions", positionId: row.position_id, columns });
  }
  return { rowsCompared: rows.length, mismatches };
}
