-- Event identity, unique on event_id alone. The partitioned events table can only be unique
-- on (event_id, event_time), which lets the same id through twice when its two copies carry
-- different times (a producer re-sending without a timestamp gets two Kafka times). The
-- ingester writes event_ids and events in one transaction, so an id is stored once, ever.
--
-- Citus: distribute by event_id, co-located with events (also distributed by event_id).
CREATE TABLE IF NOT EXISTS event_ids (
    event_id   uuid        PRIMARY KEY,
    event_time timestamptz NOT NULL
);

-- Retention deletes ids by time; rows arrive roughly in time order, so BRIN is enough.
CREATE INDEX IF NOT EXISTS event_ids_time_brin ON event_ids USING brin (event_time);

INSERT INTO event_ids (event_id, event_time)
SELECT DISTINCT ON (event_id) event_id, event_time FROM events ORDER BY event_id, event_time
ON CONFLICT DO NOTHING;

-- event_ids now guards uniqueness; the composite key would only cost a third index.
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_pkey;
