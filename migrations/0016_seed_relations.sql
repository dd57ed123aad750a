-- The relations of the reference schema (B25 001/002), so its documented SQL runs here:
-- metric_aggregations, user_behavior, strategy_performance, market_analytics and system_metrics.
-- order_analytics is a table of its own (0017), dashboard_metrics reads it (0020), and
-- cleanup_old_data() is the retention job (0018).
--
-- All of them are views: the rollups (metric_rollups, rollup_members) and the raw events stay
-- the one place each figure is stored, so a view can never disagree with the API. The figures
-- that come from rollups use the default rollup plan's names: the dimensions `symbol` and
-- `strategy`, the measures price, quantity, notional, latency_ms, realized_pnl, volume and
-- traded_value (config.example.yaml, analytics.aggregation).

-- ---------------------------------------------------------------------------------------------
-- metric_aggregations: every rollup row in the reference's shape, one row per metric, interval,
-- bucket and breakdown. time_bucket is the bucket's start; dimensions is '{}' for the overall
-- series and {"<dimension>": "<value>"} for a breakdown. A count-only metric (events.count.*,
-- users.active, sessions.active) has a count and nothing else.

-- The metrics the reference names under trading.*, derived from rollups. The one place to add
-- such a metric: replace this view (its columns stay), metric_aggregations follows.
CREATE VIEW trading_metric_aggregations AS
-- trading.total_volume: the fills' price x quantity (the notional measure of order.filled).
SELECT 'trading.total_volume'::text AS metric_name, r.interval, r.bucket_start AS time_bucket, r.count,
       r.sum, r.sum / nullif(r.count, 0) AS avg, r.min, r.max, r.p50, r.p95, r.p99,
       CASE WHEN r.dimension = '' THEN '{}'::jsonb ELSE jsonb_build_object(r.dimension, r.dimension_value) END AS dimensions
FROM metric_rollups r
WHERE r.metric_name = 'events.notional.order.filled';

COMMENT ON VIEW trading_metric_aggregations IS 'trading.* metrics in metric_aggregations'' shape, derived from rollups (trading.total_volume = notional of order.filled).';

CREATE VIEW metric_aggregations AS
SELECT r.metric_name, r.interval, r.bucket_start AS time_bucket, r.count,
       CASE WHEN counted.only THEN NULL ELSE r.sum END AS sum,
       CASE WHEN counted.only THEN NULL ELSE r.sum / nullif(r.count, 0) END AS avg,
       r.min, r.max, r.p50, r.p95, r.p99,
       CASE WHEN r.dimension = '' THEN '{}'::jsonb ELSE jsonb_build_object(r.dimension, r.dimension_value) END AS dimensions
FROM metric_rollups r
CROSS JOIN LATERAL (SELECT r.metric_name LIKE 'events.count.%' OR r.metric_name IN ('users.active', 'sessions.active') AS only) counted
UNION ALL
SELECT * FROM trading_metric_aggregations;

