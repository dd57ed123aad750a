import type { MarketQuote } from "../rollups/market-quotes";
import type { Sql, SqlTransaction } from "./database";

type Db = Sql | SqlTransaction;

/** market_quotes (migration 0022): the aggregator inserts each page's quotes in its cycle's transaction. */
export class MarketQuotesRepository {
  /** Inserts the quotes; a quote already stored (a rebuild's second pass over an event) is left as it is. */
  async insert(tx: Db, quotes: readonly MarketQuote[]): Promise<void> {
    if (quotes.length === 0) return;
    await tx.unsafe(
      `insert into market_quotes (symbol, quoted_at, event_id, price, bid, ask)
       select symbol, quoted_at, event_id, price, bid, ask
       from jsonb_to_recordset($1::text::jsonb) as x(symbol text, quoted_at timestamptz, event_id uuid, price float8, bid float8, ask float8)
       on conflict do nothing`,
      [JSON.stringify(quotes.map(toRow))],
    );
  }

  /** Deletes the quotes of [from, to) (a rebuild refolds them). */
  async deleteRange(tx: Db, range: { from: Date; to: Date }): Promise<void> {
    await tx`delete from market_quotes where quoted_at >= ${range.from} and quoted_at < ${range.to}`;
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
