-- Order cohorts summarised per UTC hour and day of placement, so the order and execution figures
-- of a month read a few thousand summary rows instead of every order and fill (docs/trading.md,
-- "How the order figures are read"). The figures keep one definition: order_cohort_stats() and
-- order_cohort_bin_counts() compute a summary from the orders themselves, the refresh stores what
-- they return per hour, and the readers call them again for whatever is not summarised.
--
-- Exact with every writer: statement triggers on order_analytics and order_fills mark the hours
-- of placement any write touches as stale (fold, late-quote re-marking, rebuild, retention, tests),
-- readers read a stale hour from its orders, and refresh_order_cohort_summaries() recomputes it.

-- Signed logarithmic bins with 1 % relative accuracy (market_data_bin's γ = 1.01/0.99) for values
-- of either sign: 0 for zero, ±(100000 + i) for ±(γ^(i−1), γ^i], so the bins sort as the values do.
CREATE OR REPLACE FUNCTION signed_log_bin(p_value double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_value = 0 THEN 0
              -- NaN sorts above every number, as percentile_cont has it.
              WHEN p_value = 'NaN' THEN 135000
              -- Clamped to the bins whose value is a finite float8: ±Infinity lands in the outermost one.
              ELSE (sign(p_value) * (100000 + least(greatest(ceil(ln(abs(p_value)) / ln(1.01 / 0.99::double precision)), -35000), 35000)))::integer END
$$;

-- The value a bin stands for: 2γ^i/(γ+1), within 1 % of every value in it, with the bin's sign.
CREATE OR REPLACE FUNCTION signed_log_bin_value(p_bin integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_bin = 0 THEN 0::double precision
              ELSE sign(p_bin) * 2 * power(1.01 / 0.99::double precision, abs(p_bin) - 100000) / (1.01 / 0.99::double precision + 1) END
$$;

-- Per order PLACED in [p_from, p_to) (p_symbol / p_strategy / p_side narrow it), what the order
-- and execution figures are made of (p_fills false: without the fills, which the order figures do
-- not need). Definitions: migrations 0023 and 0026, docs/trading.md.
CREATE OR REPLACE FUNCTION order_cohort_facts(p_from timestamptz, p_to timestamptz,
                                              p_symbol text DEFAULT NULL, p_strategy text DEFAULT NULL, p_side text DEFAULT NULL,
                                              p_fills boolean DEFAULT true)
RETURNS TABLE (order_id text, placed_at timestamptz, symbol text, strategy_id text, side text, status text,
               quantity double precision, filled_quantity double precision, first_fill_ms double precision, fill_ms double precision,
               priced boolean, arrival_source text, arrival_price double precision, slippage_bps double precision,
               slipped_quantity double precision, execution_cost double precision, opportunity_cost double precision,
               fees double precision, fee_count bigint)
-- No SET clause: the callers inline it, so it is planned with their range.
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH cohort AS (
    SELECT o.*, execution_side_sign(o.side) AS sign FROM order_analytics o
    WHERE o.placed_at >= p_from AND o.placed_at < p_to
      AND (p_symbol IS NULL OR o.symbol = p_symbol) AND (p_strategy IS NULL OR o.strategy_id = p_strategy)
      AND (p_side IS NULL OR upper(o.side) = upper(p_side))
  ),
  -- Per order, its fills that carry a price (a fill without one says nothing about cost) and their fees.
  fills AS (
    SELECT f.order_id,
           sum(f.quantity) FILTER (WHERE f.price IS NOT NULL AND f.quantity IS NOT NULL) AS qty,
           sum(f.price * f.quantity) FILTER (WHERE f.price IS NOT NULL AND f.quantity IS NOT NULL) AS notional,
           sum(f.fee) AS fees, count(f.fee) AS fee_count
    FROM order_fills f
    WHERE p_fills AND f.placed_at >= p_from AND f.placed_at < p_to
    GROUP BY f.order_id
  )
  SELECT c.order_id, c.placed_at, c.symbol, c.strategy_id, upper(c.side), c.status,
         c.quantity, c.filled_quantity,
         -- True values, negative when a venue's fill time precedes the placement (clock skew).
         date_part('epoch', (c.first_fill_at - c.placed_at) * 1000), date_part('epoch', (c.filled_at - c.placed_at) * 1000),
         p.priced, c.arrival_source, c.arrival_price,
         CASE WHEN p.priced AND f.qty > 0 THEN execution_slippage_bps(c.side, f.notional / f.qty, c.arrival_price) END,
         CASE WHEN p.priced AND f.qty > 0 THEN f.qty END,
         CASE WHEN p.priced AND f.qty > 0 THEN c.sign * (f.notional - c.arrival_price * f.qty) END,
         CASE WHEN p.priced AND c.status IN ('canceled', 'rejected') AND c.end_mid IS NOT NULL
              THEN c.sign * (c.end_mid - c.arrival_price) * greatest(c.quantity - c.filled_quantity, 0) END,
         CASE WHEN p.priced THEN f.fees END, CASE WHEN p.priced THEN coalesce(f.fee_count, 0) ELSE 0 END
  FROM cohort c
  CROSS JOIN LATERAL (SELECT c.sign IS NOT NULL AND c.arrival_price > 0 AS priced) p
  LEFT JOIN fills f ON f.order_id = c.order_id
$$;

-- Per fill of an order placed in [p_from, p_to) with a two-sided quote in force: its effective
-- spread against the mid and its notional (the weight), with the order's attributes.
CREATE OR REPLACE FUNCTION order_cohort_fill_spreads(p_from timestamptz, p_to timestamptz,
                                                     p_symbol text DEFAULT NULL, p_strategy text DEFAULT NULL, p_side text DEFAULT NULL)
RETURNS TABLE (placed_at timestamptz, symbol text, strategy_id text, side text, spread_bps double precision, notional double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT o.placed_at, o.symbol, o.strategy_id, upper(o.side),
         execution_effective_spread_bps(o.side, f.price, f.mid_at_fill), f.price * f.quantity
  FROM order_fills f JOIN order_analytics o ON o.order_id = f.order_id
  WHERE f.placed_at >= p_from AND f.placed_at < p_to AND o.placed_at >= p_from AND o.placed_at < p_to
    AND execution_side_sign(o.side) IS NOT NULL AND f.mid_at_fill > 0 AND f.price IS NOT NULL AND f.quantity > 0
    AND (p_symbol IS NULL OR o.symbol = p_symbol) AND (p_strategy IS NULL OR o.strategy_id = p_strategy)
    AND (p_side IS NULL OR upper(o.side) = upper(p_side))
$$;

-- The summary of the orders placed in [p_from, p_to) per p_bucket (NULL: one bucket), for all of
-- them ('all') and per symbol, strategy and side (dimension, value): the sums every figure adds up.
-- p_dimension (NULL: all four) keeps one; p_execution false leaves the execution sums 0 (the order
-- figures read none of them, and skip the fills).
CREATE OR REPLACE FUNCTION order_cohort_stats(p_from timestamptz, p_to timestamptz, p_bucket interval DEFAULT NULL,
                                              p_symbol text DEFAULT NULL, p_strategy text DEFAULT NULL, p_side text DEFAULT NULL,
                                              p_dimension text DEFAULT NULL, p_execution boolean DEFAULT true)
RETURNS TABLE (bucket_start timestamptz, dimension text, value text,
               placed bigint, filled bigint, partially_filled bigint, canceled bigint, rejected bigint, open bigint,
               ordered_quantity double precision, filled_quantity double precision,
               priced_orders bigint, slipped_orders bigint, arrival_mid bigint, arrival_limit bigint,
               execution_cost double precision, slipped_arrival_notional double precision, opportunity_cost double precision,
               arrival_notional_orders bigint, arrival_notional double precision, fee_count bigint, fees double precision,
               spread_fills bigint, spread_weighted double precision, spread_notional double precision)
-- PL/pgSQL with custom plans: each call is planned with its own range (a SQL function's generic
-- plan reads the whole table); JIT would compile for longer than a range's rows take.
LANGUAGE plpgsql STABLE PARALLEL SAFE SET jit = off SET plan_cache_mode = force_custom_plan SET enable_sort = on AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH orders AS (
    SELECT date_bin(p_bucket, o.placed_at, TIMESTAMPTZ 'epoch') AS bucket, d.dimension, d.value, o.*
    FROM order_cohort_facts(p_from, p_to, p_symbol, p_strategy, p_side, p_execution) o
    CROSS JOIN LATERAL (VALUES ('all', NULL), ('symbol', o.symbol), ('strategy', o.strategy_id), ('side', o.side)) AS d(dimension, value)
    WHERE p_dimension IS NULL OR d.dimension = p_dimension
  ),
  order_sums AS (
    SELECT o.bucket, o.dimension, o.value,
           count(*) AS placed,
           count(*) FILTER (WHERE o.status = 'filled') AS filled,
           count(*) FILTER (WHERE o.status = 'partially_filled') AS partially_filled,
           count(*) FILTER (WHERE o.status = 'canceled') AS canceled,
           count(*) FILTER (WHERE o.status = 'rejected') AS rejected,
           count(*) FILTER (WHERE o.status = 'open') AS open,
           -- Orders without an ordered quantity are in no quantity figure; a fill beyond it counts up to it.
           coalesce(sum(o.quantity) FILTER (WHERE o.quantity > 0), 0)::double precision AS ordered_quantity,
           coalesce(sum(least(o.filled_quantity, o.quantity)) FILTER (WHERE o.quantity > 0), 0)::double precision AS filled_quantity,
           count(*) FILTER (WHERE o.priced) AS priced_orders,
           count(o.slippage_bps) AS slipped_orders,
           count(o.slippage_bps) FILTER (WHERE o.arrival_source = 'mid') AS arrival_mid,
           count(o.slippage_bps) FILTER (WHERE o.arrival_source = 'limit') AS arrival_limit,
           coalesce(sum(o.execution_cost), 0) AS execution_cost,
           coalesce(sum(o.arrival_price * o.slipped_quantity), 0) AS slipped_arrival_notional,
           coalesce(sum(o.opportunity_cost), 0) AS opportunity_cost,
           count(*) FILTER (WHERE o.priced AND o.quantity > 0) AS arrival_notional_orders,
           coalesce(sum(o.arrival_price * o.quantity) FILTER (WHERE o.priced AND o.quantity > 0), 0) AS arrival_notional,
           sum(o.fee_count)::bigint AS fee_count,
           coalesce(sum(o.fees), 0) AS fees
    FROM orders o
    GROUP BY o.bucket, o.dimension, o.value
  ),
  spread_sums AS (
    SELECT s.bucket, s.dimension, s.value,
           count(*) AS fills, sum(s.spread_bps * s.notional) AS weighted, sum(s.notional) AS notional
    FROM (SELECT date_bin(p_bucket, f.placed_at, TIMESTAMPTZ 'epoch') AS bucket, d.dimension, d.value, f.*
          FROM order_cohort_fill_spreads(p_from, p_to, p_symbol, p_strategy, p_side) f
          CROSS JOIN LATERAL (VALUES ('all', NULL), ('symbol', f.symbol), ('strategy', f.strategy_id), ('side', f.side)) AS d(dimension, value)
          WHERE p_execution AND (p_dimension IS NULL OR d.dimension = p_dimension)) s
    GROUP BY s.bucket, s.dimension, s.value
  )
  SELECT o.bucket, o.dimension, o.value, o.placed, o.filled, o.partially_filled, o.canceled, o.rejected, o.open,
         o.ordered_quantity, o.filled_quantity, o.priced_orders, o.slipped_orders, o.arrival_mid, o.arrival_limit,
         o.execution_cost, o.slipped_arrival_notional, o.opportunity_cost, o.arrival_notional_orders, o.arrival_notional,
         o.fee_count, o.fees, coalesce(s.fills, 0), coalesce(s.weighted, 0), coalesce(s.notional, 0)
  FROM order_sums o
  LEFT JOIN spread_sums s ON s.bucket IS NOT DISTINCT FROM o.bucket AND s.dimension = o.dimension AND s.value IS NOT DISTINCT FROM o.value;
END
$$;

-- The distributions of the same cohort in signed log bins: 'first_fill' and 'fill' (time to first
-- and to full fill, ms), 'slippage' (per order, bps) and 'spread' (per fill, bps). p_dimension and
-- p_measures (NULL: all) keep only what a reader needs.
CREATE OR REPLACE FUNCTION order_cohort_bin_counts(p_from timestamptz, p_to timestamptz, p_bucket interval DEFAULT NULL,
                                                   p_symbol text DEFAULT NULL, p_strategy text DEFAULT NULL, p_side text DEFAULT NULL,
                                                   p_dimension text DEFAULT NULL, p_measures text[] DEFAULT NULL)
RETURNS TABLE (bucket_start timestamptz, dimension text, value text, measure text, bin integer, n bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET jit = off SET plan_cache_mode = force_custom_plan SET enable_sort = on AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH measured AS (
    SELECT date_bin(p_bucket, o.placed_at, TIMESTAMPTZ 'epoch') AS bucket, o.symbol, o.strategy_id, o.side, m.measure, signed_log_bin(m.v) AS bin
    FROM order_cohort_facts(p_from, p_to, p_symbol, p_strategy, p_side) o
    CROSS JOIN LATERAL (VALUES ('first_fill', o.first_fill_ms), ('fill', o.fill_ms), ('slippage', o.slippage_bps)) AS m(measure, v)
    WHERE m.v IS NOT NULL AND (p_measures IS NULL OR m.measure = ANY (p_measures))
    UNION ALL
    SELECT date_bin(p_bucket, f.placed_at, TIMESTAMPTZ 'epoch'), f.symbol, f.strategy_id, f.side, 'spread', signed_log_bin(f.spread_bps)
    FROM order_cohort_fill_spreads(p_from, p_to, p_symbol, p_strategy, p_side) f
    WHERE f.spread_bps IS NOT NULL AND (p_measures IS NULL OR 'spread' = ANY (p_measures))
  ),
  -- One dimension when asked for (a reader), else all four (the refresh).
  keyed AS (
    SELECT m.bucket, d.dimension, d.value, m.measure, m.bin
    FROM measured m
    CROSS JOIN LATERAL (VALUES ('all', NULL), ('symbol', m.symbol), ('strategy', m.strategy_id), ('side', m.side)) AS d(dimension, value)
    WHERE p_dimension IS NULL OR d.dimension = p_dimension
  )
  SELECT k.bucket, k.dimension, k.value, k.measure, k.bin, count(*)
  FROM keyed k
  GROUP BY k.bucket, k.dimension, k.value, k.measure, k.bin;
END
$$;

-- What order_cohort_stats returned for each hour (width 'hour') and the sum of a day's hours ('day').
CREATE TABLE IF NOT EXISTS order_cohort_summaries (
    width                     text             NOT NULL CHECK (width IN ('hour', 'day')),
    bucket_start              timestamptz      NOT NULL,
    dimension                 text             NOT NULL CHECK (dimension IN ('all', 'symbol', 'strategy', 'side')),
    value                     text,
    placed                    bigint           NOT NULL,
    filled                    bigint           NOT NULL,
    partially_filled          bigint           NOT NULL,
    canceled                  bigint           NOT NULL,
    rejected                  bigint           NOT NULL,
    open                      bigint           NOT NULL,
    ordered_quantity          double precision NOT NULL,
    filled_quantity           double precision NOT NULL,
    priced_orders             bigint           NOT NULL,
    slipped_orders            bigint           NOT NULL,
    arrival_mid               bigint           NOT NULL,
    arrival_limit             bigint           NOT NULL,
    execution_cost            double precision NOT NULL,
    slipped_arrival_notional  double precision NOT NULL,
    opportunity_cost          double precision NOT NULL,
    arrival_notional_orders   bigint           NOT NULL,
    arrival_notional          double precision NOT NULL,
    fee_count                 bigint           NOT NULL,
    fees                      double precision NOT NULL,
    spread_fills              bigint           NOT NULL,
    spread_weighted           double precision NOT NULL,
    spread_notional           double precision NOT NULL,
    UNIQUE NULLS NOT DISTINCT (width, dimension, bucket_start, value)
);

-- One row per distribution: its bins ascending and their counts, side by side (a month's overall
-- distribution is a few dozen rows, not tens of thousands).
CREATE TABLE IF NOT EXISTS order_cohort_bins (
    width         text        NOT NULL CHECK (width IN ('hour', 'day')),
    bucket_start  timestamptz NOT NULL,
    dimension     text        NOT NULL,
    value         text,
    measure       text        NOT NULL,
    bins          integer[]   NOT NULL,
    -- int4: a bin of an hour or day holds far fewer than 2^31, and int4 sums stay integer (bigint's are numeric).
    counts        integer[]   NOT NULL,
    UNIQUE NULLS NOT DISTINCT (width, dimension, measure, bucket_start, value)
);

-- UTC hours of placement whose summary no longer matches their orders.
CREATE TABLE IF NOT EXISTS order_cohort_stale_hours (
    bucket_start timestamptz PRIMARY KEY,
    -- The latest write's time: the refresh leaves an hour alone while writes keep coming.
    marked_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Refreshes of this hour that failed; from 5 on it is set aside (read from its orders) and counted.
    failures     integer     NOT NULL DEFAULT 0,
    last_error   text
);

COMMENT ON TABLE order_cohort_summaries IS 'Per UTC hour and day of placement: order_cohort_stats() of the orders placed then, overall and per symbol, strategy and side. Kept by refresh_order_cohort_summaries().';
COMMENT ON TABLE order_cohort_bins IS 'Per UTC hour and day of placement: order_cohort_bin_counts() (time to fill, slippage and spread in signed 1 % log bins).';
COMMENT ON TABLE order_cohort_stale_hours IS 'Hours of placement written to since their summary was made; read from the orders until refreshed.';

-- DO UPDATE, not DO NOTHING: the writer then holds the hour's row lock until it commits, so a
-- refresh (SKIP LOCKED) cannot take the hour from a snapshot without the write. Hours in order,
-- so two writers never wait on each other in a cycle.
CREATE OR REPLACE FUNCTION order_cohort_mark_hours(p_hours timestamptz[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO order_cohort_stale_hours AS s (bucket_start)
  SELECT DISTINCT h FROM unnest(p_hours) AS u(h) WHERE h IS NOT NULL ORDER BY 1
  -- A new write gives a set-aside hour five more tries: what failed may be gone.
  ON CONFLICT (bucket_start) DO UPDATE SET marked_at = clock_timestamp(), failures = 0
$$;

CREATE OR REPLACE FUNCTION order_cohort_mark_stale() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM order_cohort_summaries;
    DELETE FROM order_cohort_bins;
    PERFORM order_cohort_mark_hours(ARRAY(SELECT DISTINCT date_trunc('hour', o.placed_at, 'UTC') FROM order_analytics o));
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM order_cohort_mark_hours(ARRAY(SELECT date_trunc('hour', n.placed_at, 'UTC') FROM new_rows n));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM order_cohort_mark_hours(ARRAY(SELECT date_trunc('hour', n.placed_at, 'UTC') FROM new_rows n
                                          UNION SELECT date_trunc('hour', o.placed_at, 'UTC') FROM old_rows o));
  ELSE
    PERFORM order_cohort_mark_hours(ARRAY(SELECT date_trunc('hour', o.placed_at, 'UTC') FROM old_rows o));
  END IF;
  RETURN NULL;
END
$$;

-- A trigger with transition tables answers one event, hence three per table.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['order_analytics', 'order_fills'] LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS %1$s_cohort_inserted ON %1$s', t);
    EXECUTE format('DROP TRIGGER IF EXISTS %1$s_cohort_updated ON %1$s', t);
    EXECUTE format('DROP TRIGGER IF EXISTS %1$s_cohort_deleted ON %1$s', t);
    EXECUTE format('DROP TRIGGER IF EXISTS %1$s_cohort_truncated ON %1$s', t);
    EXECUTE format('CREATE TRIGGER %1$s_cohort_inserted AFTER INSERT ON %1$s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION order_cohort_mark_stale()', t);
    EXECUTE format('CREATE TRIGGER %1$s_cohort_updated AFTER UPDATE ON %1$s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION order_cohort_mark_stale()', t);
    EXECUTE format('CREATE TRIGGER %1$s_cohort_deleted AFTER DELETE ON %1$s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION order_cohort_mark_stale()', t);
    EXECUTE format('CREATE TRIGGER %1$s_cohort_truncated AFTER TRUNCATE ON %1$s FOR EACH STATEMENT EXECUTE FUNCTION order_cohort_mark_stale()', t);
  END LOOP;
END
$$;

-- Recomputes up to p_hours stale hours (the latest first) not written to for p_quiet, and the
-- days they fall in; returns how many hours it did. Each hour in a subtransaction: one that fails
-- stays stale with its error, and after 5 failures is set aside (still read from its orders)
-- instead of blocking the others. Replicas may run it at once: each claims its hours with SKIP
-- LOCKED and sums a day under the day's advisory lock, so whichever sums a day last sees every
-- hour the other wrote.
CREATE OR REPLACE FUNCTION refresh_order_cohort_summaries(p_hours integer DEFAULT 48, p_quiet interval DEFAULT interval '0')
RETURNS integer
LANGUAGE plpgsql SET jit = off SET timezone = 'UTC' AS $$
DECLARE
  v_claimed order_cohort_stale_hours[];
  v_hour order_cohort_stale_hours;
  v_days timestamptz[] := '{}';
  v_day timestamptz;
  v_done integer := 0;
BEGIN
  WITH claimed AS (
    DELETE FROM order_cohort_stale_hours s
    WHERE s.bucket_start IN (SELECT h.bucket_start FROM order_cohort_stale_hours h
                             WHERE h.failures < 5 AND h.marked_at <= clock_timestamp() - p_quiet
                             ORDER BY h.bucket_start DESC LIMIT p_hours FOR UPDATE SKIP LOCKED)
    RETURNING s.*
  )
  SELECT array_agg(c ORDER BY c.bucket_start) INTO v_claimed FROM claimed c;
  IF v_claimed IS NULL THEN
    RETURN 0;
  END IF;

  FOREACH v_hour IN ARRAY v_claimed LOOP
    BEGIN
      DELETE FROM order_cohort_summaries s WHERE s.width = 'hour' AND s.bucket_start = v_hour.bucket_start;
      DELETE FROM order_cohort_bins b WHERE b.width = 'hour' AND b.bucket_start = v_hour.bucket_start;
      INSERT INTO order_cohort_summaries
      SELECT 'hour', v_hour.bucket_start, r.dimension, r.value, r.placed, r.filled, r.partially_filled, r.canceled, r.rejected, r.open,
             r.ordered_quantity, r.filled_quantity, r.priced_orders, r.slipped_orders, r.arrival_mid, r.arrival_limit,
             r.execution_cost, r.slipped_arrival_notional, r.opportunity_cost, r.arrival_notional_orders, r.arrival_notional,
             r.fee_count, r.fees, r.spread_fills, r.spread_weighted, r.spread_notional
      FROM order_cohort_stats(v_hour.bucket_start, v_hour.bucket_start + interval '1 hour') r;
      INSERT INTO order_cohort_bins
      SELECT 'hour', v_hour.bucket_start, r.dimension, r.value, r.measure, array_agg(r.bin ORDER BY r.bin), array_agg(r.n::integer ORDER BY r.bin)
      FROM order_cohort_bin_counts(v_hour.bucket_start, v_hour.bucket_start + interval '1 hour') r
      GROUP BY r.dimension, r.value, r.measure;
      v_done := v_done + 1;
    EXCEPTION WHEN OTHERS THEN
      -- Back as stale, its hour and day rows untouched (a write marks it again as it would anyway).
      INSERT INTO order_cohort_stale_hours AS s (bucket_start, marked_at, failures, last_error)
      VALUES (v_hour.bucket_start, v_hour.marked_at, v_hour.failures + 1, SQLERRM)
      ON CONFLICT (bucket_start) DO UPDATE SET failures = v_hour.failures + 1, last_error = SQLERRM;
    END;
    v_days := v_days || date_trunc('day', v_hour.bucket_start, 'UTC');
  END LOOP;

  -- Each day in turn (in order, so two replicas never wait on each other in a cycle). 24 hours,
  -- not '1 day': a day of a daylight-saving time zone can be 23 or 25.
  FOR v_day IN SELECT DISTINCT d FROM unnest(v_days) AS u(d) ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('order_cohort_day:' || v_day::text, 0));
    DELETE FROM order_cohort_summaries s WHERE s.width = 'day' AND s.bucket_start = v_day;
    DELETE FROM order_cohort_bins b WHERE b.width = 'day' AND b.bucket_start = v_day;
    INSERT INTO order_cohort_summaries
    SELECT 'day', v_day, s.dimension, s.value, sum(s.placed), sum(s.filled), sum(s.partially_filled), sum(s.canceled),
           sum(s.rejected), sum(s.open), sum(s.ordered_quantity), sum(s.filled_quantity), sum(s.priced_orders),
           sum(s.slipped_orders), sum(s.arrival_mid), sum(s.arrival_limit), sum(s.execution_cost),
           sum(s.slipped_arrival_notional), sum(s.opportunity_cost), sum(s.arrival_notional_orders), sum(s.arrival_notional),
           sum(s.fee_count), sum(s.fees), sum(s.spread_fills), sum(s.spread_weighted), sum(s.spread_notional)
    FROM order_cohort_summaries s
    WHERE s.width = 'hour' AND s.bucket_start >= v_day AND s.bucket_start < v_day + interval '24 hours'
    GROUP BY s.dimension, s.value;
    INSERT INTO order_cohort_bins
    SELECT 'day', v_day, d.dimension, d.value, d.measure, array_agg(d.bin ORDER BY d.bin), array_agg(d.n ORDER BY d.bin)
    FROM (SELECT b.dimension, b.value, b.measure, u.bin, sum(u.n)::integer AS n
          FROM order_cohort_bins b CROSS JOIN LATERAL unnest(b.bins, b.counts) AS u(bin, n)
          WHERE b.width = 'hour' AND b.bucket_start >= v_day AND b.bucket_start < v_day + interval '24 hours'
          GROUP BY b.dimension, b.value, b.measure, u.bin) d
    GROUP BY d.dimension, d.value, d.measure;
  END LOOP;
  RETURN v_done;
END
$$;

-- How [p_from, p_to) is read: whole UTC days without a stale hour from the day summaries, the
-- other whole clean hours from the hour summaries, and the rest ('orders': partial hours at the
-- edges, stale hours) from the orders. A p_bucket that is no whole number of days (or hours)
-- cannot use the day (or hour) summaries; one the summaries cannot tile at all reads the orders.
CREATE OR REPLACE FUNCTION order_cohort_segments(p_from timestamptz, p_to timestamptz, p_bucket interval DEFAULT NULL)
RETURNS TABLE (source text, seg_from timestamptz, seg_to timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE SET jit = off SET timezone = 'UTC' SET enable_sort = on AS $$
  -- No order lies outside the hours of the placements stored: an unbounded range ('-infinity')
  -- ends there (at whole hours, so the first and last hour of the data are still summaries).
  WITH data AS (
    SELECT min(o.placed_at) AS lo, max(o.placed_at) AS hi FROM order_analytics o
  ),
  range AS (
    SELECT greatest(p_from, date_trunc('hour', d.lo, 'UTC')) AS r_from, least(p_to, date_trunc('hour', d.hi, 'UTC') + interval '1 hour') AS r_to
    FROM data d WHERE d.lo IS NOT NULL
  ),
  widths AS (
    SELECT p_bucket IS NULL OR (extract(epoch FROM p_bucket) > 0 AND extract(epoch FROM p_bucket)::numeric % 3600 = 0) AS hours_ok,
           p_bucket IS NULL OR (extract(epoch FROM p_bucket) > 0 AND extract(epoch FROM p_bucket)::numeric % 86400 = 0) AS days_ok
  ),
  -- The whole hours of the range; no row when it holds none.
  bounds AS (
    SELECT b.h_from, b.h_to
    FROM range r, widths w, LATERAL (SELECT date_trunc('hour', r.r_from + interval '1 hour' - interval '1 microsecond', 'UTC') AS h_from,
                                            date_trunc('hour', r.r_to, 'UTC') AS h_to) b
    WHERE w.hours_ok AND b.h_from < b.h_to
  ),
  hours AS (
    SELECT h.h, date_trunc('day', h.h, 'UTC') AS d, EXISTS (SELECT 1 FROM order_cohort_stale_hours s WHERE s.bucket_start = h.h) AS stale
    FROM bounds b, generate_series(b.h_from, b.h_to - interval '1 hour', interval '1 hour') AS h(h)
  ),
  clean_days AS (
    SELECT h.d FROM hours h, widths w WHERE w.days_ok GROUP BY h.d HAVING count(*) = 24 AND NOT bool_or(h.stale)
  ),
  pieces AS (
    SELECT 'day' AS source, d.d AS seg_from, d.d + interval '24 hours' AS seg_to FROM clean_days d
    UNION ALL
    SELECT CASE WHEN h.stale THEN 'orders' ELSE 'hour' END, h.h, h.h + interval '1 hour'
    FROM hours h WHERE h.d NOT IN (SELECT d FROM clean_days)
    UNION ALL
    SELECT 'orders', r.r_from, b.h_from FROM range r, bounds b WHERE r.r_from < b.h_from
    UNION ALL
    SELECT 'orders', b.h_to, r.r_to FROM range r, bounds b WHERE b.h_to < r.r_to
    UNION ALL
    SELECT 'orders', r.r_from, r.r_to FROM range r WHERE r.r_from < r.r_to AND NOT EXISTS (SELECT 1 FROM bounds)
  ),
  -- Adjacent pieces read from the orders are read as one: one query per run of stale hours.
  flagged AS (
    SELECT p.*, CASE WHEN p.source = 'orders' AND lag(p.source) OVER w = 'orders' AND lag(p.seg_to) OVER w = p.seg_from THEN 0 ELSE 1 END AS starts
    FROM pieces p WINDOW w AS (ORDER BY p.seg_from)
  ),
  islands AS (
    SELECT f.*, sum(f.starts) OVER (ORDER BY f.seg_from) AS island FROM flagged f
  )
  SELECT min(i.source), min(i.seg_from), max(i.seg_to) FROM islands i GROUP BY i.island
$$;

-- Which summary rows answer a cohort: with no narrowing or one attribute narrowed, and a breakdown
-- by at most one attribute, the rows of that one dimension ('all' for none); anything narrower is
-- computed from the orders for the whole range (v_from_orders).
CREATE OR REPLACE FUNCTION order_cohort_plan(p_by text, p_symbol text, p_strategy text, p_side text,
                                             OUT from_orders boolean, OUT dimension text, OUT value text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT n > 1 OR (n = 1 AND p_by IS NOT NULL),
         CASE WHEN n > 1 OR (n = 1 AND p_by IS NOT NULL) THEN coalesce(p_by, 'all')
              ELSE coalesce(p_by, CASE WHEN p_symbol IS NOT NULL THEN 'symbol' WHEN p_strategy IS NOT NULL THEN 'strategy'
                                       WHEN p_side IS NOT NULL THEN 'side' ELSE 'all' END) END,
         CASE WHEN n = 1 AND p_by IS NULL THEN coalesce(p_symbol, p_strategy, upper(p_side)) END
  FROM (SELECT (p_symbol IS NOT NULL)::int + (p_strategy IS NOT NULL)::int + (p_side IS NOT NULL)::int AS n) c
$$;

-- The summary rows of the cohort placed in [p_from, p_to), per p_bucket: whole days and hours from
-- the summaries, the rest from order_cohort_stats over the orders (narrowed as asked, so a filter
-- reads only its orders); one row per summarised part. p_execution as order_cohort_stats'.
CREATE OR REPLACE FUNCTION order_cohort_parts(p_from timestamptz, p_to timestamptz, p_by text, p_symbol text, p_strategy text,
                                              p_side text, p_bucket interval, p_execution boolean)
RETURNS SETOF order_cohort_summaries
LANGUAGE plpgsql STABLE PARALLEL SAFE SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  v_from_orders boolean;
  v_dimension text;
  v_value text;
BEGIN
  SELECT p.from_orders, p.dimension, p.value INTO v_from_orders, v_dimension, v_value FROM order_cohort_plan(p_by, p_symbol, p_strategy, p_side) p;
  RETURN QUERY
  WITH segments AS MATERIALIZED (
    SELECT s.* FROM order_cohort_segments(p_from, p_to, p_bucket) s WHERE NOT v_from_orders
    UNION ALL
    SELECT 'orders', p_from, p_to WHERE v_from_orders
  )
  -- Per segment, so each reads its rows by the unique index.
  SELECT s.* FROM segments g
  CROSS JOIN LATERAL (
    SELECT * FROM order_cohort_summaries s
    WHERE s.width = g.source AND s.dimension = v_dimension AND s.bucket_start >= g.seg_from AND s.bucket_start < g.seg_to
      AND (v_value IS NULL OR s.value = v_value)
  ) s
  WHERE g.source IN ('hour', 'day')
  UNION ALL
  SELECT 'hour', r.bucket_start, r.dimension, r.value, r.placed, r.filled, r.partially_filled, r.canceled, r.rejected, r.open,
         r.ordered_quantity, r.filled_quantity, r.priced_orders, r.slipped_orders, r.arrival_mid, r.arrival_limit,
         r.execution_cost, r.slipped_arrival_notional, r.opportunity_cost, r.arrival_notional_orders, r.arrival_notional,
         r.fee_count, r.fees, r.spread_fills, r.spread_weighted, r.spread_notional
  FROM segments g
  CROSS JOIN LATERAL order_cohort_stats(g.seg_from, g.seg_to, p_bucket, p_symbol, p_strategy, p_side, v_dimension, p_execution) r
  WHERE g.source = 'orders' AND r.dimension = v_dimension AND (v_value IS NULL OR r.value = v_value);
END
$$;

-- The same parts' bins, and per (bucket, value, measure) the binned value at rank floor(q × (n − 1))
-- for q = 0.5, 0.95, 0.99, within 1 % of the value at that rank.
CREATE OR REPLACE FUNCTION order_cohort_percentiles(p_from timestamptz, p_to timestamptz, p_by text, p_symbol text, p_strategy text,
                                                    p_side text, p_bucket interval, p_measures text[])
RETURNS TABLE (bucket_start timestamptz, value text, measure text, n bigint, p50 double precision, p95 double precision, p99 double precision)
-- enable_sort off: the planner cannot count the unnested bins and would sort a month of them to merge them; hashing is faster.
LANGUAGE plpgsql STABLE PARALLEL SAFE SET jit = off SET plan_cache_mode = force_custom_plan SET enable_sort = off AS $$
#variable_conflict use_column
DECLARE
  v_from_orders boolean;
  v_dimension text;
  v_value text;
BEGIN
  SELECT p.from_orders, p.dimension, p.value INTO v_from_orders, v_dimension, v_value FROM order_cohort_plan(p_by, p_symbol, p_strategy, p_side) p;
  RETURN QUERY
  WITH segments AS MATERIALIZED (
    SELECT s.* FROM order_cohort_segments(p_from, p_to, p_bucket) s WHERE NOT v_from_orders
    UNION ALL
    SELECT 'orders', p_from, p_to WHERE v_from_orders
  ),
  parts AS (
    SELECT date_bin(p_bucket, b.bucket_start, TIMESTAMPTZ 'epoch') AS bucket, b.value, b.measure, u.bin, u.n
    FROM segments g
    CROSS JOIN LATERAL (
      SELECT * FROM order_cohort_bins b
      WHERE b.width = g.source AND b.dimension = v_dimension AND b.measure = ANY (p_measures)
        AND b.bucket_start >= g.seg_from AND b.bucket_start < g.seg_to AND (v_value IS NULL OR b.value = v_value)
    ) b
    CROSS JOIN LATERAL unnest(b.bins, b.counts) AS u(bin, n)
    WHERE g.source IN ('hour', 'day')
    UNION ALL
    SELECT r.bucket_start, r.value, r.measure, r.bin, r.n
    FROM segments g
    CROSS JOIN LATERAL order_cohort_bin_counts(g.seg_from, g.seg_to, p_bucket, p_symbol, p_strategy, p_side, v_dimension, p_measures) r
    WHERE g.source = 'orders' AND r.dimension = v_dimension AND r.measure = ANY (p_measures) AND (v_value IS NULL OR r.value = v_value)
  ),
  merged AS (
    SELECT p.bucket, p.value, p.measure, p.bin, sum(p.n)::bigint AS n FROM parts p GROUP BY 1, 2, 3, 4 HAVING sum(p.n) > 0
  ),
  ranked AS (
    SELECT m.*, sum(m.n) OVER w - m.n AS below, sum(m.n) OVER (PARTITION BY m.bucket, m.value, m.measure) AS total
    FROM merged m
    WINDOW w AS (PARTITION BY m.bucket, m.value, m.measure ORDER BY m.bin)
  )
  SELECT r.bucket, r.value, r.measure, r.total::bigint,
         max(signed_log_bin_value(r.bin)) FILTER (WHERE floor(0.5 * (r.total - 1)) >= r.below AND floor(0.5 * (r.total - 1)) < r.below + r.n),
         max(signed_log_bin_value(r.bin)) FILTER (WHERE floor(0.95 * (r.total - 1)) >= r.below AND floor(0.95 * (r.total - 1)) < r.below + r.n),
         max(signed_log_bin_value(r.bin)) FILTER (WHERE floor(0.99 * (r.total - 1)) >= r.below AND floor(0.99 * (r.total - 1)) < r.below + r.n)
  FROM ranked r
  GROUP BY r.bucket, r.value, r.measure, r.total;
END
$$;

-- trading_order_figures (0023) read from the parts. Same signature and rows; the percentiles are
-- now the binned value at rank floor(q × (n − 1)), within 1 % (they were interpolated exactly).
CREATE OR REPLACE FUNCTION trading_order_figures(
    p_from     timestamptz,
    p_to       timestamptz,
    p_by       text DEFAULT NULL,
    p_symbol   text DEFAULT NULL,
    p_strategy text DEFAULT NULL,
    p_side     text DEFAULT NULL,
    p_bucket   interval DEFAULT NULL,
    p_timings  boolean DEFAULT true
)
RETURNS TABLE (
    group_value                text,
    bucket_start               timestamptz,
    placed                     bigint,
    filled                     bigint,
    partially_filled           bigint,
    canceled                   bigint,
    rejected                   bigint,
    open                       bigint,
    ordered_quantity           double precision,
    filled_quantity            double precision,
    fill_rate                  double precision,
    quantity_fill_ratio        double precision,
    cancel_to_fill_ratio       double precision,
    time_to_first_fill_count   bigint,
    time_to_first_fill_p50_ms  double precision,
    time_to_first_fill_p95_ms  double precision,
    time_to_first_fill_p99_ms  double precision,
    time_to_fill_count         bigint,
    time_to_fill_p50_ms        double precision,
    time_to_fill_p95_ms        double precision,
    time_to_fill_p99_ms        double precision
)
LANGUAGE plpgsql STABLE SET jit = off AS $$
#variable_conflict use_column
BEGIN
    IF p_by IS NOT NULL AND p_by NOT IN ('symbol', 'strategy', 'side') THEN
        RAISE EXCEPTION 'trading_order_figures: p_by must be symbol, strategy, side or NULL, not %', p_by USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH grouped AS (
        SELECT CASE WHEN p_by IS NOT NULL THEN s.value END AS grp, date_bin(p_bucket, s.bucket_start, TIMESTAMPTZ 'epoch') AS bucket,
               sum(s.placed)::bigint AS placed, sum(s.filled)::bigint AS filled, sum(s.partially_filled)::bigint AS partially_filled,
               sum(s.canceled)::bigint AS canceled, sum(s.rejected)::bigint AS rejected, sum(s.open)::bigint AS open,
               sum(s.ordered_quantity) AS ordered_quantity, sum(s.filled_quantity) AS filled_quantity
        FROM order_cohort_parts(p_from, p_to, p_by, p_symbol, p_strategy, upper(p_side), p_bucket, false) s
        GROUP BY 1, 2
        HAVING sum(s.placed) > 0
    ),
    timings AS (
        SELECT CASE WHEN p_by IS NOT NULL THEN t.value END AS grp, t.bucket_start AS bucket, t.measure, t.n, t.p50, t.p95, t.p99
        FROM order_cohort_percentiles(p_from, p_to, p_by, p_symbol, p_strategy, upper(p_side), p_bucket, ARRAY['first_fill', 'fill']) t
        WHERE p_timings
    )
    SELECT g.grp, g.bucket, g.placed, g.filled, g.partially_filled, g.canceled, g.rejected, g.open,
           g.ordered_quantity, g.filled_quantity,
           100 * g.filled::double precision / g.placed,
           CASE WHEN g.ordered_quantity > 0 THEN 100 * g.filled_quantity / g.ordered_quantity END,
           CASE WHEN g.filled > 0 THEN g.canceled::double precision / g.filled END,
           coalesce(ff.n, 0), ff.p50, ff.p95, ff.p99,
           coalesce(fl.n, 0), fl.p50, fl.p95, fl.p99
    FROM grouped g
    LEFT JOIN timings ff ON ff.measure = 'first_fill' AND ff.grp IS NOT DISTINCT FROM g.grp AND ff.bucket IS NOT DISTINCT FROM g.bucket
    LEFT JOIN timings fl ON fl.measure = 'fill' AND fl.grp IS NOT DISTINCT FROM g.grp AND fl.bucket IS NOT DISTINCT FROM g.bucket
    ORDER BY g.bucket, g.grp;

    -- An empty cohort asked for whole still answers one row (a GROUP BY over no rows gives none).
    IF NOT FOUND AND p_by IS NULL AND p_bucket IS NULL THEN
        RETURN QUERY SELECT NULL::text, NULL::timestamptz, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint,
                            0::double precision, 0::double precision, NULL::double precision, NULL::double precision, NULL::double precision,
                            0::bigint, NULL::double precision, NULL::double precision, NULL::double precision,
                            0::bigint, NULL::double precision, NULL::double precision, NULL::double precision;
    END IF;
END
$$;

COMMENT ON FUNCTION trading_order_figures(timestamptz, timestamptz, text, text, text, text, interval, boolean) IS
    'Order lifecycle figures of the orders placed in [p_from, p_to): counts by status, fill_rate (filled/placed x 100), '
    'quantity_fill_ratio, cancel_to_fill_ratio (canceled/filled, NULL with none filled), p50/p95/p99 (within 1 %) '
    'of time to first fill and to full fill in ms; per p_by (symbol|strategy|side) and/or p_bucket. See docs/trading.md.';

-- trading_execution_figures (0026) read from the parts. Same signature and rows; the percentiles
-- are now the binned value at rank floor(q × (n − 1)), within 1 %.
CREATE OR REPLACE FUNCTION trading_execution_figures(p_from timestamptz, p_to timestamptz, p_by text DEFAULT NULL,
                                                     p_symbol text DEFAULT NULL, p_strategy text DEFAULT NULL)
RETURNS TABLE (
    group_value               text,
    orders_measured           bigint,
    arrival_mid               bigint,
    arrival_limit             bigint,
    slippage_count            bigint,
    slippage_p50              double precision,
    slippage_p95              double precision,
    slippage_p99              double precision,
    slippage_volume_weighted  double precision,
    spread_count              bigint,
    spread_p50                double precision,
    spread_p95                double precision,
    spread_p99                double precision,
    spread_volume_weighted    double precision,
    execution_cost            double precision,
    opportunity_cost          double precision,
    fees                      double precision,
    shortfall_cost            double precision,
    shortfall_bps             double precision,
    arrival_notional          double precision
)
LANGUAGE plpgsql STABLE SET jit = off AS $$
#variable_conflict use_column
BEGIN
  IF p_by IS NOT NULL AND p_by NOT IN ('symbol', 'strategy', 'side') THEN
    RAISE EXCEPTION 'trading_execution_figures: p_by must be symbol, strategy or side, not %', p_by USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
  WITH grouped AS (
    SELECT CASE WHEN p_by IS NOT NULL THEN s.value END AS grp,
           sum(s.placed) AS placed, sum(s.priced_orders) AS priced, sum(s.slipped_orders) AS slipped,
           sum(s.arrival_mid)::bigint AS arrival_mid, sum(s.arrival_limit)::bigint AS arrival_limit,
           sum(s.execution_cost) AS execution_cost, sum(s.slipped_arrival_notional) AS slipped_arrival_notional,
           sum(s.opportunity_cost) AS opportunity_cost, sum(s.arrival_notional_orders) AS arrival_notional_orders,
           sum(s.arrival_notional) AS arrival_notional, sum(s.fee_count) AS fee_count, sum(s.fees) AS fees,
           sum(s.spread_fills)::bigint AS spread_fills, sum(s.spread_weighted) AS spread_weighted, sum(s.spread_notional) AS spread_notional
    FROM order_cohort_parts(p_from, p_to, p_by, p_symbol, p_strategy, NULL, NULL, true) s
    GROUP BY 1
    HAVING sum(s.placed) > 0
  ),
  groups AS (
    SELECT g.* FROM grouped g WHERE p_by IS NOT NULL
    UNION ALL
    SELECT g.* FROM (SELECT NULL::text AS grp) n LEFT JOIN grouped g ON true WHERE p_by IS NULL
  ),
  pct AS (
    SELECT CASE WHEN p_by IS NOT NULL THEN t.value END AS grp, t.measure, t.p50, t.p95, t.p99
    FROM order_cohort_percentiles(p_from, p_to, p_by, p_symbol, p_strategy, NULL, NULL, ARRAY['slippage', 'spread']) t
  )
  SELECT g.grp, coalesce(g.slipped, 0)::bigint, coalesce(g.arrival_mid, 0), coalesce(g.arrival_limit, 0),
         coalesce(g.slipped, 0)::bigint, sl.p50, sl.p95, sl.p99,
         CASE WHEN g.slipped > 0 THEN g.execution_cost / nullif(g.slipped_arrival_notional, 0) * 1e4 END,
         coalesce(g.spread_fills, 0), sp.p50, sp.p95, sp.p99,
         CASE WHEN g.spread_fills > 0 THEN g.spread_weighted / nullif(g.spread_notional, 0) END,
         CASE WHEN g.priced > 0 THEN g.execution_cost END,
         CASE WHEN g.priced > 0 THEN g.opportunity_cost END,
         CASE WHEN g.fee_count > 0 THEN g.fees END,
         CASE WHEN g.priced > 0 THEN g.execution_cost + g.opportunity_cost + CASE WHEN g.fee_count > 0 THEN g.fees ELSE 0 END END,
         CASE WHEN g.priced > 0 AND g.arrival_notional_orders > 0
              THEN (g.execution_cost + g.opportunity_cost + CASE WHEN g.fee_count > 0 THEN g.fees ELSE 0 END) / nullif(g.arrival_notional, 0) * 1e4 END,
         CASE WHEN g.priced > 0 AND g.arrival_notional_orders > 0 THEN g.arrival_notional END
  FROM groups g
  LEFT JOIN pct sl ON sl.measure = 'slippage' AND sl.grp IS NOT DISTINCT FROM g.grp
  LEFT JOIN pct sp ON sp.measure = 'spread' AND sp.grp IS NOT DISTINCT FROM g.grp
  ORDER BY g.grp NULLS LAST;
END
$$;

COMMENT ON FUNCTION trading_execution_figures(timestamptz, timestamptz, text, text, text) IS
  'Slippage vs arrival, effective spread and implementation shortfall of the orders placed in [p_from, p_to); see docs/trading.md "Execution quality".';

-- Every hour with orders is summarised by the aggregator's next refreshes; until then it is read from its orders.
SELECT order_cohort_mark_hours(ARRAY(SELECT DISTINCT date_trunc('hour', placed_at, 'UTC') FROM order_analytics));
