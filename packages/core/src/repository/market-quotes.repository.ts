import type { MarketQuote } from "../rollups/market-quotes";
import type { Sql, SqlTransaction } from "./database";

type Db = Sql | SqlTransaction;

// Writes the hourly histograms' changes (market_quote_bins, migration 0027) from the CTE
// `changes`: rows added (+1) and removed (−1), summed per bin. Counts only ever add, so any order
// of changes gives the same rows.
const WRITE_BIN_CHANGES = `
  written as (
    insert into market_quote_bins (symbol, bucket_start, measure, bin, quotes)
    select symbol, bucket_start, measure, bin, quotes from (
      select c.symbol, date_trunc('hour', c.quoted_at, 'UTC') as bucket_start, m.measure, m.bin, sum(c.change) as quotes
      from changes c
      cross join lateral (values ('updates', case when c.counts_update then 0 end),
                                 ('interval', market_data_bin(nullif(c.interval_ms, 0))),
                                 ('spread', case when c.counts_update then market_data_bin(c.spread_bps) end)) as m(measure, bin)
      where m.bin is not null
      group by 1, 2, 3, 4
    ) b
    where quotes <> 0
    on conflict (bucket_start, symbol, measure, bin) do update set quotes = market_quote_bins.quotes + excluded.quotes
  )`;

/**
 * market_quotes (migration 0022): the aggregator inserts each page's quotes in its cycle's
 * transaction. Each row also keeps the time of its symbol's previous update (migration 0027), so
 * a quote landing between two stored ones is linked to the one before and relinks the one after,
 * and the hourly histograms of updates, intervals and spreads move with them.
 */
export class MarketQuotesRepository {
  /** Inserts the quotes; a quote already stored (a rebuild's second pass over an event) is left as it is. */
  async insert(tx: Db, quotes: readonly MarketQuote[]): Promise<void> {
    if (quotes.length === 0) return;
    await tx.unsafe(
      `with batch as (
         select distinct on (event_id) symbol, quoted_at, event_id, price, bid, ask
         from jsonb_to_recordset($1::text::jsonb) as x(symbol text, quoted_at timestamptz, event_id uuid, price float8, bid float8, ask float8)
       ),
       fresh as (
         select b.* from batch b
         where not exists (select 1 from market_quotes q where q.symbol = b.symbol and q.quoted_at = b.quoted_at and q.event_id = b.event_id)
       ),
       -- Each new quote's stored neighbours, all looked up before the first row is inserted: probed
       -- after, an index scan would step over every row this statement inserted before it. The bare
       -- bounds on quoted_at repeat the row comparisons so that each probe skips the day partitions it cannot match.
       neighbours as materialized (
         select f.*, p.quoted_at as stored_prev_at,
                n.symbol as next_symbol, n.quoted_at as next_quoted_at, n.event_id as next_event_id,
                n.prev_quoted_at as next_prev_quoted_at, n.interval_ms as next_interval_ms
         from fresh f
         left join lateral (
           select p.quoted_at from market_quotes p
           where p.symbol = f.symbol and (p.quoted_at, p.event_id) < (f.quoted_at, f.event_id) and p.quoted_at <= f.quoted_at
           order by p.quoted_at desc, p.event_id desc limit 1) p on true
         left join lateral (
           select q.symbol, q.quoted_at, q.event_id, q.prev_quoted_at, q.interval_ms from market_quotes q
           where q.symbol = f.symbol and (q.quoted_at, q.event_id) > (f.quoted_at, f.event_id) and q.quoted_at >= f.quoted_at
           order by q.quoted_at, q.event_id limit 1) n on true
       ),
       -- The previous update: the later of the one before in this page and the one before stored.
       linked as (
         select n.*, greatest(lag(n.quoted_at) over (partition by n.symbol order by n.quoted_at, n.event_id), n.stored_prev_at) as prev_quoted_at
         from neighbours n
       ),
       -- A stored quote right after a new one now follows the latest new one before it.
       successors as (
         select n.next_symbol as symbol, n.next_quoted_at as quoted_at, n.next_event_id as event_id, n.next_interval_ms as interval_ms,
                greatest(n.next_prev_quoted_at, max(n.quoted_at)) as prev_quoted_at
         from neighbours n
         where n.next_symbol is not null
         group by n.next_symbol, n.next_quoted_at, n.next_event_id, n.next_prev_quoted_at, n.next_interval_ms
         having greatest(n.next_prev_quoted_at, max(n.quoted_at)) is distinct from n.next_prev_quoted_at
       ),
       inserted as (
         insert into market_quotes (symbol, quoted_at, event_id, price, bid, ask, prev_quoted_at)
         select symbol, quoted_at, event_id, price, bid, ask, prev_quoted_at from linked
         on conflict do nothing
         returning symbol, quoted_at, interval_ms, spread_bps
       ),
       relinked as (
         update market_quotes q set prev_quoted_at = s.prev_quoted_at
         from successors s
         where q.symbol = s.symbol and q.quoted_at = s.quoted_at and q.event_id = s.event_id
         returning q.symbol, q.quoted_at, q.interval_ms
       ),
       changes as (
         select symbol, quoted_at, interval_ms, spread_bps, true as counts_update, 1 as change from inserted
         union all select symbol, quoted_at, interval_ms, null, false, -1 from successors
         union all select symbol, quoted_at, interval_ms, null, false, 1 from relinked
       ),
       ${WRITE_BIN_CHANGES}
       select 1`,
      [JSON.stringify(quotes.map(toRow))],
    );
  }

