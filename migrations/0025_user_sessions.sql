-- User sessions, one row per (user_id, session_id) of the events that carry a session_id. The
-- aggregator merges each page of events into it in the same transaction that folds the rollups
-- and moves the cursor, from the same events (not set aside, stored within allowed_lateness), so
-- each stored event counts exactly once. Every merge is commutative (least, greatest, sum), so
-- duplicates never reach it and late or out-of-order events give the same row in any order.
--
-- session_figures() below is the one definition of the session figures (API, Grafana, psql).
--
-- user_behavior (0016) stays a view over the raw events: its distinct_event_types is a count of
-- distinct values, which no sum/least/greatest merge keeps, and it covers every retained event
-- with a session_id, also those stored too late to fold and those set aside, which this table
-- leaves out by design. Re-pointed here, the view would change its answers.
CREATE TABLE IF NOT EXISTS user_sessions (
    -- NULL for the events of the session that carry no user_id (a row of its own, as in user_behavior).
    user_id         text,
    session_id      text             NOT NULL,
    -- Earliest and latest event time of the session.
    started_at      timestamptz      NOT NULL,
    ended_at        timestamptz      NOT NULL,
    event_count     integer          NOT NULL,
    -- Earliest login (user.login, or NexusCore's user_login) and latest user.logout.
    login_at        timestamptz,
    logout_at       timestamptz,
    -- Earliest order.placed.
    first_order_at  timestamptz,
    orders_placed   integer          NOT NULL DEFAULT 0,
    order_fills     integer          NOT NULL DEFAULT 0,
    page_views      integer          NOT NULL DEFAULT 0,
    button_clicks   integer          NOT NULL DEFAULT 0,
    duration_seconds double precision GENERATED ALWAYS AS (extract(epoch FROM ended_at - started_at)::double precision) STORED,
    updated_at      timestamptz      NOT NULL DEFAULT now()
) WITH (fillfactor = 80); -- a live session's row is rewritten every cycle: room for HOT updates

-- The merge's conflict target: expressions, so events without a user_id have a key too (apart from user_id '').
CREATE UNIQUE INDEX IF NOT EXISTS user_sessions_key_idx ON user_sessions (session_id, (coalesce(user_id, '')), (user_id IS NULL));
-- Sessions started in a range (session_figures); retention deletes by started_at too.
CREATE INDEX IF NOT EXISTS user_sessions_started_idx ON user_sessions (started_at);

COMMENT ON TABLE user_sessions IS 'One row per (user_id, session_id) of the folded events (exactly once, with the rollups). See docs/trading.md, Sessions.';
COMMENT ON COLUMN user_sessions.login_at IS 'Earliest user.login or user_login of the session; null without one.';
COMMENT ON COLUMN user_sessions.logout_at IS 'Latest user.logout of the session; null without one.';
COMMENT ON COLUMN user_sessions.first_order_at IS 'Earliest order.placed of the session; null without one.';

-- Sessions already folded before this migration: the events below the cursor that the
-- aggregator folded (neither set aside nor recorded as late). The cursor row stays locked until
-- commit, so no cycle folds events in between; times at millisecond precision, as the fold has them.
WITH cursor AS (
    SELECT next_xid FROM aggregation_cursors WHERE name = 'rollups' FOR UPDATE
), folded AS (
    SELECT e.user_id, e.session_id, e.event_type, date_trunc('milliseconds', e."timestamp") AS t
    FROM events e, cursor c
    WHERE e.session_id IS NOT NULL AND e.write_xid < c.next_xid
      AND NOT EXISTS (SELECT 1 FROM set_aside_events s WHERE s.event_id = e.id AND s.event_time = e."timestamp")
      AND NOT EXISTS (SELECT 1 FROM late_events l WHERE l.event_id = e.id)
)
INSERT INTO user_sessions (user_id, session_id, started_at, ended_at, event_count, login_at, logout_at, first_order_at,
                           orders_placed, order_fills, page_views, button_clicks)
SELECT user_id, session_id, min(t), max(t), count(*),
       min(t) FILTER (WHERE event_type IN ('user.login', 'user_login')),
       max(t) FILTER (WHERE event_type = 'user.logout'),
       min(t) FILTER (WHERE event_type = 'order.placed'),
       count(*) FILTER (WHERE event_type = 'order.placed'),
       count(*) FILTER (WHERE event_type = 'order.filled'),
       count(*) FILTER (WHERE event_type = 'page.view'),
       count(*) FILTER (WHERE event_type = 'button.click')
FROM folded
GROUP BY user_id, session_id
ON CONFLICT DO NOTHING;

-- The session figures of the sessions STARTED in [p_from, p_to): how many, by how many users,
-- their duration (ended_at - started_at) and events, and the time from login to first order.
-- Percentiles are exact (percentile_cont, linear interpolation); every figure is NULL without
-- sessions. login_to_first_order counts the sessions with a login and an order.placed at or
-- after it (an order before the login says nothing about the time to order).
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
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT count(*),
           count(DISTINCT s.user_id),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY s.duration_seconds),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY s.duration_seconds),
           avg(s.event_count)::double precision,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY s.event_count),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY s.event_count),
           count(*) FILTER (WHERE s.first_order_at >= s.login_at),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.first_order_at - s.login_at)::double precision)
               FILTER (WHERE s.first_order_at >= s.login_at),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM s.first_order_at - s.login_at)::double precision)
               FILTER (WHERE s.first_order_at >= s.login_at)
    FROM user_sessions s
    WHERE s.started_at >= p_from AND s.started_at < p_to
$$;

COMMENT ON FUNCTION session_figures(timestamptz, timestamptz) IS 'Sessions started in [p_from, p_to): count, distinct users, duration p50/p95 (s), events per session avg/p50/p95, login to first order count/p50/p95 (s). Exact percentiles (percentile_cont).';
