-- Market-data health over weeks (docs/trading.md "Market-data health"): the hourly histograms of
-- 0027 are summed per UTC day into market_quote_day_bins, so a month reads a day's rows per symbol
-- and bin instead of every hour's. Triggers on market_quote_bins keep the day level exact with every
-- writer of the hours (the fold, a rebuild, retention, TRUNCATE) without changing any of them.

CREATE TABLE IF NOT EXISTS market_quote_day_bins (
    symbol     text        NOT NULL,
    day_start  timestamptz NOT NULL,
    measure    text        NOT NULL CHECK (measure IN ('updates', 'interval', 'spread')),
    bin        integer     NOT NULL,
    quotes     bigint      NOT NULL,
    PRIMARY KEY (day_start, symbol, measure, bin)
) WITH (fillfactor = 80); -- today's rows change every fold: room for HOT updates

-- A statement's changes to the hourly bins, summed per day bin: new rows add, old rows take away.
-- Sorted by key so concurrent writers lock day rows in the same order; a row summed to zero goes,
-- so days deleted from the hours (retention, a rebuild's clear) leave nothing behind.
CREATE OR REPLACE FUNCTION market_quote_day_bins_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    emptied_days    timestamptz[];
    emptied_symbols text[];
    emptied_measures text[];
    emptied_bins    integer[];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE market_quote_day_bins;
        RETURN NULL;
    END IF;
    -- Transition tables exist only for the operations that declare them, hence one statement each.
    IF TG_OP = 'INSERT' THEN
        WITH delta AS (
            SELECT date_trunc('day', n.bucket_start, 'UTC') AS day_start, n.symbol, n.measure, n.bin, sum(n.quotes) AS quotes
            FROM new_bins n GROUP BY 1, 2, 3, 4
        ), written AS (
            INSERT INTO market_quote_day_bins AS d (day_start, symbol, measure, bin, quotes)
            SELECT * FROM delta WHERE quotes <> 0 ORDER BY 1, 2, 3, 4
            ON CONFLICT (day_start, symbol, measure, bin) DO UPDATE SET quotes = d.quotes + excluded.quotes
            RETURNING d.day_start, d.symbol, d.measure, d.bin, d.quotes
        )
        SELECT array_agg(day_start), array_agg(symbol), array_agg(measure), array_agg(bin)
        INTO emptied_days, emptied_symbols, emptied_measures, emptied_bins
        FROM written WHERE quotes = 0;
    ELSIF TG_OP = 'UPDATE' THEN
        WITH delta AS (
            SELECT date_trunc('day', c.bucket_start, 'UTC') AS day_start, c.symbol, c.measure, c.bin, sum(c.quotes) AS quotes
            FROM (SELECT n.bucket_start, n.symbol, n.measure, n.bin, n.quotes FROM new_bins n
                  UNION ALL SELECT o.bucket_start, o.symbol, o.measure, o.bin, -o.quotes FROM old_bins o) c
            GROUP BY 1, 2, 3, 4
        ), written AS (
            INSERT INTO market_quote_day_bins AS d (day_start, symbol, measure, bin, quotes)
            SELECT * FROM delta WHERE quotes <> 0 ORDER BY 1, 2, 3, 4
            ON CONFLICT (day_start, symbol, measure, bin) DO UPDATE SET quotes = d.quotes + excluded.quotes
            RETURNING d.day_start, d.symbol, d.measure, d.bin, d.quotes
        )
        SELECT array_agg(day_start), array_agg(symbol), array_agg(measure), array_agg(bin)
        INTO emptied_days, emptied_symbols, emptied_measures, emptied_bins
        FROM written WHERE quotes = 0;
    ELSE
        WITH delta AS (
            SELECT date_trunc('day', o.bucket_start, 'UTC') AS day_start, o.symbol, o.measure, o.bin, -sum(o.quotes) AS quotes
            FROM old_bins o GROUP BY 1, 2, 3, 4
        ), written AS (
            INSERT INTO market_quote_day_bins AS d (day_start, symbol, measure, bin, quotes)
            SELECT * FROM delta WHERE quotes <> 0 ORDER BY 1, 2, 3, 4
            ON CONFLICT (day_start, symbol, measure, bin) DO UPDATE SET quotes = d.quotes + excluded.quotes
            RETURNING d.day_start, d.symbol, d.measure, d.bin, d.quotes
        )
        SELECT array_agg(day_start), array_agg(symbol), array_agg(measure), array_agg(bin)
        INTO emptied_days, emptied_symbols, emptied_measures, emptied_bins
        FROM written WHERE quotes = 0;
    END IF;
    IF emptied_days IS NOT NULL THEN
        -- Rechecked under the row lock: a concurrent writer's +1 keeps the row.
        DELETE FROM market_quote_day_bins d
        USING unnest(emptied_days, emptied_symbols, emptied_measures, emptied_bins) AS e(day_start, symbol, measure, bin)
        WHERE d.day_start = e.day_start AND d.symbol = e.symbol AND d.measure = e.measure AND d.bin = e.bin AND d.quotes = 0;
    END IF;
    RETURN NULL;
END
$$;

-- CREATE TRIGGER locks out the hours' writers until commit, so the backfill below misses none.
DROP TRIGGER IF EXISTS market_quote_day_bins_insert ON market_quote_bins;
DROP TRIGGER IF EXISTS market_quote_day_bins_update ON market_quote_bins;
DROP TRIGGER IF EXISTS market_quote_day_bins_delete ON market_quote_bins;
DROP TRIGGER IF EXISTS market_quote_day_bins_truncate ON market_quote_bins;
CREATE TRIGGER market_quote_day_bins_insert AFTER INSERT ON market_quote_bins
    REFERENCING NEW TABLE AS new_bins FOR EACH STATEMENT EXECUTE FUNCTION market_quote_day_bins_follow();
CREATE TRIGGER market_quote_day_bins_update AFTER UPDATE ON market_quote_bins
    REFERENCING OLD TABLE AS old_bins NEW TABLE AS new_bins FOR EACH STATEMENT EXECUTE FUNCTION market_quote_day_bins_follow();
CREATE TRIGGER market_quote_day_bins_delete AFTER DELETE ON market_quote_bins
    REFERENCING OLD TABLE AS old_bins FOR EACH STATEMENT EXECUTE FUNCTION market_quote_day_bins_follow();
CREATE TRIGGER market_quote_day_bins_truncate AFTER TRUNCATE ON market_quote_bins
    FOR EACH STATEMENT EXECUTE FUNCTION market_quote_day_bins_follow();

-- Rerunnable: the day rows are set to their hours' sums, and days with no hours left go.
INSERT INTO market_quote_day_bins (day_start, symbol, measure, bin, quotes)
SELECT date_trunc('day', b.bucket_start, 'UTC'), b.symbol, b.measure, b.bin, sum(b.quotes)
FROM market_quote_bins b
GROUP BY 1, 2, 3, 4
HAVING sum(b.quotes) <> 0
ON CONFLICT (day_start, symbol, measure, bin) DO UPDATE SET quotes = excluded.quotes;
DELETE FROM market_quote_day_bins d
WHERE NOT EXISTS (SELECT 1 FROM market_quote_bins b
                  WHERE b.bucket_start >= d.day_start AND b.bucket_start < d.day_start + interval '24 hours'
                    AND b.symbol = d.symbol AND b.measure = d.measure AND b.bin = d.bin AND b.quotes <> 0);

COMMENT ON TABLE market_quote_day_bins IS 'market_quote_bins summed per UTC day, kept by triggers on market_quote_bins; market_data_distributions reads whole days from it.';

-- 0027's definition, read from the coarsest level that fits: whole UTC days from the day bins,
-- the whole hours around them from the hour bins, the quotes themselves in the partial hours at
-- the edges. Each part is counted per bin before they are added up, so few rows are sorted.
CREATE OR REPLACE FUNCTION market_data_distributions(p_from timestamptz, p_to timestamptz, p_symbol text DEFAULT NULL)
RETURNS TABLE (symbol text, updates bigint, usual_interval_ms double precision, spread_p50_bps double precision, spread_p95_bps double precision)
-- Planned without the range, its estimates are a whole table's: JIT would compile for a second.
LANGUAGE sql STABLE PARALLEL SAFE SET jit = off AS $$
  WITH hours AS (
    SELECT CASE WHEN h_from < h_to THEN h_from ELSE p_to END AS h_from, CASE WHEN h_from < h_to THEN h_to ELSE p_to END AS h_to
    FROM (SELECT date_trunc('hour', p_from + interval '1 hour' - interval '1 microsecond', 'UTC') AS h_from, date_trunc('hour', p_to, 'UTC') AS h_to) h
  ),
  -- [h_from, d_from) and [d_to, h_to) are whole hours, [d_from, d_to) whole days (empty without one).
  spans AS MATERIALIZED (
    SELECT h.h_from, h.h_to, CASE WHEN d.d_from < d.d_to THEN d.d_from ELSE h.h_to END AS d_from, CASE WHEN d.d_from < d.d_to THEN d.d_to ELSE h.h_to END AS d_to
    FROM hours h
    CROSS JOIN LATERAL (SELECT date_trunc('day', h.h_from + interval '24 hours' - interval '1 microsecond', 'UTC') AS d_from, date_trunc('day', h.h_to, 'UTC') AS d_to) d
  ),
  edge_quotes AS (
    SELECT q.symbol, q.interval_ms, q.spread_bps FROM market_quotes q, spans s
    WHERE q.quoted_at >= p_from AND q.quoted_at < s.h_from AND (p_symbol IS NULL OR q.symbol = p_symbol)
    UNION ALL
    SELECT q.symbol, q.interval_ms, q.spread_bps FROM market_quotes q, spans s
    WHERE q.quoted_at >= s.h_to AND q.quoted_at < p_to AND (p_symbol IS NULL OR q.symbol = p_symbol)
  ),
  -- One pass over the edge quotes for all three measures (a row per measure and quote costs more).
  edge_bins AS (
    SELECT e.symbol,
           CASE WHEN grouping(e.interval_bin) = 0 THEN 'interval' WHEN grouping(e.spread_bin) = 0 THEN 'spread' ELSE 'updates' END AS measure,
           CASE WHEN grouping(e.interval_bin) = 0 THEN e.interval_bin WHEN grouping(e.spread_bin) = 0 THEN e.spread_bin ELSE 0 END AS bin,
           count(*) AS n
    FROM (SELECT q.symbol, market_data_bin(nullif(q.interval_ms, 0)) AS interval_bin, market_data_bin(q.spread_bps) AS spread_bin FROM edge_quotes q) e
    GROUP BY GROUPING SETS ((e.symbol), (e.symbol, e.interval_bin), (e.symbol, e.spread_bin))
  ),
  parts AS (
    SELECT b.symbol, b.measure, b.bin, sum(b.quotes) AS n FROM market_quote_day_bins b, spans s
    WHERE b.day_start >= s.d_from AND b.day_start < s.d_to AND (p_symbol IS NULL OR b.symbol = p_symbol)
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT b.symbol, b.measure, b.bin, sum(b.quotes) FROM market_quote_bins b, spans s
    WHERE b.bucket_start >= s.h_from AND b.bucket_start < s.d_from AND (p_symbol IS NULL OR b.symbol = p_symbol)
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT b.symbol, b.measure, b.bin, sum(b.quotes) FROM market_quote_bins b, spans s
    WHERE b.bucket_start >= s.d_to AND b.bucket_start < s.h_to AND (p_symbol IS NULL OR b.symbol = p_symbol)
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT e.symbol, e.measure, e.bin, e.n FROM edge_bins e WHERE e.bin IS NOT NULL
  ),
  counts AS (
    SELECT p.symbol, p.measure, p.bin, sum(p.n) AS n FROM parts p
    GROUP BY 1, 2, 3
    HAVING sum(p.n) > 0
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

-- The gaps of many symbols in [p_from, p_to), each with its own threshold (p_longer_than_ms[i] for
-- p_symbols[i]): 0027's market_data_symbol_gaps in one statement instead of a call per symbol.
-- Planned on each call with the range's values (EXECUTE): a plan made without them takes a month
-- for a few minutes and reads it by time instead of from the top of each symbol's intervals.
CREATE OR REPLACE FUNCTION market_data_range_gaps(p_from timestamptz, p_to timestamptz, p_symbols text[], p_longer_than_ms double precision[])
RETURNS TABLE (symbol text, gap_from timestamptz, gap_to timestamptz, duration_ms double precision)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET jit = off AS $$
BEGIN
  RETURN QUERY EXECUTE
    'SELECT t.symbol, q.prev_quoted_at, q.quoted_at, q.interval_ms
     FROM unnest($3, $4) AS t(symbol, longer_than_ms)
     CROSS JOIN LATERAL (
       SELECT q.prev_quoted_at, q.quoted_at, q.interval_ms FROM market_quotes q
       WHERE q.symbol = t.symbol AND q.interval_ms > 0 AND q.interval_ms > t.longer_than_ms AND q.quoted_at >= $1 AND q.quoted_at < $2) q'
    USING p_from, p_to, p_symbols, p_longer_than_ms;
END
$$;

-- 0027's definitions, with every symbol's gaps found in one statement.
CREATE OR REPLACE FUNCTION market_data_gaps(p_from timestamptz, p_to timestamptz, p_gap_factor double precision DEFAULT NULL, p_symbol text DEFAULT NULL)
RETURNS TABLE (symbol text, gap_from timestamptz, gap_to timestamptz, duration_ms double precision)
LANGUAGE sql STABLE PARALLEL SAFE SET jit = off AS $$
  SELECT g.symbol, g.gap_from, g.gap_to, g.duration_ms
  FROM (SELECT array_agg(d.symbol) AS symbols, array_agg(coalesce(p_gap_factor, 5) * d.usual_interval_ms) AS longer_than_ms
        FROM market_data_distributions(p_from, p_to, p_symbol) d) a
  CROSS JOIN LATERAL market_data_range_gaps(p_from, p_to, a.symbols, a.longer_than_ms) g
$$;

CREATE OR REPLACE FUNCTION market_data_health(p_from timestamptz, p_to timestamptz, p_gap_factor double precision DEFAULT NULL, p_symbol text DEFAULT NULL)
RETURNS TABLE (symbol text, updates bigint, updates_per_second double precision, usual_interval_ms double precision,
               gaps bigint, longest_gap_ms double precision, spread_p50_bps double precision, spread_p95_bps double precision)
LANGUAGE sql STABLE PARALLEL SAFE SET jit = off AS $$
  WITH d AS MATERIALIZED (SELECT * FROM market_data_distributions(p_from, p_to, p_symbol)),
  g AS (
    SELECT g.symbol, count(*) AS gaps, max(g.duration_ms) AS longest_gap_ms
    FROM (SELECT array_agg(d.symbol) AS symbols, array_agg(coalesce(p_gap_factor, 5) * d.usual_interval_ms) AS longer_than_ms FROM d) a
    CROSS JOIN LATERAL market_data_range_gaps(p_from, p_to, a.symbols, a.longer_than_ms) g
    GROUP BY g.symbol
  )
  SELECT d.symbol, d.updates, d.updates / extract(epoch FROM p_to - p_from)::double precision, d.usual_interval_ms,
         coalesce(g.gaps, 0), g.longest_gap_ms, d.spread_p50_bps, d.spread_p95_bps
  FROM d LEFT JOIN g ON g.symbol = d.symbol
$$;

-- Sessions over a month (docs/trading.md "Sessions"): session_figures reads its range from one
-- index alone, and sorts stored values rather than computing each session's time to order.

-- Login to first order in seconds, when the first order came at or after the login (0025's filter).
ALTER TABLE user_sessions ADD COLUMN IF NOT EXISTS login_to_first_order_seconds double precision
    GENERATED ALWAYS AS (CASE WHEN first_order_at >= login_at THEN extract(epoch FROM first_order_at - login_at)::double precision END) STORED;

-- Every column session_figures reads, so a month of sessions is an index-only scan.
CREATE INDEX IF NOT EXISTS user_sessions_started_figures_idx ON user_sessions (started_at)
    INCLUDE (user_id, duration_seconds, event_count, login_to_first_order_seconds);
DROP INDEX IF EXISTS user_sessions_started_idx;

-- 0025's figures, unchanged: the same sessions, counts and exact percentiles. Users are told apart
-- byte by byte (COLLATE "C"), which is what the database's deterministic collation does, only faster.
CREATE OR REPLACE FUNCTION session_figures(p_from timestamptz, p_to timestamptz)
RETURNS TABLE (
    sessions                     bigint,
    users                        bigint,
    duration_p50_s               double precision,
    duration_p95_s               double precision,
    events_per_session_avg       double precision,
    events_per_session_p50       double precision,
    events_per_session_p95       double precision,
    login_to_first_order_count   bigint,
    login_to_first_order_p50_s   double precision,
    login_to_first_order_p95_s   double precision
)
LANGUAGE sql STABLE PARALLEL SAFE SET jit = off AS $$
    SELECT count(*),
           count(DISTINCT s.user_id COLLATE "C"),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY s.duration_seconds),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY s.duration_seconds),
           avg(s.event_count)::double precision,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY s.event_count),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY s.event_count),
           count(s.login_to_first_order_seconds),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY s.login_to_first_order_seconds),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY s.login_to_first_order_seconds)
    FROM user_sessions s
    WHERE s.started_at >= p_from AND s.started_at < p_to
$$;
