-- User-defined event types with their JSON Schema. Every change is a new version; exactly one
-- version per name may be active, and that is the one ingest validates against.
--
-- Citus: a small, read-mostly table: a reference table (create_reference_table), replicated
-- to every node so validation never crosses the network.
CREATE TABLE IF NOT EXISTS custom_event_definitions (
    name         text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$' AND length(name) <= 128),
    version      integer     NOT NULL CHECK (version >= 1),
    display_name text,
    description  text,
    schema       jsonb       NOT NULL,
    is_active    boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version)
);

CREATE UNIQUE INDEX IF NOT EXISTS custom_event_definitions_one_active_idx
    ON custom_event_definitions (name) WHERE is_active;
