-- Stored events the aggregator cannot fold: a measure out of range or not finite, or an event
-- that fails every cycle on its own (isolated after analytics.aggregation.isolate_after_failures
-- failed cycles). They stay in events; this table says which and why, so rollups fold on
-- without them and an operator can list them (GET /api/v1/aggregation/set-aside, `pnpm analytics
-- set-aside list`). Set aside in the same transaction that moves the cursor past them.
CREATE TABLE IF NOT EXISTS set_aside_events (
    event_id     uuid        NOT NULL,
    event_time   timestamptz NOT NULL,
    event_type   text        NOT NULL,
    reason       text        NOT NULL,
    detail       text        NOT NULL,
    set_aside_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, event_time)
);

CREATE INDEX IF NOT EXISTS set_aside_events_at_idx ON set_aside_events (set_aside_at, event_id);
