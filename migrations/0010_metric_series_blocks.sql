-- Long fine-grained series, stored a second time in the shape they are read in.
--
-- "30 days of 1m buckets" is 43,200 rollup rows. Reading them and encoding each as JSON costs
-- PostgreSQL 60-360 ms on two cores, however they are indexed. An hour or a day of one series
-- at one interval is written once and read many times once it is over, so the aggregator
-- keeps, per series, each settled block of time (a UTC day, or an hour of the days not yet
-- settled) as the JSON text GET /api/v1/metrics serves (the array's elements, without the
-- brackets). A month is then 30 day rows and a few hour rows.
--
-- A row is a copy of its block's rollup rows, valid only while they are unchanged:
--   * the aggregator writes rows under their UTC day's advisory lock, taken exclusively;
--   * any later write to a rollup row inside a block (a late event, a rebuild) takes the same
--     lock, shared, and deletes the blocks it changes in the same transaction;
--   * readers use the rows that exist and read everything else from metric_rollups.
-- So a reader sees either the copy of the committed rollups or none at all.
CREATE TABLE IF NOT EXISTS metric_series_blocks (
    metric_name     text        NOT NULL,
    interval        text        NOT NULL CHECK (interval IN ('1m', '5m')),
    dimension       text        NOT NULL,
    dimension_value text        NOT NULL,
    block_start     timestamptz NOT NULL,
    -- 24: a UTC day; 1: an hour (kept until its day's row is written).
    block_hours     smallint    NOT NULL CHECK (block_hours IN (1, 24)),
    -- The block's points in bucket order, each the JSON object the API serves, joined by ', '.
    points          text        NOT NULL,
    point_count     integer     NOT NULL,
    compacted_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (metric_name, interval, dimension, dimension_value, block_start, block_hours)
);

-- lz4 decompresses several times faster than the default pglz; the texts are read far more
-- often than written.
ALTER TABLE metric_series_blocks ALTER COLUMN points SET COMPRESSION lz4;

-- Retention and rebuilds delete by time.
CREATE INDEX IF NOT EXISTS metric_series_blocks_start_idx ON metric_series_blocks (block_start);
