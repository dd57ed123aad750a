import type { MarketQuote } from "../rollups/market-quotes";
import type { OrderFill } from "../rollups/order-fills";
import type { Sql, SqlTransaction } from "./database";
import { orderMarksSql } from "./order-marks.sql";
import { quoteInForceSql } from "./quote-in-force.sql";
import { settleAll } from "./settle-all";

type Db = Sql | SqlTransaction;

/** What one fold page changes that execution quality depends on. */
export interface ExecutionPage {
  /** Orders whose placement, cancel or reject was folded in this merge (their marks may have moved). */
  orderIds: readonly string[];
  /** Every order the order merge wrote just before, after the page's quotes: marked by it, so not re-marked. */
  mergedOrderIds: readonly string[];
  /** The page's quotes: each re-marks what falls between it and its symbol's next quote. */
  quotes: readonly Pick<MarketQuote, "symbol" | "quotedAtMs">[];
  fills: readonly OrderFill[];
}

const FILL_COLUMNS = `event_id uuid, order_id text, symbol text, side text, filled_at timestamptz, price float8, quantity float8, fee float8`;

// The windows a set of quotes governs: from each quote to the symbol's next quote time (the same
// time counts in: a later event id at the same time takes over within it), merged per symbol into
// disjoint spans, so each stored order or fill is joined once per page however many quotes precede it.
// Each span reads its index range, and each fill its order by key: OFFSET 0 keeps the planner from
// turning the lateral subqueries into hash joins over the whole table, which grew with every page.
const QUOTE_WINDOWS = `
  q as (select distinct symbol, quoted_at from jsonb_to_recordset($2::text::jsonb) as x(symbol text, quoted_at timestamptz)),
  spans as (
    select q.symbol, q.quoted_at as lo,
           coalesce((select m.quoted_at from market_quotes m where m.symbol = q.symbol and m.quoted_at > q.quoted_at
                     order by m.quoted_at limit 1), 'infinity') as hi
    from q),
  starts as (
    select s.*, coalesce(s.lo > max(s.hi) over (partition by s.symbol order by s.lo rows between unbounded preceding and 1 preceding), true) as starts
    from spans s),
  islands as (select s.*, count(*) filter (where s.starts) over (partition by s.symbol order by s.lo) as island from starts s),
  win as (select symbol, min(lo) as lo, max(hi) as hi from islands group by symbol, island)`;

// A rebuilt range [$2, $3): every symbol quoted or filled in it, up to its next quote after it.
const RANGE_WINDOWS = `
  win as (
    select s.symbol, $2::timestamptz as lo,
           coalesce((select m.quoted_at from market_quotes m where m.symbol = s.symbol and m.quoted_at >= $3::timestamptz
                     order by m.quoted_at limit 1), 'infinity') as hi
    from (select distinct symbol from market_quotes where quoted_at >= $2::timestamptz and quoted_at < $3::timestamptz
          union select distinct symbol from order_fills where filled_at >= $2::timestamptz and filled_at < $3::timestamptz and symbol is not null) s)`;

/**
 * Re-marks, in one statement, the orders named in $1 and the orders and fills inside the windows:
 * arrival (mid of the quote in force at placement, else the limit price), the mid when an order
 * ended, and each fill's quote and its order's placement time. Only rows that change are written.
 * With skipMerged, the orders named in $3 are left out: the order merge just wrote and marked them,
 * after the page's quotes were stored.
 */
const remarkStatement = (windows: string, skipMerged: boolean) => `
  with named as (select distinct jsonb_array_elements_text($1::text::jsonb) as order_id),
  ${windows},
  orders as (
    (select order_id from named
    union
    select o.order_id from win cross join lateral (
      select o.order_id from order_analytics o
      where o.symbol = win.symbol and o.placed_at >= win.lo and o.placed_at < win.hi and o.placed_at is not null offset 0) o
    union
    select o.order_id from win cross join lateral (
      select o.order_id from order_analytics o
      where o.symbol = win.symbol and coalesce(o.rejected_at, o.canceled_at) >= win.lo and coalesce(o.rejected_at, o.canceled_at) < win.hi
        and o.placed_at is not null and coalesce(o.rejected_at, o.canceled_at) is not null offset 0) o)
    ${skipMerged ? "except select jsonb_array_elements_text($3::text::jsonb)" : ""}
  ),
  marks as (
    select o.order_id, m.*
    from orders join order_analytics o using (order_id)
    cross join lateral (${orderMarksSql({ symbol: "o.symbol", placedAt: "o.placed_at", limitPrice: "o.limit_price", endedAt: "coalesce(o.rejected_at, o.canceled_at)" })}) m
  ),
  orders_marked as (
    update order_analytics o
    set arrival_price = m.arrival_price, arrival_source = m.arrival_source, arrival_quote_at = m.arrival_quote_at, end_mid = m.end_mid
    from marks m
    where o.order_id = m.order_id
      and (o.arrival_price, o.arrival_source, o.arrival_quote_at, o.end_mid) is distinct from (m.arrival_price, m.arrival_source, m.arrival_quote_at, m.end_mid)
    returning 1
  ),
  fills as (
    select f.event_id from named cross join lateral (select f.event_id from order_fills f where f.order_id = named.order_id offset 0) f
    union
    select f.event_id from win cross join lateral (
      select f.event_id from order_fills f where f.symbol = win.symbol and f.filled_at >= win.lo and f.filled_at < win.hi offset 0) f
  ),
  fill_marks as (
    select f.event_id, q.mid, q.spread_bps, o.placed_at
    from fills cross join lateral (select f.* from order_fills f where f.event_id = fills.event_id offset 0) f
    left join lateral ${quoteInForceSql("f.symbol", "f.filled_at")} q on true
    left join lateral (select o.placed_at from order_analytics o where o.order_id = f.order_id offset 0) o on true
  ),
  fills_marked as (
    update order_fills f set mid_at_fill = m.mid, spread_at_fill_bps = m.spread_bps, placed_at = m.placed_at
    from fill_marks m
    where f.event_id = m.event_id and (f.mid_at_fill, f.spread_at_fill_bps, f.placed_at) is distinct from (m.mid, m.spread_bps, m.placed_at)
    returning 1
  )
  select (select count(*) from orders_marked)::int as orders, (select count(*) from fills_marked)::int as fills`;

