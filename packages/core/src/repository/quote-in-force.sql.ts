/**
 * The quote in force at a time, as a subquery for a lateral join: the symbol's latest quote at or
 * before it, ties broken by event id. quote_at(symbol, t) (migration 0022) says the same, but a SQL
 * function returning one row is never inlined, so each call starts an executor of its own; as a
 * subquery it is one index probe planned with the statement.
 */
export function quoteInForceSql(symbol: string, at: string): string {
  return `(select q.* from market_quotes q where q.symbol = ${symbol} and q.quoted_at <= ${at}
     order by q.quoted_at desc, q.event_id desc limit 1)`;
}