  /** Deletes the quotes of [from, to) (a rebuild refolds them) with their histogram counts, and relinks the next quote of each symbol. */
  async deleteRange(tx: Db, range: { from: Date; to: Date }): Promise<void> {
    const deleted = await tx.unsafe<Array<{ symbol: string }>>(
      `with gone as (
         delete from market_quotes where quoted_at >= $1 and quoted_at < $2
         returning symbol, quoted_at, interval_ms, spread_bps
       ),
       -- The range's whole hours are counted again by the refold; its partial hours lose what was deleted.
       whole_hours as (select date_trunc('hour', $1::timestamptz + interval '1 hour' - interval '1 microsecond', 'UTC') as h_from, date_trunc('hour', $2::timestamptz, 'UTC') as h_to),
       cleared as (delete from market_quote_bins b using whole_hours w where b.bucket_start >= w.h_from and b.bucket_start < w.h_to),
       changes as (
         select g.symbol, g.quoted_at, g.interval_ms, g.spread_bps, true as counts_update, -1 as change
         from gone g, whole_hours w where not (g.quoted_at >= w.h_from and g.quoted_at < w.h_to)
       ),
       ${WRITE_BIN_CHANGES}
       select distinct symbol from gone`,
      [range.from, range.to],
    );
    if (deleted.length === 0) return;
    await tx.unsafe(
      `with following as (
         select n.symbol, n.quoted_at, n.event_id, n.interval_ms,
                (select p.quoted_at from market_quotes p
                 where p.symbol = n.symbol and (p.quoted_at, p.event_id) < (n.quoted_at, n.event_id)
                 order by p.quoted_at desc, p.event_id desc limit 1) as prev_quoted_at
         from unnest($1::text[]) as s(symbol)
         cross join lateral (
           select q.symbol, q.quoted_at, q.event_id, q.interval_ms, q.prev_quoted_at from market_quotes q
           where q.symbol = s.symbol and q.quoted_at >= $2
           order by q.quoted_at, q.event_id limit 1) n
       ),
       relinked as (
         update market_quotes q set prev_quoted_at = s.prev_quoted_at
         from following s
         where q.symbol = s.symbol and q.quoted_at = s.quoted_at and q.event_id = s.event_id and q.prev_quoted_at is distinct from s.prev_quoted_at
         returning q.symbol, q.quoted_at, q.interval_ms
       ),
       changes as (
         select s.symbol, s.quoted_at, s.interval_ms, null::float8 as spread_bps, false as counts_update, -1 as change
         from following s join relinked r on r.symbol = s.symbol and r.quoted_at = s.quoted_at
         union all select symbol, quoted_at, interval_ms, null, false, 1 from relinked
       ),
       ${WRITE_BIN_CHANGES}
       select 1`,
      [deleted.map((row) => row.symbol), range.to],
    );
  }
}

function toRow(quote: MarketQuote) {
  return {
    symbol: quote.symbol,
    quoted_at: new Date(quote.quotedAtMs).toISOString(),
    event_id: quote.eventId,
    price: quote.price,
    bid: quote.bid,
    ask: quote.ask,
  };
}
