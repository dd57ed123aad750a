import type { Sql } from "@trading-analytics/core";

export interface QuoteMismatch {
  table: "market_quotes";
  eventId: string;
  /** The row as stored and as the events say it should be (null: no row on that side). */
  stored: Record<string, unknown> | null;
  exact: Record<string, unknown> | null;
}

export interface MarketQuotesAudit {
  rowsCompared: number;
  mismatches: QuoteMismatch[];
}

/**
 * Recomputes market_quotes with plain SQL over the stored events (no code shared with the
 * aggregator): every market.data.update with a non-empty string symbol that the rollups fold
 * (stored within the allowed lateness, not set aside) is one row, and no other row exists.
 * Times are compared at millisecond precision (the aggregator folds event times as JS dates).
 */
export async function auditMarketQuotes(sql: Sql, allowedLatenessMs: number): Promise<MarketQuotesAudit> {
  const rows = await sql.unsafe<Array<{ event_id: string; stored: Record<string, unknown> | null; exact: Record<string, unknown> | null }>>(
    `with exact as (
       select id as event_id, properties->>'symbol' as symbol, date_trunc('milliseconds', "timestamp") as quoted_at,
              case when jsonb_typeof(properties->'price') = 'number' then (properties->>'price')::float8 end as price,
              case when jsonb_typeof(properties->'bid') = 'number' then (properties->>'bid')::float8 end as bid,
              case when jsonb_typeof(properties->'ask') = 'number' then (properties->>'ask')::float8 end as ask
       from events
       where event_type = 'market.data.update'
         and jsonb_typeof(properties->'symbol') = 'string' and properties->>'symbol' <> ''
         and created_at - "timestamp" <= $1::interval
         and not exists (select 1 from set_aside_events s where s.event_id = events.id and s.event_time = events."timestamp")
     ),
     stored as (select event_id, symbol, quoted_at, price, bid, ask from market_quotes)
     select coalesce(x.event_id, r.event_id)::text as event_id, to_jsonb(r) as stored, to_jsonb(x) as exact
     from exact x full join stored r using (event_id)
     where r.event_id is null or x.event_id is null or (r.symbol, r.quoted_at) is distinct from (x.symbol, x.quoted_at)
        or (r.price, r.bid, r.ask) is distinct from (x.price, x.bid, x.ask)`,
    [`${allowedLatenessMs} milliseconds`],
  );
  const [{ count }] = await sql<[{ count: number }]>`select count(*)::int as count from market_quotes`;
  return { rowsCompared: count, mismatches: rows.map((row) => ({ table: "market_quotes", eventId: row.event_id, stored: row.stored, exact: row.exact })) };
}
