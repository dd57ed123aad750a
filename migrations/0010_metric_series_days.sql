-- Long fine-grained series, stored a second time in the shape they are read in.
--
-- "30 days of 1m buckets" is 43,200 rollup rows. Reading them and encoding each as JSON costs
-- PostgreSQL 150-360 ms on two cores, however they are indexed. A day of one series at one
-- interval is written once and read many times once the day is over, so the aggregator keeps,
-- per series and UTC day, that day's points as the JSON text GET /api/v1/metrics serves
-- (array elements, without the brackets). A month is then 30 rows.
--
-- A row is a copy of the day's rollup rows, valid only while they are unchanged:
--   * the aggregator writes a day's rows only for days over for a while (settled), each day
--     under its own advisory lock, taken exclusively;
--   * any later write to a rollup row of such a day (a late event, a rebuild) takes the same
--     lock, shared, and deletes the series' row for that day in the same transaction;
--   * readers use the rows that exist and read every other day from metric_rollups.
-- So a reader sees either the copy of the committed rollups or none at all.
CREATE TABLE IF NOT EXISTS metric_series_days (
    metric_name     text        NOT NULL,
    interval        text        NOT NULL CHECK (interval IN ('1m', '5m')),
    dimension       text        NOT NULL,
    dimension_value text        NOT NULL,
    day             date        NOT NULL,
    -- The day's points in bucket order, each the JSON object the API serves, joined by ', '.
    points          text        NOT NULL,
    point_count     integer     NOT NULL,
    compacted_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (metric_name, interval, dimension, dimension_value, day)
);

-- lz4 decompresses several times faster than the default pglz; the texts are read far more
-- often than written.
ALTER TABLE metric_series_days ALTER COLUMN points SET COMPRESSION lz4;

-- Retention deletes by day (one row per series and day: small next to the rollups).
CREATE INDEX IF NOT EXISTS metric_series_days_day_idx ON metric_series_days (day);