const REMARK_PAGE = remarkStatement(QUOTE_WINDOWS, true);
const REMARK_RANGE = remarkStatement(RANGE_WINDOWS, false);

/**
 * Execution quality's materialized marks (migration 0026): order_analytics' arrival price and end
 * mid, and order_fills with the quote in force at each fill. The aggregator calls fold() in its
 * cycle's transaction after the quotes are inserted and the orders merged, so the marks are those
 * of every event folded so far, whatever order the events came in.
 */
export class ExecutionRepository {
  /**
   * Inserts the page's fills, then re-marks what the page may have changed: two statements, both
   * sent at once (a transaction's connection runs them in order).
   */
  async fold(tx: Db, page: ExecutionPage): Promise<{ orders: number; fills: number }> {
    const inserted = this.insertFills(tx, page.fills);
    if (page.orderIds.length === 0 && page.quotes.length === 0) {
      await inserted;
      return { orders: 0, fills: 0 };
    }
    const quotes = page.quotes.map((quote) => ({ symbol: quote.symbol, quoted_at: new Date(quote.quotedAtMs).toISOString() }));
    const remarked = tx.unsafe<{ orders: number; fills: number }[]>(REMARK_PAGE, [
      JSON.stringify(page.orderIds),
      JSON.stringify(quotes),
      JSON.stringify(page.mergedOrderIds),
    ]);
    await settleAll([inserted, remarked]);
    const [row] = await remarked;
    return row!;
  }

  /** Inserts fills with the quote in force and their order's placement time; a fill already stored is left as it is. */
  async insertFills(tx: Db, fills: readonly OrderFill[]): Promise<void> {
    if (fills.length === 0) return;
    await tx.unsafe(
      `insert into order_fills (event_id, order_id, symbol, side, filled_at, price, quantity, fee, mid_at_fill, spread_at_fill_bps, placed_at)
       select x.event_id, x.order_id, x.symbol, x.side, x.filled_at, x.price, x.quantity, x.fee, q.mid, q.spread_bps, o.placed_at
       from jsonb_to_recordset($1::text::jsonb) as x(${FILL_COLUMNS})
       left join lateral ${quoteInForceSql("x.symbol", "x.filled_at")} q on true
       left join lateral (select o.placed_at from order_analytics o where o.order_id = x.order_id offset 0) o on true
       on conflict (event_id) do nothing`,
      [JSON.stringify(fills.map(toFillRow))],
    );
  }

  /** Deletes the fills of [from, to) (a rebuild refolds them). */
  async deleteFills(tx: Db, range: { from: Date; to: Date }): Promise<void> {
    await tx`delete from order_fills where filled_at >= ${range.from} and filled_at < ${range.to}`;
  }

  /**
   * After a rebuild of [from, to): re-marks the refolded orders and everything the range's quotes
   * govern (orders placed or ended, and fills, from `from` to each symbol's first quote after it).
   */
  async remarkRange(tx: Db, range: { from: Date; to: Date }, orderIds: readonly string[]): Promise<{ orders: number; fills: number }> {
    const [row] = await tx.unsafe<{ orders: number; fills: number }[]>(REMARK_RANGE, [JSON.stringify(orderIds), range.from.toISOString(), range.to.toISOString()]);
    return row!;
  }
}

function toFillRow(fill: OrderFill) {
  return {
    event_id: fill.eventId,
    order_id: fill.orderId,
    symbol: fill.symbol,
    side: fill.side,
    filled_at: new Date(fill.filledAtMs).toISOString(),
    price: fill.price,
    quantity: fill.quantity,
    fee: fill.fee,
  };
}
