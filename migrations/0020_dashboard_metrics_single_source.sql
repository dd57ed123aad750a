-- The dashboard's figures have one implementation, dashboard_metrics_at(): the API and the
-- aggregator's publisher (DashboardMetricsReader) read it, and so does the dashboard_metrics view,
-- so the three can never disagree. Order figures are per order (order_analytics, 0017): the
-- orders placed today, of them those fully filled and those rejected. custom_metrics counts each
-- active custom event type's events of the window, as the reference's dashboard answer carries.

CREATE FUNCTION dashboard_metrics_at(as_of timestamptz, bucket_interval text, window_length integer)
RETURNS TABLE (
    active_users      bigint,
    events_per_second double precision,
    orders_placed     bigint,
    orders_filled     bigint,
    order_fill_rate   double precision,
    active_strategies bigint,
    total_volume      double precision,
    average_latency   double precision,
    error_rate        double precision,
    custom_metrics    jsonb,
    window_minutes    integer,
    last_updated      timestamptz
)
LANGUAGE sql STABLE AS $$
    WITH bounds AS (
        SELECT date_bin(w.width, as_of - make_interval(mins => window_length), 'epoch') AS window_start,
               date_bin(interval '1 day', as_of, 'epoch') AS day_start
        FROM (SELECT CASE bucket_interval WHEN '1m' THEN interval '1 minute' WHEN '5m' THEN interval '5 minutes'
                                 WHEN '15m' THEN interval '15 minutes' WHEN '1h' THEN interval '1 hour' ELSE interval '1 day' END AS width) w
    ), today AS (
        SELECT coalesce(sum(r.sum) FILTER (WHERE r.metric_name = 'events.notional.order.filled'), 0) AS notional,
               coalesce(sum(r.count) FILTER (WHERE r.metric_name = 'events.latency_ms.order.filled'), 0) AS latency_count,
               coalesce(sum(r.sum) FILTER (WHERE r.metric_name = 'events.latency_ms.order.filled'), 0) AS latency_sum
        FROM metric_rollups r, bounds b
        WHERE r.interval = bucket_interval AND r.dimension = '' AND r.bucket_start >= b.day_start AND r.bucket_start < b.day_start + interval '1 day'
          AND r.metric_name IN ('events.notional.order.filled', 'events.latency_ms.order.filled')
    ), orders AS (
        SELECT count(*) AS placed,
               count(*) FILTER (WHERE o.status = 'filled') AS filled,
               count(*) FILTER (WHERE o.status = 'rejected') AS rejected
        FROM order_analytics o, bounds b
        WHERE o.placed_at >= b.day_start AND o.placed_at < b.day_start + interval '1 day'
    ), custom AS (
        SELECT d.name, sum(r.count) AS events
        FROM custom_event_definitions d
        JOIN metric_rollups r ON r.metric_name = 'events.count.' || d.name
        CROSS JOIN bounds b
        WHERE d.is_active AND r.interval = bucket_interval AND r.dimension = '' AND r.bucket_start >= b.window_start
        GROUP BY d.name
    )
    SELECT
        (SELECT count(DISTINCT m.member) FROM rollup_members m, bounds b
          WHERE m.metric_name = 'users.active' AND m.interval = bucket_interval AND m.bucket_start >= b.window_start),
        (SELECT coalesce(sum(r.count), 0) FROM metric_rollups r, bounds b
          WHERE r.interval = bucket_interval AND r.dimension = '' AND r.metric_name LIKE 'events.count.%' AND r.bucket_start >= b.window_start)::double precision
          / greatest(1, extract(epoch FROM as_of - (SELECT window_start FROM bounds)))::double precision,
        orders.placed,
        orders.filled,
        CASE WHEN orders.placed = 0 THEN NULL ELSE 100.0 * orders.filled / orders.placed END::double precision,
        (SELECT count(DISTINCT r.dimension_value) FROM metric_rollups r, bounds b
          WHERE r.interval = bucket_interval AND r.dimension = 'strategy' AND r.bucket_start >= b.window_start
            AND r.metric_name IN ('events.count.order.placed', 'events.count.signal.generated')),
        today.notional,
        -- 0, not null, when there is nothing to average: the reference's dashboard has numbers there.
        CASE WHEN today.latency_count = 0 THEN 0 ELSE today.latency_sum / today.latency_count END,
        CASE WHEN orders.placed = 0 THEN 0 ELSE orders.rejected::double precision / orders.placed END,
        coalesce((SELECT jsonb_object_agg(c.name, c.events ORDER BY c.name) FROM custom c), '{}'::jsonb),
        window_length,
        -- Every event stored before this is in the figures: the first event at the cursor.
        least(as_of, (SELECT e.created_at FROM events e
                   WHERE e.write_xid >= (SELECT next_xid FROM aggregation_cursors WHERE name = 'rollups')
                   ORDER BY e.write_xid LIMIT 1))
    FROM today, orders
$$;

CREATE VIEW dashboard_metrics AS
SELECT d.* FROM dashboard_metrics_at(
    now(),
    coalesce((SELECT u.i FROM unnest(ARRAY['1m', '5m', '15m', '1h', '1d']) WITH ORDINALITY AS u(i, n)
              WHERE EXISTS (SELECT 1 FROM metric_rollups r WHERE r.interval = u.i AND r.bucket_start >= now() - interval '1 day')
              ORDER BY u.n LIMIT 1), '1m'),
    5
) d;

COMMENT ON VIEW dashboard_metrics IS 'The figures of GET /api/v1/dashboard/metrics (dashboard_metrics_at, their one implementation), current when read (a plain view: no refresh needed).';
COMMENT ON COLUMN dashboard_metrics.active_users IS 'Distinct users with an event in the last window_minutes (from the start of the bucket holding now - window).';
COMMENT ON COLUMN dashboard_metrics.events_per_second IS 'Events per second over the same window.';
COMMENT ON COLUMN dashboard_metrics.orders_placed IS 'Orders placed today (UTC), one per order_id.';
COMMENT ON COLUMN dashboard_metrics.orders_filled IS 'Of the orders placed today, those fully filled (never more than orders_placed).';
COMMENT ON COLUMN dashboard_metrics.order_fill_rate IS 'orders_filled / orders_placed x 100; null with nothing placed.';
COMMENT ON COLUMN dashboard_metrics.active_strategies IS 'Strategies that placed an order or generated a signal in the window.';
COMMENT ON COLUMN dashboard_metrics.total_volume IS 'Filled notional today (sum of price x quantity of order.filled).';
COMMENT ON COLUMN dashboard_metrics.average_latency IS 'Mean latency_ms of today''s fills; 0 without fills carrying it.';
COMMENT ON COLUMN dashboard_metrics.error_rate IS 'Of the orders placed today, the share rejected (0..1); 0 with nothing placed.';
COMMENT ON COLUMN dashboard_metrics.custom_metrics IS 'Events of each active custom event type in the window, {} when none.';
COMMENT ON COLUMN dashboard_metrics.last_updated IS 'Every event stored before this is in the figures (now, unless aggregation lags).';
