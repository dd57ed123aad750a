import { quoteInForceSql } from "./quote-in-force.sql";

/**
 * An order's execution marks (migration 0026) as one row, from SQL expressions for its symbol,
 * placement time, limit price and end time (coalesce(rejected_at, canceled_at)); no row when it
 * has not been placed. Arrival is the mid of the quote in force at placement, else the limit
 * price; end_mid the mid in force when it ended. The one definition for the order merge, which
 * marks every row it writes, and for re-marking after quotes arrive.
 */
export function orderMarksSql(order: { symbol: string; placedAt: string; limitPrice: string; endedAt: string }): string {
  return `
    select case when a.mid is not null then a.mid when v.limit_price > 0 then v.limit_price end as arrival_price,
           case when a.mid is not null then 'mid' when v.limit_price > 0 then 'limit' end as arrival_source,
           case when a.mid is not null then a.quoted_at end as arrival_quote_at,
           e.mid as end_mid
    from (select ${order.symbol} as symbol, ${order.placedAt} as placed_at, ${order.limitPrice} as limit_price, ${order.endedAt} as ended_at) v
    left join lateral ${quoteInForceSql("v.symbol", "v.placed_at")} a on true
    left join lateral ${quoteInForceSql("v.symbol", "v.ended_at")} e on true
    where v.placed_at is not null`;
}
