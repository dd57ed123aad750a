-- NexusCore's envelope names the service that emitted an event; it is kept here, NULL for
-- producers that name none. Adding a nullable column without a default rewrites nothing.
ALTER TABLE events ADD COLUMN IF NOT EXISTS service text;

-- NexusCore's idx_events_service, partial: rows without a service (every event of a producer
-- that names none) add no index entry, so the ingest path does not pay for it.
CREATE INDEX IF NOT EXISTS idx_events_service ON events (service, "timestamp") WHERE service IS NOT NULL;