COMMENT ON VIEW metric_aggregations IS 'Rollups in the reference''s shape: metric_name, interval (1m 5m 15m 1h 1d), time_bucket (bucket start), count, sum, avg, min, max, p50, p95, p99, dimensions (''{}'' overall, {"dimension":"value"} per breakdown). Read-only.';
COMMENT ON COLUMN metric_aggregations.time_bucket IS 'Start of the bucket (UTC-aligned, interval wide).';
COMMENT ON COLUMN metric_aggregations.dimensions IS '''{}'' for the overall series; {"<dimension>": "<value>"} for one breakdown (symbol, strategy, side).';
COMMENT ON COLUMN metric_aggregations.sum IS 'Sum of the measure; null for count-only metrics (events.count.*, users.active, sessions.active).';
COMMENT ON COLUMN metric_aggregations.p50 IS 'Median from the bucket''s sketch (1% relative accuracy); p95 and p99 likewise.';

-- ---------------------------------------------------------------------------------------------
-- user_behavior: one row per session (user_id, session_id) over the retained raw events.
-- A filter on user_id or session_id reaches the events scan (events_user_time_idx); other
-- filters apply after every session is grouped.
CREATE VIEW user_behavior AS
SELECT e.user_id,
       e.session_id,
       min(e."timestamp") AS started_at,
       max(e."timestamp") AS ended_at,
       max(e."timestamp") - min(e."timestamp") AS duration,
       extract(epoch FROM max(e."timestamp") - min(e."timestamp"))::double precision AS duration_seconds,
       count(*) AS event_count,
       count(DISTINCT e.event_type) AS distinct_event_types,
       count(*) FILTER (WHERE e.event_type = 'page.view') AS page_views,
       count(*) FILTER (WHERE e.event_type = 'button.click') AS button_clicks,
       count(*) FILTER (WHERE e.event_type = 'order.placed') AS orders_placed,
       count(*) FILTER (WHERE e.event_type = 'order.filled') AS order_fills,
       min(e."timestamp") FILTER (WHERE e.event_type = 'order.placed') AS first_order_at,
       min(e."timestamp") FILTER (WHERE e.event_type = 'order.placed') - min(e."timestamp") AS time_to_first_order,
       (array_agg(e.event_type ORDER BY e."timestamp", e.id))[1] AS first_event_type,
       (array_agg(e.event_type ORDER BY e."timestamp" DESC, e.id DESC))[1] AS last_event_type
FROM events e
WHERE e.session_id IS NOT NULL
GROUP BY e.user_id, e.session_id;

COMMENT ON VIEW user_behavior IS 'Sessions from the retained raw events: one row per (user_id, session_id). Filter by user_id or session_id for speed.';
COMMENT ON COLUMN user_behavior.started_at IS 'Time of the session''s first event.';
COMMENT ON COLUMN user_behavior.ended_at IS 'Time of the session''s last event.';
COMMENT ON COLUMN user_behavior.duration IS 'ended_at - started_at (zero for a one-event session).';
COMMENT ON COLUMN user_behavior.first_order_at IS 'Time of the session''s first order.placed; null without one.';
COMMENT ON COLUMN user_behavior.time_to_first_order IS 'From the session''s first event to its first order.placed.';

-- ---------------------------------------------------------------------------------------------
-- strategy_performance: per strategy and UTC day, from the 1d rollups broken down by strategy
-- (the strategy_id property); kept as long as daily_aggregates.
CREATE VIEW strategy_performance AS
SELECT r.dimension_value AS strategy_id,
       r.bucket_start AS day,
       coalesce(sum(r.count) FILTER (WHERE r.metric_name = 'events.count.signal.generated'), 0)::bigint AS signals,
       coalesce(sum(r.count) FILTER (WHERE r.metric_name = 'events.count.order.placed'), 0)::bigint AS orders_placed,
       coalesce(sum(r.count) FILTER (WHERE r.metric_name = 'events.count.order.filled'), 0)::bigint AS fills,
       coalesce(sum(r.count) FILTER (WHERE r.metric_name = 'events.count.order.canceled'), 0)::bigint AS orders_canceled,
       coalesce(sum(r.count) FILTER (WHERE r.metric_name = 'events.count.order.rejected'), 0)::bigint AS orders_rejected,
       coalesce(sum(r.sum) FILTER (WHERE r.metric_name = 'events.quantity.order.filled'), 0) AS filled_quantity,
       coalesce(sum(r.sum) FILTER (WHERE r.metric_name = 'events.notional.order.filled'), 0) AS filled_notional,
       coalesce(sum(r.count) FILTER (WHERE r.metric_name = 'events.realized_pnl.position.closed'), 0)::bigint AS positions_closed,
       coalesce(sum(r.sum) FILTER (WHERE r.metric_name = 'events.realized_pnl.position.closed'), 0) AS realized_pnl,
       max(r.max) FILTER (WHERE r.metric_name = 'events.realized_pnl.position.closed') AS best_close_pnl,
       min(r.min) FILTER (WHERE r.metric_name = 'events.realized_pnl.position.closed') AS worst_close_pnl
FROM metric_rollups r
WHERE r.interval = '1d' AND r.dimension = 'strategy'
GROUP BY r.dimension_value, r.bucket_start;

COMMENT ON VIEW strategy_performance IS 'Per strategy_id and UTC day, from 1d rollups by strategy: signals, orders, fills, filled quantity and notional, closed positions and their realized PnL.';
COMMENT ON COLUMN strategy_performance.fills IS 'order.filled events (partial fills each count).';
COMMENT ON COLUMN strategy_performance.filled_notional IS 'Sum of price x quantity of the fills.';
COMMENT ON COLUMN strategy_performance.realized_pnl IS 'Sum of realized_pnl of position.closed.';

-- ---------------------------------------------------------------------------------------------
-- market_analytics: OHLCV candles per symbol and interval from market.data.update rollups,
-- the same candles as GET /api/v1/trading/ohlcv.
CREATE VIEW market_analytics AS
SELECT p.dimension_value AS symbol,
       p.interval,
       p.bucket_start AS time_bucket,
       p.first_value AS open,
       p.max AS high,
       p.min AS low,
       p.last_value AS close,
       coalesce(v.sum, 0) AS volume,
       CASE WHEN coalesce(v.sum, 0) > 0 THEN tv.sum / v.sum END AS vwap,
       p.count AS updates
FROM metric_rollups p
LEFT JOIN metric_rollups v ON v.metric_name = 'events.volume.market.data.update' AND v.interval = p.interval
     AND v.bucket_start = p.bucket_start AND v.dimension = p.dimension AND v.dimension_value = p.dimension_value
LEFT JOIN metric_rollups tv ON tv.metric_name = 'events.traded_value.market.data.update' AND tv.interval = p.interval
     AND tv.bucket_start = p.bucket_start AND tv.dimension = p.dimension AND tv.dimension_value = p.dimension_value
WHERE p.metric_name = 'events.price.market.data.update' AND p.dimension = 'symbol' AND p.count > 0;

COMMENT ON VIEW market_analytics IS 'OHLCV per symbol, interval and bucket from market.data.update: open/close = first/last price by event time, high/low, volume = sum of volume, vwap = sum(price x volume) / volume.';
COMMENT ON COLUMN market_analytics.updates IS 'market.data.update events in the bucket.';

-- ---------------------------------------------------------------------------------------------
-- system_metrics: the pipeline per minute of the last 24 hours, by when events were stored.
-- Only events partitions of the last 8 days are read (an event stored more than a week after
-- its own time shows in late_events only), so the view stays cheap on a large table.
CREATE VIEW system_metrics AS
WITH stored AS (
    SELECT date_trunc('minute', e.created_at) AS minute,
           count(*) AS events_stored,
           count(DISTINCT e.event_type) AS event_types,
           count(DISTINCT e.user_id) AS active_users,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.created_at - e."timestamp")) AS ingest_delay_p50_seconds,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM e.created_at - e."timestamp")) AS ingest_delay_p95_seconds
    FROM events e
    WHERE e."timestamp" >= now() - interval '8 days' AND e.created_at >= date_trunc('minute', now() - interval '24 hours')
    GROUP BY 1
), late AS (
    SELECT date_trunc('minute', l.recorded_at) AS minute, count(*) AS late_events
    FROM late_events l WHERE l.recorded_at >= date_trunc('minute', now() - interval '24 hours') GROUP BY 1
), set_aside AS (
    SELECT date_trunc('minute', s.set_aside_at) AS minute, count(*) AS events_set_aside
    FROM set_aside_events s WHERE s.set_aside_at >= date_trunc('minute', now() - interval '24 hours') GROUP BY 1
)
SELECT m.minute,
       coalesce(st.events_stored, 0) AS events_stored,
       coalesce(st.events_stored, 0) / 60.0 AS events_per_second,
       coalesce(st.event_types, 0) AS event_types,
       coalesce(st.active_users, 0) AS active_users,
       st.ingest_delay_p50_seconds,
       st.ingest_delay_p95_seconds,
       coalesce(l.late_events, 0) AS late_events,
       coalesce(sa.events_set_aside, 0) AS events_set_aside
FROM (SELECT minute FROM stored UNION SELECT minute FROM late UNION SELECT minute FROM set_aside) m
LEFT JOIN stored st USING (minute)
LEFT JOIN late l USING (minute)
LEFT JOIN set_aside sa USING (minute);

COMMENT ON VIEW system_metrics IS 'Per minute of the last 24 hours (minutes with activity): events stored, distinct types and users, ingest delay (stored - event time), late events recorded, events set aside.';
COMMENT ON COLUMN system_metrics.minute IS 'The minute the events were stored in (created_at), UTC.';
COMMENT ON COLUMN system_metrics.ingest_delay_p50_seconds IS 'Median of created_at - timestamp of the events stored in the minute.';
COMMENT ON COLUMN system_metrics.late_events IS 'Events the aggregator recorded as too late to fold (late_events) in the minute.';
COMMENT ON COLUMN system_metrics.events_set_aside IS 'Events set aside as unfoldable (set_aside_events) in the minute.';
