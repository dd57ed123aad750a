-- Market-data health (docs/trading.md "Market-data health"): per symbol over a range, its update
-- rate, usual interval, gaps (no update for longer than a multiple of the usual interval) and
-- quoted spread. Each quote keeps the time of the symbol's previous update, so an interval is a
-- column, not a window function over a day of quotes, and hourly histograms of intervals and
-- spreads answer a day's percentiles from a few thousand rows. The aggregator keeps both exact in
-- the fold's transaction (MarketQuotesRepository), the rollup audit recomputes them from events.

-- Rewriting every row below also rebuilds this index; it comes back covering the figures' columns.
DROP INDEX IF EXISTS market_quotes_quoted_at_idx;

-- The previous update of the same symbol: the greatest (quoted_at, event_id) below this row's.
-- NULL for the first quote of a symbol ever stored.
ALTER TABLE market_quotes ADD COLUMN IF NOT EXISTS prev_quoted_at timestamptz;

UPDATE market_quotes q SET prev_quoted_at = l.prev_quoted_at
FROM (
  SELECT symbol, quoted_at, event_id, lag(quoted_at) OVER (PARTITION BY symbol ORDER BY quoted_at, event_id) AS prev_quoted_at
  FROM market_quotes
) l
WHERE l.prev_quoted_at IS NOT NULL AND q.prev_quoted_at IS DISTINCT FROM l.prev_quoted_at AND q.symbol = l.symbol AND q.quoted_at = l.quoted_at AND q.event_id = l.event_id;

-- Milliseconds since the symbol's previous update (0 for updates at the same time).
ALTER TABLE market_quotes ADD COLUMN IF NOT EXISTS interval_ms double precision
  GENERATED ALWAYS AS ((extract(epoch FROM quoted_at - prev_quoted_at) * 1000)::double precision) STORED;

-- Retention and rebuild delete by time; edge hours of a health range read these columns from it alone.
CREATE INDEX IF NOT EXISTS market_quotes_quoted_at_idx ON market_quotes (quoted_at) INCLUDE (symbol, interval_ms, spread_bps);
-- Gaps are the long intervals: found from the top of a symbol's intervals, not by reading its day.
CREATE INDEX IF NOT EXISTS market_quotes_interval_idx ON market_quotes (symbol, interval_ms) INCLUDE (quoted_at, prev_quoted_at) WHERE interval_ms > 0;

