-- Order lifecycle, one row per order_id (the seed's order_analytics table): placed -> fills ->
-- filled, canceled or rejected. The aggregator merges each page of events into it in the same
-- transaction that folds the rollups and moves the cursor, so every stored order event counts
-- exactly once. Every merge is commutative (least, greatest, sum, and the attributes of the
-- least (source_rank, source_time, source_event_id)), so duplicates never reach it and late or
-- out-of-order events (a fill before its placed event) give the same row in any order.
--
-- trading.order_fill_rate is computed from here: orders PLACED in a range (placed_at), the share
-- of them whose status is filled, at most 100 %. See docs/trading.md.
CREATE TABLE IF NOT EXISTS order_analytics (
    order_id         text             PRIMARY KEY,
    symbol           text,
    side             text,
    strategy_id      text,
    order_type       text,
    -- Earliest order.placed of the order; NULL until one is folded (such orders are in no cohort).
    placed_at        timestamptz,
    limit_price      double precision,
    -- Ordered quantity (order.placed quantity).
    quantity         double precision,
    filled_quantity  double precision NOT NULL DEFAULT 0,
    -- Sum of price * quantity of the fills; the VWAP is fill_notional / filled_quantity.
    fill_notional    double precision NOT NULL DEFAULT 0,
    fill_count       integer          NOT NULL DEFAULT 0,
    first_fill_at    timestamptz,
    last_fill_at     timestamptz,
    -- Earliest fill that says no quantity is left (is_partial = false).
    final_fill_at    timestamptz,
    canceled_at      timestamptz,
    rejected_at      timestamptz,
    first_event_at   timestamptz      NOT NULL,
    last_event_at    timestamptz      NOT NULL,
    -- The event the descriptive columns come from: the earliest order.placed (rank 0), else the
    -- earliest event of the order; ties broken by event id.
    source_rank      smallint         NOT NULL,
    source_time      timestamptz      NOT NULL,
    source_event_id  uuid             NOT NULL,
    avg_fill_price   double precision GENERATED ALWAYS AS (fill_notional / NULLIF(filled_quantity, 0)) STORED,
    -- Fully filled: the first fill that said so, else the last fill once the fills reached the
    -- ordered quantity (within rounding).
    filled_at        timestamptz      GENERATED ALWAYS AS (COALESCE(
                         final_fill_at,
                         CASE WHEN quantity > 0 AND filled_quantity >= quantity * (1 - 1e-9) THEN last_fill_at END)) STORED,
    -- Precedence: a fully filled order is filled whatever else was said; then rejected, canceled
    -- (also after a partial fill), partially filled, open.
    status           text             GENERATED ALWAYS AS (CASE
                         WHEN final_fill_at IS NOT NULL OR (quantity > 0 AND fill_count > 0 AND filled_quantity >= quantity * (1 - 1e-9)) THEN 'filled'
                         WHEN rejected_at IS NOT NULL THEN 'rejected'
                         WHEN canceled_at IS NOT NULL THEN 'canceled'
                         WHEN fill_count > 0 THEN 'partially_filled'
                         ELSE 'open' END) STORED,
    updated_at       timestamptz      NOT NULL DEFAULT now()
);

-- Cohorts by placement time (fill rate, the dashboard); the status rides along for index-only counts.
CREATE INDEX IF NOT EXISTS order_analytics_placed_idx ON order_analytics (placed_at, status) WHERE placed_at IS NOT NULL;
-- Retention deletes by the order's first event when it was never placed.
CREATE INDEX IF NOT EXISTS order_analytics_first_event_idx ON order_analytics (first_event_at);

-- trading.order_fill_rate in the seed's metric_aggregations shape, per interval the aggregator
-- keeps: count = orders placed in the bucket, sum = those fully filled, avg = the fill rate in
-- percent (sum / count * 100); min and max are that same percentage, percentiles NULL.
CREATE OR REPLACE VIEW order_fill_rate_aggregations AS
SELECT 'trading.order_fill_rate'::text AS metric_name,
       i.interval,
       date_bin(i.width, o.placed_at, TIMESTAMPTZ 'epoch') AS time_bucket,
       count(*)::bigint AS count,
       count(*) FILTER (WHERE o.status = 'filled')::double precision AS sum,
       (100.0 * count(*) FILTER (WHERE o.status = 'filled') / count(*))::double precision AS avg,
       (100.0 * count(*) FILTER (WHERE o.status = 'filled') / count(*))::double precision AS min,
       (100.0 * count(*) FILTER (WHERE o.status = 'filled') / count(*))::double precision AS max,
       NULL::double precision AS p50,
       NULL::double precision AS p95,
       NULL::double precision AS p99,
       '{}'::jsonb AS dimensions
FROM order_analytics o
CROSS JOIN (VALUES ('1m', INTERVAL '1 minute'), ('5m', INTERVAL '5 minutes'), ('15m', INTERVAL '15 minutes'),
                   ('30m', INTERVAL '30 minutes'), ('1h', INTERVAL '1 hour'), ('4h', INTERVAL '4 hours'),
                   ('1d', INTERVAL '1 day')) AS i(interval, width)
WHERE o.placed_at IS NOT NULL
GROUP BY i.interval, 3;

-- metric_aggregations (migration 0016) gains the fill rate rows. Its definition is taken as it
-- stands and its columns are matched by name (each cast to the view's type, NULL where the fill
-- rate has no such column), so this holds whatever 0016 gave it. A database without the view
-- (0016 not applied) is left as it is.
DO $$
DECLARE
    current_definition text;
    fill_rate_columns text;
BEGIN
    IF to_regclass('metric_aggregations') IS NULL OR
       (SELECT relkind FROM pg_class WHERE oid = to_regclass('metric_aggregations')) <> 'v' THEN
        RETURN;
    END IF;
    current_definition := rtrim(pg_get_viewdef('metric_aggregations'::regclass), E'; \n');
    IF current_definition LIKE '%order_fill_rate_aggregations%' THEN
        RETURN;
    END IF;
    SELECT string_agg(
               CASE WHEN f.attname IS NULL THEN format('NULL::%s AS %I', format_type(v.atttypid, v.atttypmod), v.attname)
                    ELSE format('%I::%s AS %I', v.attname, format_type(v.atttypid, v.atttypmod), v.attname) END,
               ', ' ORDER BY v.attnum)
      INTO fill_rate_columns
      FROM pg_attribute v
      LEFT JOIN pg_attribute f ON f.attrelid = 'order_fill_rate_aggregations'::regclass AND f.attname = v.attname AND f.attnum > 0
     WHERE v.attrelid = 'metric_aggregations'::regclass AND v.attnum > 0 AND NOT v.attisdropped;
    EXECUTE format(
        'CREATE OR REPLACE VIEW metric_aggregations AS SELECT * FROM (%s) AS rollup_rows UNION ALL SELECT %s FROM order_fill_rate_aggregations',
        current_definition, fill_rate_columns);
END;
$$;
