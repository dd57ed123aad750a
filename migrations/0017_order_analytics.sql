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

-- metric_aggregations (migration 0016) takes its trading.* rows from trading_metric_aggregations:
-- the fill rate joins trading.total_volume there (its definition as 0016 gave it).
CREATE OR REPLACE VIEW trading_metric_aggregations AS
SELECT 'trading.total_volume'::text AS metric_name, r.interval, r.bucket_start AS time_bucket, r.count,
       r.sum, r.sum / nullif(r.count, 0) AS avg, r.min, r.max, r.p50, r.p95, r.p99,
       CASE WHEN r.dimension = '' THEN '{}'::jsonb ELSE jsonb_build_object(r.dimension, r.dimension_value) END AS dimensions
FROM metric_rollups r
WHERE r.metric_name = 'events.notional.order.filled'
UNION ALL
SELECT * FROM order_fill_rate_aggregations;