-- Logarithmic bins with 1 % relative accuracy (the rollups' sketches have the same): bin i holds
-- (γ^(i−1), γ^i] with γ = 1.01/0.99, and is worth 2γ^i/(γ+1), within 1 % of every value in it.
-- Zero has a bin of its own.
CREATE OR REPLACE FUNCTION market_data_bin(p_value double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_value > 0 THEN ceil(ln(p_value) / ln(1.01 / 0.99::double precision))::integer
              WHEN p_value = 0 THEN -2147483648 END
$$;

CREATE OR REPLACE FUNCTION market_data_bin_value(p_bin integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_bin = -2147483648 THEN 0::double precision
              ELSE 2 * power(1.01 / 0.99::double precision, p_bin) / (1.01 / 0.99::double precision + 1) END
$$;

-- Per symbol and UTC hour of quoted_at: 'updates' (bin 0: every quote), 'interval' (the bins of
-- the positive intervals ending in the hour) and 'spread' (the bins of the two-sided quotes'
-- spread_bps). Counts only ever add up, so a late quote is a +1 and its successor's changed
-- interval a −1 and a +1.
CREATE TABLE IF NOT EXISTS market_quote_bins (
    symbol        text        NOT NULL,
    bucket_start  timestamptz NOT NULL,
    measure       text        NOT NULL CHECK (measure IN ('updates', 'interval', 'spread')),
    bin           integer     NOT NULL,
    quotes        bigint      NOT NULL,
    PRIMARY KEY (bucket_start, symbol, measure, bin)
);

INSERT INTO market_quote_bins (symbol, bucket_start, measure, bin, quotes)
SELECT q.symbol, date_trunc('hour', q.quoted_at, 'UTC'), m.measure, m.bin, count(*)
FROM market_quotes q
CROSS JOIN LATERAL (VALUES ('updates', 0), ('interval', market_data_bin(nullif(q.interval_ms, 0))), ('spread', market_data_bin(q.spread_bps))) AS m(measure, bin)
WHERE m.bin IS NOT NULL
GROUP BY 1, 2, 3, 4
ON CONFLICT (bucket_start, symbol, measure, bin) DO UPDATE SET quotes = excluded.quotes;

-- Per symbol with an update in [p_from, p_to): its updates, the usual interval (the median of its
-- positive intervals ending in the range) and the spread p50/p95 of its two-sided quotes, from the
-- hourly bins for whole hours and from the quotes themselves at the edges. Percentiles are the
-- binned value at rank floor(q × (n − 1)), within 1 %.
CREATE OR REPLACE FUNCTION market_data_distributions(p_from timestamptz, p_to timestamptz, p_symbol text DEFAULT NULL)
RETURNS TABLE (symbol text, updates bigint, usual_interval_ms double precision, spread_p50_bps double precision, spread_p95_bps double precision)
-- Planned without the range, its estimates are a whole table's: JIT would compile for a second.
LANGUAGE sql STABLE PARALLEL SAFE SET jit = off AS $$
  WITH hours AS (
    SELECT CASE WHEN h_from < h_to THEN h_from ELSE p_to END AS mid_from, CASE WHEN h_from < h_to THEN h_to ELSE p_to END AS mid_to
    FROM (SELECT date_trunc('hour', p_from + interval '1 hour' - interval '1 microsecond', 'UTC') AS h_from, date_trunc('hour', p_to, 'UTC') AS h_to) h
  ),
  edge_quotes AS (
    SELECT q.symbol, q.interval_ms, q.spread_bps FROM market_quotes q, hours
    WHERE q.quoted_at >= p_from AND q.quoted_at < hours.mid_from AND (p_symbol IS NULL OR q.symbol = p_symbol)
    UNION ALL
    SELECT q.symbol, q.interval_ms, q.spread_bps FROM market_quotes q, hours
    WHERE q.quoted_at >= hours.mid_to AND q.quoted_at < p_to AND (p_symbol IS NULL OR q.symbol = p_symbol)
  ),
  counts AS (
    SELECT b.symbol, b.measure, b.bin, sum(b.quotes) AS n
    FROM (
      SELECT b.symbol, b.measure, b.bin, b.quotes FROM market_quote_bins b, hours
      WHERE b.bucket_start >= hours.mid_from AND b.bucket_start < hours.mid_to AND (p_symbol IS NULL OR b.symbol = p_symbol)
      UNION ALL
      SELECT e.symbol, m.measure, m.bin, 1 FROM edge_quotes e
      CROSS JOIN LATERAL (VALUES ('updates', 0), ('interval', market_data_bin(nullif(e.interval_ms, 0))), ('spread', market_data_bin(e.spread_bps))) AS m(measure, bin)
      WHERE m.bin IS NOT NULL
    ) b
    GROUP BY 1, 2, 3
    HAVING sum(b.quotes) > 0
  ),
  ranked AS (
    SELECT c.*, sum(c.n) OVER w - c.n AS below, sum(c.n) OVER (PARTITION BY c.symbol, c.measure) AS total
    FROM counts c
    WINDOW w AS (PARTITION BY c.symbol, c.measure ORDER BY c.bin)
  ),
  -- The bin holding rank floor(q × (n − 1)) (0-based) of each distribution.
  at_rank AS (
    SELECT r.symbol, r.measure, p.q, market_data_bin_value(r.bin) AS value
    FROM ranked r CROSS JOIN (VALUES (0.5), (0.95)) AS p(q)
    WHERE r.measure <> 'updates' AND floor(p.q * (r.total - 1)) >= r.below AND floor(p.q * (r.total - 1)) < r.below + r.n
  )
  SELECT u.symbol, u.total::bigint,
         (SELECT a.value FROM at_rank a WHERE a.symbol = u.symbol AND a.measure = 'interval' AND a.q = 0.5),
         (SELECT a.value FROM at_rank a WHERE a.symbol = u.symbol AND a.measure = 'spread' AND a.q = 0.5),
         (SELECT a.value FROM at_rank a WHERE a.symbol = u.symbol AND a.measure = 'spread' AND a.q = 0.95)
  FROM ranked u
  WHERE u.measure = 'updates'
$$;

-- A symbol's gaps in [p_from, p_to) given its threshold: the intervals between two consecutive
-- updates longer than p_longer_than_ms, each in the range where it ends (the update that closes
-- it is in the range; it may begin before p_from). A silence still running at p_to is not a gap yet.
CREATE OR REPLACE FUNCTION market_data_symbol_gaps(p_from timestamptz, p_to timestamptz, p_symbol text, p_longer_than_ms double precision)
RETURNS TABLE (gap_from timestamptz, gap_to timestamptz, duration_ms double precision)
-- PL/pgSQL plans with the threshold's value: from the top of the symbol's intervals when few are
-- that long (the usual case), by time when many are (a small gap factor).
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN QUERY
    SELECT q.prev_quoted_at, q.quoted_at, q.interval_ms FROM market_quotes q
    WHERE q.symbol = p_symbol AND q.interval_ms > 0 AND q.interval_ms > p_longer_than_ms AND q.quoted_at >= p_from AND q.quoted_at < p_to;
END
$$;

-- Every gap of [p_from, p_to): no update of a symbol for longer than p_gap_factor (default 5)
-- times its usual interval over the range.
CREATE OR REPLACE FUNCTION market_data_gaps(p_from timestamptz, p_to timestamptz, p_gap_factor double precision DEFAULT NULL, p_symbol text DEFAULT NULL)
RETURNS TABLE (symbol text, gap_from timestamptz, gap_to timestamptz, duration_ms double precision)
LANGUAGE sql STABLE PARALLEL SAFE SET jit = off AS $$
  SELECT d.symbol, g.gap_from, g.gap_to, g.duration_ms
  FROM market_data_distributions(p_from, p_to, p_symbol) d
  CROSS JOIN LATERAL market_data_symbol_gaps(p_from, p_to, d.symbol, coalesce(p_gap_factor, 5) * d.usual_interval_ms) g
$$;

-- Per symbol with an update in [p_from, p_to): see docs/trading.md "Market-data health".
CREATE OR REPLACE FUNCTION market_data_health(p_from timestamptz, p_to timestamptz, p_gap_factor double precision DEFAULT NULL, p_symbol text DEFAULT NULL)
RETURNS TABLE (symbol text, updates bigint, updates_per_second double precision, usual_interval_ms double precision,
               gaps bigint, longest_gap_ms double precision, spread_p50_bps double precision, spread_p95_bps double precision)
LANGUAGE sql STABLE PARALLEL SAFE SET jit = off AS $$
  SELECT d.symbol, d.updates, d.updates / extract(epoch FROM p_to - p_from)::double precision, d.usual_interval_ms,
         g.gaps, g.longest_gap_ms, d.spread_p50_bps, d.spread_p95_bps
  FROM market_data_distributions(p_from, p_to, p_symbol) d
  CROSS JOIN LATERAL (
    SELECT count(*) AS gaps, max(s.duration_ms) AS longest_gap_ms
    FROM market_data_symbol_gaps(p_from, p_to, d.symbol, coalesce(p_gap_factor, 5) * d.usual_interval_ms) s
  ) g
$$;

COMMENT ON TABLE market_quote_bins IS 'Hourly histograms per symbol of market quotes (updates, intervals, spreads) for market_data_health(from, to, gap_factor) and market_data_gaps(...).';
