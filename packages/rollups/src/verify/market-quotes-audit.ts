import type { Sql } from "@trading-analytics/core";

export interface QuoteMismatch {
  table: "market_quotes" | "market_quote_bins" | "market_quote_day_bins";
  /** The event of a market_quotes row; for a histogram bin, "symbol bucket_start measure bin" (day_start for a day bin). */
  eventId: string;
  /** The row as stored and as the events say it should be (null: no row on that side). */
  stored: Record<string, unknown> | null;
  exact: Record<string, unknown> | null;
}

export interface MarketQuotesAudit {
  rowsCompared: number;
  mismatches: QuoteMismatch[];
}

// The rows market_quotes should hold, from the folded market data events. The first remaining quote
// of a symbol may keep a previous update that retention has since deleted, with its event.
const EXACT_QUOTES = `
  folded as (
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
  stored as (select event_id, symbol, quoted_at, price, bid, ask, prev_quoted_at from market_quotes),
  exact as (
    select f.*, coalesce(lag(f.quoted_at) over (partition by f.symbol order by f.quoted_at, f.event_id),
                         (select r.prev_quoted_at from stored r where r.event_id = f.event_id and r.prev_quoted_at < f.quoted_at)) as prev_quoted_at
    from folded f
  )`;

/**
 * Recomputes market_quotes with plain SQL over the stored events (no code shared with the
 * aggregator): every market.data.update with a non-empty string symbol that the rollups fold
 * (stored within the allowed lateness, not set aside) is one row, and no other row exists.
 * Times are compared at millisecond precision (the aggregator folds event times as JS dates).
 * Each row's previous update is the symbol's previous such event (a window function here); the
 * hourly histograms (market_quote_bins) are counted again from those rows, and their days
 * (market_quote_day_bins, migration 0030) summed from those counts.
 */
export async function auditMarketQuotes(sql: Sql, allowedLatenessMs: number): Promise<MarketQuotesAudit> {
  const rows = await sql.unsafe<Array<{ event_id: string; stored: Record<string, unknown> | null; exact: Record<string, unknown> | null }>>(
    `with ${EXACT_QUOTES}
     select coalesce(x.event_id, r.event_id)::text as event_id, to_jsonb(r) as stored, to_jsonb(x) as exact
     from exact x full join stored r using (event_id)
     where r.event_id is null or x.event_id is null or (r.symbol, r.quoted_at) is distinct from (x.symbol, x.quoted_at)
        or (r.price, r.bid, r.ask) is distinct from (x.price, x.bid, x.ask) or r.prev_quoted_at is distinct from x.prev_quoted_at`,
    [`${allowedLatenessMs} milliseconds`],
  );
  const bins = await sql.unsafe<Array<{ day: boolean; bin: string; stored: Record<string, unknown> | null; exact: Record<string, unknown> | null }>>(
    `with ${EXACT_QUOTES},
     exact_bins as materialized (
       select x.symbol, date_trunc('hour', x.quoted_at, 'UTC') as bucket_start, m.measure, m.bin, count(*) as quotes
       from (select *, (extract(epoch from quoted_at - prev_quoted_at) * 1000)::float8 as interval_ms,
                    case when bid > 0 and ask >= bid then (ask - bid) / ((bid + ask) / 2) * 10000 end as spread_bps
             from exact) x
       cross join lateral (values ('updates', 0), ('interval', market_data_bin(nullif(x.interval_ms, 0))), ('spread', market_data_bin(x.spread_bps))) as m(measure, bin)
       where m.bin is not null
       group by 1, 2, 3, 4
     ),
     stored_bins as (select symbol, bucket_start, measure, bin, quotes from market_quote_bins where quotes <> 0),
     exact_day_bins as (
       select symbol, date_trunc('day', bucket_start, 'UTC') as day_start, measure, bin, sum(quotes)::bigint as quotes
       from exact_bins group by 1, 2, 3, 4
     ),
     stored_day_bins as (select symbol, day_start, measure, bin, quotes from market_quote_day_bins where quotes <> 0)
     select false as day, concat_ws(' ', coalesce(x.symbol, r.symbol), coalesce(x.bucket_start, r.bucket_start), coalesce(x.measure, r.measure), coalesce(x.bin, r.bin)) as bin,
            to_jsonb(r) as stored, to_jsonb(x) as exact
     from exact_bins x full join stored_bins r using (symbol, bucket_start, measure, bin)
     where x.quotes is distinct from r.quotes
     union all
     select true, concat_ws(' ', coalesce(x.symbol, r.symbol), coalesce(x.day_start, r.day_start), coalesce(x.measure, r.measure), coalesce(x.bin, r.bin)),
            to_jsonb(r), to_jsonb(x)
     from exact_day_bins x full join stored_day_bins r using (symbol, day_start, measure, bin)
     where x.quotes is distinct from r.quotes`,
    [`${allowedLatenessMs} milliseconds`],
  );
  const [{ count }] = await sql<[{ count: number }]>`select count(*)::int as count from market_quotes`;
  const mismatches: QuoteMismatch[] = [
    ...rows.map((row) => ({ table: "market_quotes" as const, eventId: row.event_id, stored: row.stored, exact: row.exact })),
    ...bins.map((row) => ({ table: row.day ? ("market_quote_day_bins" as const) : ("market_quote_bins" as const), eventId: row.bin, stored: row.stored, exact: row.exact })),
  ];
  return { rowsCompared: count, mismatches };
}
