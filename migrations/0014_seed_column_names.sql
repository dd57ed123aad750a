-- events takes the column names of the reference schema (B25 001, NexusCore 004), so the SQL
-- that teams already run against it works here unchanged:
--
--   event_id    -> id
--   event_time  -> "timestamp"   (a keyword in SQL: our own statements always quote it)
--   received_at -> created_at
--
-- Renames only change the catalog: no row is rewritten, every partition follows its parent, and
-- the indexes, the partition key and write_xid stay as they are. Other tables (event_ids,
-- late_events, set_aside_events) keep their event_id / event_time columns.
--
-- Uniqueness: the reference declares PRIMARY KEY (id, "timestamp"). Here event_ids is unique on
-- the id alone (stronger), and 0005 dropped the composite key as a third index on every write.
--
-- Breaking for the previous release, which names the old columns: stop the ingesters,
-- aggregators and query-apis before migrating (docs/operations.md, "0014").

-- The reference's GIN index on properties, for containment queries
-- (properties @> '{"symbol":"BTCUSD"}'). jsonb_path_ops indexes only what @> (and the jsonpath
-- operators) need, so it is about a third smaller and cheaper to write than the default
-- jsonb_ops; key-existence (?) queries are not indexed by it. Built before the renames, so
-- readers wait only for the renames' instant, not for the build. A partition that already has
-- an equal index (built beforehand with CREATE INDEX CONCURRENTLY) is attached, not rebuilt.
CREATE INDEX IF NOT EXISTS events_properties_gin_idx ON events USING gin (properties jsonb_path_ops);

ALTER TABLE events RENAME COLUMN event_id TO id;
ALTER TABLE events RENAME COLUMN event_time TO "timestamp";
ALTER TABLE events RENAME COLUMN received_at TO created_at;

COMMENT ON COLUMN events.id IS 'The event''s id (unique across retained events, see event_ids).';
COMMENT ON COLUMN events."timestamp" IS 'When the event happened (the producer''s time, else the Kafka message''s); the partition key.';
COMMENT ON COLUMN events.created_at IS 'When the ingester stored the event.';
