-- Market quotes, one row per folded market.data.update event with a symbol: the quote in force at
-- any time, which execution quality (arrival mid, the quote at a fill), position marks and
-- market-data health read. The aggregator inserts each page's quotes in the same transaction that
-- folds the rollups and moves the cursor, so every stored update is here exactly once; rows are
-- keyed by their event, so the order they arrive in does not matter. See docs/trading.md.
CREATE TABLE IF NOT EXISTS market_quotes (
    symbol      text             NOT NULL,
    quoted_at   timestamptz      NOT NULL,
    event_id    uuid             NOT NULL,
    -- Last traded price, when the update carries one.
    price       double precision,
    bid         double precision,
    ask         double precision,
    -- A two-sided quote only: a crossed or one-sided update has no mid.
    mid         double precision GENERATED ALWAYS AS (CASE WHEN bid > 0 AND ask >= bid THEN (bid + ask) / 2 END) STORED,
    spread_bps  double precision GENERATED ALWAYS AS (CASE WHEN bid > 0 AND ask >= bid THEN (ask - bid) / ((bid + ask) / 2) * 10000 END) STORED,
    PRIMARY KEY (symbol, quoted_at, event_id)
);

-- Retention and rebuild delete by time.
CREATE INDEX IF NOT EXISTS market_quotes_quoted_at_idx ON market_quotes (quoted_at);

-- The quote in force at p_at: the latest update of the symbol at or before it, ties broken by
-- event id, so one answer whatever order the updates were stored in. NULL when there is none.
CREATE OR REPLACE FUNCTION quote_at(p_symbol text, p_at timestamptz) RETURNS market_quotes
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT q.* FROM market_quotes q
  WHERE q.symbol = p_symbol AND q.quoted_at <= p_at
  ORDER BY q.quoted_at DESC, q.event_id DESC
  LIMIT 1
$$;

COMMENT ON TABLE market_quotes IS 'One row per folded market.data.update with a symbol (bid, ask, price, mid, spread_bps); quote_at(symbol, t) gives the quote in force at t.';
