-- Raw events, one row per accepted event, partitioned by day of event time.
--
-- Citus: distribute by event_id (create_distributed_table('events', 'event_id')). The primary
-- key contains it, as Citus requires of every unique key; user_id would co-locate better with
-- sessions, but then (event_id, event_time) could not stay unique across shards.
--
-- Uniqueness: a partitioned table's unique keys must contain the partition key, so the key is
-- (event_id, event_time). A re-delivered message carries the same id and the same event time
-- (the ingester never falls back to "now" for a Kafka message's time), so it conflicts here.
CREATE TABLE IF NOT EXISTS events (
    event_id         uuid        NOT NULL,
    event_type       text        NOT NULL,
    event_time       timestamptz NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    user_id          text,
    session_id       text,
    properties       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    source_topic     text,
    source_partition integer,
    source_offset    bigint,
    PRIMARY KEY (event_id, event_time)
) PARTITION BY RANGE (event_time);

-- The two access paths of the API: by type over a time range, by user over a time range.
CREATE INDEX IF NOT EXISTS events_type_time_idx ON events (event_type, event_time);
CREATE INDEX IF NOT EXISTS events_user_time_idx ON events (user_id, event_time) WHERE user_id IS NOT NULL;

-- Creates the daily partition holding `day` if it is missing. Safe under concurrency: two
-- replicas creating the same partition would otherwise race on the catalog.
CREATE OR REPLACE FUNCTION ensure_events_partition(day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    partition_name text := format('events_%s', to_char(day, 'YYYYMMDD'));
BEGIN
    IF to_regclass(partition_name) IS NOT NULL THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('ensure_events_partition'));
    -- Re-check with a fresh snapshot: to_regclass reads the relation cache, which an advisory
    -- lock does not refresh, so it can miss a partition another session just committed.
    IF EXISTS (SELECT 1 FROM pg_class WHERE relname = partition_name AND relnamespace = current_schema()::regnamespace) THEN
        RETURN false;
    END IF;
    EXECUTE format(
        'CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
        partition_name,
        (day::timestamp AT TIME ZONE 'UTC'),
        ((day + 1)::timestamp AT TIME ZONE 'UTC')
    );
    RETURN true;
END;
$$;

-- Creates every daily partition from `from_day` to `to_day` inclusive; returns how many were new.
CREATE OR REPLACE FUNCTION ensure_events_partitions(from_day date, to_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    created integer := 0;
    d date := from_day;
BEGIN
    WHILE d <= to_day LOOP
        IF ensure_events_partition(d) THEN
            created := created + 1;
        END IF;
        d := d + 1;
    END LOOP;
    RETURN created;
END;
$$;

-- Yesterday (late events, clock skew) through a week ahead; the ingester keeps extending this.
SELECT ensure_events_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);
