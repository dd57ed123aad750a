-- What the aggregator keeps besides the rollup values.

-- Open and close of a bucket (OHLC): its earliest and latest observation, ties broken by
-- event id, so merging buckets in any order gives the same answer.
ALTER TABLE metric_rollups
    ADD COLUMN IF NOT EXISTS first_time     timestamptz,
    ADD COLUMN IF NOT EXISTS first_event_id uuid,
    ADD COLUMN IF NOT EXISTS first_value    double precision,
    ADD COLUMN IF NOT EXISTS last_time      timestamptz,
    ADD COLUMN IF NOT EXISTS last_event_id  uuid,
    ADD COLUMN IF NOT EXISTS last_value     double precision;

-- How far the aggregator has folded the events table: every event with write_xid below
-- next_xid is in the rollups. Moved in the same transaction as the rollups it covers, and
-- locked by that transaction, so replicas take turns and a crash rolls back both together.
CREATE TABLE IF NOT EXISTS aggregation_cursors (
    name          text        PRIMARY KEY,
    next_xid      xid8        NOT NULL DEFAULT '0',
    events_folded bigint      NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
INSERT INTO aggregation_cursors (name) VALUES ('rollups') ON CONFLICT DO NOTHING;

-- Distinct members (user ids, session ids) per bucket, so active users and sessions are exact
-- at every interval: a member counts in a bucket once however many events it sends.
--
-- Citus: distribute by metric_name.
CREATE TABLE IF NOT EXISTS rollup_members (
    metric_name  text        NOT NULL,
    interval     text        NOT NULL,
    bucket_start timestamptz NOT NULL,
    member       text        NOT NULL,
    PRIMARY KEY (metric_name, interval, bucket_start, member)
);

-- Events stored later than analytics.aggregation.allowed_lateness after their own time: not
-- folded (their buckets may be past retention or already reported), but never dropped silently:
-- listed here for an operator (and counted in analytics_late_events_total).
CREATE TABLE IF NOT EXISTS late_events (
    event_id    uuid        PRIMARY KEY,
    event_type  text        NOT NULL,
    event_time  timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
