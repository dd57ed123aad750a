-- One id contract: an event id is stored once for as long as its raw events are retained,
-- whatever its timestamp. Daily event_ids partitions (0009) were unique per UTC day only, so
-- one id sent with times on two days was stored twice. event_ids is one table again, unique on
-- event_id alone; retention deletes the ids older than the oldest events partition it keeps,
-- in small batches (RetentionRepository.deleteIdsBefore), instead of dropping id partitions.
--
-- Every id of every day is kept. Where the old layout let one id through on two days, the
-- earliest copy keeps its id row; both events rows stay as they were stored.

-- Writers wait until this commits: an id stored during the copy would otherwise be lost with the
-- old table while its events row stays.
LOCK TABLE event_ids IN SHARE MODE;

CREATE TABLE event_ids_retained (
    event_id   uuid        NOT NULL,
    event_time timestamptz NOT NULL
);

INSERT INTO event_ids_retained (event_id, event_time)
SELECT DISTINCT ON (event_id) event_id, event_time FROM event_ids ORDER BY event_id, event_time;

DROP TABLE event_ids; -- its daily partitions go with it
ALTER TABLE event_ids_retained RENAME TO event_ids;
ALTER TABLE event_ids ADD CONSTRAINT event_ids_pkey PRIMARY KEY (event_id);
-- Retention finds old ids by time; ids arrive roughly in time order, so BRIN is enough and costs
-- the write path next to nothing.
CREATE INDEX event_ids_time_brin ON event_ids USING brin (event_time);

-- Partitions of events only from now on.
CREATE OR REPLACE FUNCTION ensure_events_partition(day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    events_name text := format('events_%s', to_char(day, 'YYYYMMDD'));
    lower_bound timestamptz := day::timestamp AT TIME ZONE 'UTC';
    upper_bound timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
    IF to_regclass(events_name) IS NOT NULL THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('ensure_events_partition'));
    -- Re-check in pg_class: to_regclass reads the relation cache, which an advisory lock does
    -- not refresh, so it can miss a partition another session just committed.
    IF EXISTS (SELECT 1 FROM pg_class WHERE relname = events_name AND relnamespace = current_schema()::regnamespace) THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', events_name, lower_bound, upper_bound);
    RETURN true;
END;
$$;

-- A random namespace for the ids derived from Kafka positions (messages without event_id), one
-- per deployment: with a namespace fixed in public source, any writer could claim those ids ahead.
CREATE TABLE deployment_settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO deployment_settings (name, value) VALUES ('derived_event_id_namespace', gen_random_uuid()::text)
ON CONFLICT (name) DO NOTHING;
