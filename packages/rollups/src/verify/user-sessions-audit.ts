import type { Sql } from "@trading-analytics/core";

export interface SessionMismatch {
  table: "user_sessions";
  userId: string | null;
  sessionId: string;
  /** The columns that differ, with their stored and exact values (null: no row on that side). */
  columns: Record<string, { stored: unknown; exact: unknown }>;
}

export interface UserSessionsAudit {
  rowsCompared: number;
  mismatches: SessionMismatch[];
}

/**
 * Recomputes user_sessions with plain SQL over the stored events (one GROUP BY user_id,
 * session_id, no code shared with the aggregator) and compares every column. The events are
 * those the rollups fold: with a session_id, stored within the allowed lateness, not set aside.
 * Times are compared at millisecond precision (the aggregator folds event times as JS dates).
 */
export async function auditUserSessions(sql: Sql, allowedLatenessMs: number): Promise<UserSessionsAudit> {
  const rows = await sql.unsafe<Array<{ user_id: string | null; session_id: string; stored: Record<string, unknown> | null; exact: Record<string, unknown> | null }>>(
    `with ev as (
       select user_id, session_id, event_type, date_trunc('milliseconds', "timestamp") as t
       from events
       where session_id is not null
         and created_at - "timestamp" <= $1::interval
         and not exists (select 1 from set_aside_events s where s.event_id = events.id and s.event_time = events."timestamp")
     ),
     exact as (
       select user_id, session_id,
              min(t) as started_at,
              max(t) as ended_at,
              count(*)::int as event_count,
              min(t) filter (where event_type in ('user.login', 'user_login')) as login_at,
              max(t) filter (where event_type = 'user.logout') as logout_at,
              min(t) filter (where event_type = 'order.placed') as first_order_at,
              count(*) filter (where event_type = 'order.placed')::int as orders_placed,
              count(*) filter (where event_type = 'order.filled')::int as order_fills,
              count(*) filter (where event_type = 'page.view')::int as page_views,
              count(*) filter (where event_type = 'button.click')::int as button_clicks,
              extract(epoch from max(t) - min(t))::float8 as duration_seconds
       from ev group by user_id, session_id
     ),
     stored as (
       select user_id, session_id, started_at, ended_at, event_count, login_at, logout_at, first_order_at,
              orders_placed, order_fills, page_views, button_clicks, duration_seconds
       from user_sessions
     )
     select coalesce(x.user_id, r.user_id) as user_id, coalesce(x.session_id, r.session_id) as session_id,
            to_jsonb(r) as stored, to_jsonb(x) as exact
     from exact x full join stored r on r.session_id = x.session_id and r.user_id is not distinct from x.user_id`,
    [`${allowedLatenessMs} milliseconds`],
  );

  const mismatches: SessionMismatch[] = [];
  for (const row of rows) {
    const columns: SessionMismatch["columns"] = {};
    const names = new Set([...Object.keys(row.stored ?? {}), ...Object.keys(row.exact ?? {})]);
    for (const name of names) {
      const stored = row.stored?.[name] ?? null;
      const exact = row.exact?.[name] ?? null;
      if (!row.stored || !row.exact || stored !== exact) columns[name] = { stored, exact };
    }
    if (Object.keys(columns).length > 0) mismatches.push({ table: "user_sessions", userId: row.user_id, sessionId: row.session_id, columns });
  }
  return { rowsCompared: rows.length, mismatches };
}
