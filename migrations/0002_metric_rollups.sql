-- Pre-computed rollups per metric, interval and time bucket, overall ('' dimension) and per
-- dimension value (symbol, strategy, user). Late events update the bucket they belong to, so
-- rows are upserted on the primary key.
--
-- Citus: distribute by metric_name (part of the primary key), co-locating one metric's series.
CREATE TABLE IF NOT EXISTS metric_rollups (
    metric_name     text             NOT NULL,
    interval        text             NOT NULL CHECK (interval IN ('1m', '5m', '15m', '1h', '1d')),
    bucket_start    timestamptz      NOT NULL,
    dimension       text             NOT NULL DEFAULT '',
    dimension_value text             NOT NULL DEFAULT '',
    count           bigint           NOT NULL DEFAULT 0,
    sum             double precision NOT NULL DEFAULT 0,
    min             double precision,
    max             double precision,
    p50             double precision,
    p95             double precision,
    p99             double precision,
    -- Serialized mergeable quantile sketch, so coarser buckets and late events merge exactly.
    sketch          bytea,
    updated_at      timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (metric_name, interval, bucket_start, dimension, dimension_value)
);

CREATE INDEX IF NOT EXISTS metric_rollups_interval_bucket_idx ON metric_rollups (interval, bucket_start);
