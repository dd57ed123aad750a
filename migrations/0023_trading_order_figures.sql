-- Order lifecycle figures, one implementation: trading_order_figures() over the cohort of orders
-- PLACED in [p_from, p_to) (order_analytics, 0017). GET /api/v1/trading/orders, /trading/fill-rate,
-- the trading.order_fill_rate series, strategy fill rates and Grafana all read it, so they cannot
-- disagree. Definitions: docs/trading.md, "Order lifecycle figures".

-- A day's cohort read from the index alone (once vacuum marks the pages all-visible): the placement
-- time as key and every column the figures read riding along. It replaces (placed_at, status).
CREATE INDEX IF NOT EXISTS order_analytics_cohort_idx ON order_analytics (placed_at)
    INCLUDE (status, symbol, strategy_id, side, quantity, filled_quantity, first_fill_at, filled_at)
    WHERE placed_at IS NOT NULL;
DROP INDEX IF EXISTS order_analytics_placed_idx;

-- One row per group when p_by ('symbol', 'strategy' or 'side', sides upper-cased as execution's figures do) or p_bucket is given (orders
-- without that attribute form the group NULL), else one row with group_value NULL, also for an
-- empty cohort. p_symbol/p_strategy/p_side narrow the cohort first. p_timings false skips the
-- percentiles (NULL, counts 0): the fill-rate series over a month need only the counts.
CREATE FUNCTION trading_order_figures(
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
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
    IF p_by IS NOT NULL AND p_by NOT IN ('symbol', 'strategy', 'side') THEN
        RAISE EXCEPTION 'trading_order_figures: p_by must be symbol, strategy, side or NULL, not %', p_by USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH cohort AS (
        SELECT CASE p_by WHEN 'symbol' THEN o.symbol WHEN 'strategy' THEN o.strategy_id WHEN 'side' THEN upper(o.side) END AS grp,
               CASE WHEN p_bucket IS NOT NULL THEN date_bin(p_bucket, o.placed_at, TIMESTAMPTZ 'epoch') END AS bucket,
               o.status, o.quantity, o.filled_quantity,
               -- True values, negative when a venue's fill time precedes the placement (clock skew): clamping would hide it.
               -- date_part is float8 (extract's numeric triples the cost); scaled first, whole milliseconds stay exact.
               date_part('epoch', (o.first_fill_at - o.placed_at) * 1000) AS first_fill_ms,
               date_part('epoch', (o.filled_at - o.placed_at) * 1000) AS fill_ms
        FROM order_analytics o
        WHERE o.placed_at >= p_from AND o.placed_at < p_to
          AND (p_symbol IS NULL OR o.symbol = p_symbol)
          AND (p_strategy IS NULL OR o.strategy_id = p_strategy)
          AND (p_side IS NULL OR upper(o.side) = upper(p_side))
    ), grouped AS (
        SELECT c.grp, c.bucket,
               count(*) AS placed,
               count(*) FILTER (WHERE c.status = 'filled') AS filled,
               count(*) FILTER (WHERE c.status = 'partially_filled') AS partially_filled,
               count(*) FILTER (WHERE c.status = 'canceled') AS canceled,
               count(*) FILTER (WHERE c.status = 'rejected') AS rejected,
               count(*) FILTER (WHERE c.status = 'open') AS open,
               -- Orders without an ordered quantity are in no quantity figure; a fill beyond it counts up to it.
               coalesce(sum(c.quantity) FILTER (WHERE c.quantity > 0), 0)::double precision AS ordered_quantity,
               coalesce(sum(least(c.filled_quantity, c.quantity)) FILTER (WHERE c.quantity > 0), 0)::double precision AS filled_quantity,
               count(c.first_fill_ms) FILTER (WHERE p_timings) AS first_fill_count,
               percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY c.first_fill_ms)
                   FILTER (WHERE p_timings AND c.first_fill_ms IS NOT NULL) AS first_fill_p,
               count(c.fill_ms) FILTER (WHERE p_timings) AS fill_count,
               percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY c.fill_ms)
                   FILTER (WHERE p_timings AND c.fill_ms IS NOT NULL) AS fill_p
        FROM cohort c
        GROUP BY c.grp, c.bucket
    )
    SELECT g.grp, g.bucket, g.placed, g.filled, g.partially_filled, g.canceled, g.rejected, g.open,
           g.ordered_quantity, g.filled_quantity,
           100 * g.filled::double precision / g.placed,
           CASE WHEN g.ordered_quantity > 0 THEN 100 * g.filled_quantity / g.ordered_quantity END,
           CASE WHEN g.filled > 0 THEN g.canceled::double precision / g.filled END,
           g.first_fill_count, g.first_fill_p[1], g.first_fill_p[2], g.first_fill_p[3],
           g.fill_count, g.fill_p[1], g.fill_p[2], g.fill_p[3]
    FROM grouped g
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
    'quantity_fill_ratio, cancel_to_fill_ratio (canceled/filled, NULL with none filled), exact (percentile_cont) p50/p95/p99 '
    'of time to first fill and to full fill in ms; per p_by (symbol|strategy|side) and/or p_bucket. See docs/trading.md.';
