-- Retention by whole partitions (analytics.retention). Dropping a partition frees its space at
-- once and leaves no dead rows behind; a DELETE of a day of events would rewrite every index
-- page it touches and leave the table to VACUUM. So every table that grows with time is split
-- by time, and each data kind by its own retention:
--
--   events, event_ids        RANGE (event_time): one partition per UTC day     raw_events
--   metric_rollups,          LIST (interval) into kinds, each RANGE (bucket_start):
--   rollup_members             _minute  1m, 5m, 15m   one partition per UTC month   minute_aggregates
--                              _hour    1h            one partition per UTC month   hour_aggregates
--                              _day     1d            one partition per UTC year    daily_aggregates
--                              _default (per kind)    rows no partition covers yet
--   late_events              one small table; rows deleted in small batches
--
-- A partition goes once its upper bound is older than its kind's retention: data is kept at
-- least as long as configured, and at most one partition (a day, a month, a year) longer.
--
-- events and event_ids have no DEFAULT partition: the ingester creates each day before writing
-- to it, and without a DEFAULT a partition can be detached CONCURRENTLY, never blocking readers.
-- The rollup kinds have one: the aggregator writes any bucket a late event lands in, and must
-- never fail for a month nobody created; dropping next to a DEFAULT takes a brief exclusive lock.
--
-- This migration rewrites metric_rollups, rollup_members and event_ids into their new layout
-- in one transaction: it holds them locked for as long as copying their rows takes.

-- ---------------------------------------------------------------------------------------------
-- event_ids: daily partitions beside the events partitions, created and dropped with them.
--
-- A partitioned table can only be unique on keys containing its partition key, so the parent
-- has no key; each daily partition has its own primary key on event_id. A re-delivered message
-- (same id, same time) still conflicts. A producer re-send carrying another time conflicts when
-- both times fall on the same UTC day, which is nearly always (a retry is seconds later); two
-- copies on either side of midnight are both stored. Once a day's partition is dropped (after
-- raw_events), an id of that day sent again is stored again, as a new event of a past day: the
-- aggregator records it in late_events rather than folding it (it arrives long after its time),
-- and the next retention run drops the re-created partition.
ALTER TABLE event_ids RENAME TO event_ids_unpartitioned;
ALTER INDEX event_ids_pkey RENAME TO event_ids_unpartitioned_pkey;
DROP INDEX IF EXISTS event_ids_time_brin;

CREATE TABLE event_ids (
    event_id   uuid        NOT NULL,
    event_time timestamptz NOT NULL
) PARTITION BY RANGE (event_time);

-- The daily partitions of events and event_ids holding `day`, each created if missing; true
-- when either was new. Safe under concurrency (replicas of the ingester call it).
CREATE OR REPLACE FUNCTION ensure_events_partition(day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    events_name text := format('events_%s', to_char(day, 'YYYYMMDD'));
    ids_name    text := format('event_ids_%s', to_char(day, 'YYYYMMDD'));
    lower_bound timestamptz := day::timestamp AT TIME ZONE 'UTC';
    upper_bound timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
    created     boolean := false;
BEGIN
    IF to_regclass(events_name) IS NOT NULL AND to_regclass(ids_name) IS NOT NULL THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('ensure_events_partition'));
    -- Re-check in pg_class: to_regclass reads the relation cache, which an advisory lock does
    -- not refresh, so it can miss a partition another session just committed.
    -- event_ids before events: the order the ingester writes them in. Creating a partition
    -- locks its parent exclusively, and the same order on both sides leaves no lock cycle.
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = ids_name AND relnamespace = current_schema()::regnamespace) THEN
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF event_ids (PRIMARY KEY (event_id)) FOR VALUES FROM (%L) TO (%L)',
            ids_name, lower_bound, upper_bound
        );
        created := true;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = events_name AND relnamespace = current_schema()::regnamespace) THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', events_name, lower_bound, upper_bound);
        created := true;
    END IF;
    RETURN created;
END;
$$;

-- Every day that has ids or an events partition (the ingester remembers the days it created,
-- so each existing events partition needs its event_ids twin before the ingester writes again).
SELECT ensure_events_partition(day)
FROM (
    SELECT DISTINCT (event_time AT TIME ZONE 'UTC')::date AS day FROM event_ids_unpartitioned
    UNION
    SELECT ((regexp_match(pg_get_expr(c.relpartbound, c.oid), '^FOR VALUES FROM \(''([^'']+)''\)'))[1]::timestamptz AT TIME ZONE 'UTC')::date
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'events'::regclass
) AS days
WHERE day IS NOT NULL
ORDER BY day;

INSERT INTO event_ids (event_id, event_time) SELECT event_id, event_time FROM event_ids_unpartitioned;
DROP TABLE event_ids_unpartitioned;

-- ---------------------------------------------------------------------------------------------
-- metric_rollups and rollup_members: by retention kind, then by month (year for 1d).
ALTER TABLE metric_rollups RENAME TO metric_rollups_unpartitioned;
ALTER INDEX metric_rollups_pkey RENAME TO metric_rollups_unpartitioned_pkey;
ALTER INDEX metric_rollups_interval_bucket_idx RENAME TO metric_rollups_unpartitioned_interval_bucket_idx;
ALTER TABLE rollup_members RENAME TO rollup_members_unpartitioned;
ALTER INDEX rollup_members_pkey RENAME TO rollup_members_unpartitioned_pkey;

-- The columns in the order of 0002 + 0007, so `LIKE metric_rollups` (the aggregator's staging
-- table) and column-less inserts see what they saw before. The primary key holds both partition
-- keys, so the aggregator's ON CONFLICT upsert works unchanged.
CREATE TABLE metric_rollups (
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
    sketch          bytea,
    updated_at      timestamptz      NOT NULL DEFAULT now(),
    first_time      timestamptz,
    first_event_id  uuid,
    first_value     double precision,
    last_time       timestamptz,
    last_event_id   uuid,
    last_value      double precision,
    PRIMARY KEY (metric_name, interval, bucket_start, dimension, dimension_value)
) PARTITION BY LIST (interval);

CREATE TABLE rollup_members (
    metric_name  text        NOT NULL,
    interval     text        NOT NULL,
    bucket_start timestamptz NOT NULL,
    member       text        NOT NULL,
    PRIMARY KEY (metric_name, interval, bucket_start, member)
) PARTITION BY LIST (interval);

CREATE TABLE metric_rollups_minute PARTITION OF metric_rollups FOR VALUES IN ('1m', '5m', '15m') PARTITION BY RANGE (bucket_start);
CREATE TABLE metric_rollups_hour   PARTITION OF metric_rollups FOR VALUES IN ('1h') PARTITION BY RANGE (bucket_start);
CREATE TABLE metric_rollups_day    PARTITION OF metric_rollups FOR VALUES IN ('1d') PARTITION BY RANGE (bucket_start);
CREATE TABLE rollup_members_minute PARTITION OF rollup_members FOR VALUES IN ('1m', '5m', '15m') PARTITION BY RANGE (bucket_start);
CREATE TABLE rollup_members_hour   PARTITION OF rollup_members FOR VALUES IN ('1h') PARTITION BY RANGE (bucket_start);
CREATE TABLE rollup_members_day    PARTITION OF rollup_members FOR VALUES IN ('1d') PARTITION BY RANGE (bucket_start);

-- Safety nets: a bucket whose month has no partition yet (the retention job creates them
-- months ahead; a late event folds up to allowed_lateness back) lands here instead of failing
-- the aggregator's upsert. Normally empty: creating a partition moves its rows out of here.
-- A partitioned table takes no storage parameters, so each partition carries 0008's fillfactor.
CREATE TABLE metric_rollups_minute_default PARTITION OF metric_rollups_minute DEFAULT WITH (fillfactor = 70);
CREATE TABLE metric_rollups_hour_default   PARTITION OF metric_rollups_hour DEFAULT WITH (fillfactor = 70);
CREATE TABLE metric_rollups_day_default    PARTITION OF metric_rollups_day DEFAULT WITH (fillfactor = 70);
CREATE TABLE rollup_members_minute_default PARTITION OF rollup_members_minute DEFAULT;
CREATE TABLE rollup_members_hour_default   PARTITION OF rollup_members_hour DEFAULT;
CREATE TABLE rollup_members_day_default    PARTITION OF rollup_members_day DEFAULT;

CREATE INDEX metric_rollups_interval_bucket_idx ON metric_rollups (interval, bucket_start);

-- The partition of `kind_table` (e.g. metric_rollups_minute) holding `at`: one UTC `width`
-- ('month' or 'year') of bucket_start, named <kind_table>_YYYY_MM or <kind_table>_YYYY. Built
-- beside the table and attached, so the aggregator's writes to other partitions never wait;
-- rows of its range already in the kind's DEFAULT partition move into it first.
CREATE OR REPLACE FUNCTION ensure_rollup_partition(kind_table text, width text, fill_factor integer, at timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    lower_utc      timestamp := date_trunc(width, at AT TIME ZONE 'UTC');
    -- Month arithmetic on timestamp (not timestamptz), so the session's time zone plays no part.
    upper_utc      timestamp := lower_utc + make_interval(years => (width = 'year')::int, months => (width = 'month')::int);
    lower_bound    timestamptz := lower_utc AT TIME ZONE 'UTC';
    upper_bound    timestamptz := upper_utc AT TIME ZONE 'UTC';
    partition_name text := kind_table || '_' || to_char(lower_utc, CASE width WHEN 'year' THEN 'YYYY' ELSE 'YYYY_MM' END);
    default_name   text := kind_table || '_default';
    columns        text;
BEGIN
    IF width NOT IN ('month', 'year') THEN
        RAISE EXCEPTION 'ensure_rollup_partition: width must be month or year, not %', width;
    END IF;
    IF to_regclass(partition_name) IS NOT NULL THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('ensure_rollup_partition'));
    IF EXISTS (SELECT 1 FROM pg_class WHERE relname = partition_name AND relnamespace = current_schema()::regnamespace) THEN
        RETURN false;
    END IF;
    -- ATTACH takes this lock anyway; taking it first means no lock upgrade (and no deadlock
    -- with a writer) after the DELETE below.
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', default_name);
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = %s)', partition_name, kind_table, fill_factor);
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO columns
    FROM pg_attribute WHERE attrelid = partition_name::regclass AND attnum > 0 AND NOT attisdropped;
    EXECUTE format(
        'WITH moved AS (DELETE FROM %I WHERE bucket_start >= %L AND bucket_start < %L RETURNING %s) INSERT INTO %I (%s) SELECT %s FROM moved',
        default_name, lower_bound, upper_bound, columns, partition_name, columns, columns
    );
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', kind_table, partition_name, lower_bound, upper_bound);
    RETURN true;
END;
$$;

-- The range-partitioned kinds: which intervals each holds, how wide its partitions are, and
-- their fillfactor (0008: rollup rows are rewritten in place; members are only inserted).
CREATE OR REPLACE FUNCTION rollup_partition_kinds() RETURNS TABLE (kind_table text, intervals text[], width text, fill_factor integer)
LANGUAGE sql IMMUTABLE AS $$
    VALUES ('metric_rollups_minute', ARRAY['1m', '5m', '15m'], 'month', 70),
           ('metric_rollups_hour',   ARRAY['1h'],              'month', 70),
           ('metric_rollups_day',    ARRAY['1d'],              'year',  70),
           ('rollup_members_minute', ARRAY['1m', '5m', '15m'], 'month', 100),
           ('rollup_members_hour',   ARRAY['1h'],              'month', 100),
           ('rollup_members_day',    ARRAY['1d'],              'year',  100)
$$;

-- The rollup partitions wanted for [from_time, to_time]: every one overlapping it, and one for
-- each month (year) that has rows in a DEFAULT partition, whether they exist yet or not. The
-- retention job creates the missing ones one per transaction (ensure_rollup_partition), so it
-- never holds two DEFAULT partitions' locks at once.
CREATE OR REPLACE FUNCTION rollup_partitions_wanted(from_time timestamptz, to_time timestamptz)
RETURNS TABLE (kind_table text, width text, fill_factor integer, bucket_start timestamptz, partition_name text)
LANGUAGE plpgsql AS $$
DECLARE
    kind   record;
    starts timestamp[];
    strays timestamp[];
BEGIN
    FOR kind IN SELECT * FROM rollup_partition_kinds() LOOP
        SELECT array_agg(s) INTO starts FROM generate_series(
            date_trunc(kind.width, from_time AT TIME ZONE 'UTC'),
            to_time AT TIME ZONE 'UTC',
            make_interval(years => (kind.width = 'year')::int, months => (kind.width = 'month')::int)
        ) AS s;
        EXECUTE format('SELECT array_agg(DISTINCT date_trunc(%L, bucket_start AT TIME ZONE ''UTC'')) FROM %I', kind.width, kind.kind_table || '_default')
            INTO strays;
        RETURN QUERY
        SELECT DISTINCT kind.kind_table, kind.width, kind.fill_factor, start AT TIME ZONE 'UTC',
               kind.kind_table || '_' || to_char(start, CASE kind.width WHEN 'year' THEN 'YYYY' ELSE 'YYYY_MM' END)
        FROM unnest(coalesce(starts, '{}') || coalesce(strays, '{}')) AS start
        ORDER BY 4;
    END LOOP;
END;
$$;

-- Creates every wanted rollup partition that is missing; returns how many were new.
CREATE OR REPLACE FUNCTION ensure_rollup_partitions(from_time timestamptz, to_time timestamptz) RETURNS integer
LANGUAGE sql AS $$
    SELECT count(*)::integer FROM rollup_partitions_wanted(from_time, to_time) AS w
    WHERE ensure_rollup_partition(w.kind_table, w.width, w.fill_factor, w.bucket_start)
$$;

-- A partition for each month (year) that has rows, and from yesterday (late events) to a month
-- ahead: the retention job keeps extending this, and the defaults catch anything it misses.
SELECT ensure_rollup_partition(k.kind_table, k.width, k.fill_factor, stored.bucket)
FROM rollup_partition_kinds() AS k
CROSS JOIN LATERAL (
    SELECT DISTINCT date_trunc(k.width, bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket
    FROM metric_rollups_unpartitioned WHERE k.kind_table LIKE 'metric\_rollups\_%' AND interval = ANY (k.intervals)
    UNION
    SELECT DISTINCT date_trunc(k.width, bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
    FROM rollup_members_unpartitioned WHERE k.kind_table LIKE 'rollup\_members\_%' AND interval = ANY (k.intervals)
) AS stored;
SELECT ensure_rollup_partitions(now() - interval '1 day', now() + interval '1 month');

INSERT INTO metric_rollups (
    metric_name, interval, bucket_start, dimension, dimension_value, count, sum, min, max, p50, p95, p99, sketch, updated_at,
    first_time, first_event_id, first_value, last_time, last_event_id, last_value
)
SELECT metric_name, interval, bucket_start, dimension, dimension_value, count, sum, min, max, p50, p95, p99, sketch, updated_at,
       first_time, first_event_id, first_value, last_time, last_event_id, last_value
FROM metric_rollups_unpartitioned;
INSERT INTO rollup_members (metric_name, interval, bucket_start, member)
SELECT metric_name, interval, bucket_start, member FROM rollup_members_unpartitioned;
DROP TABLE metric_rollups_unpartitioned;
DROP TABLE rollup_members_unpartitioned;

-- ---------------------------------------------------------------------------------------------
-- late_events stays one small table (a row per event stored too late to fold); retention
-- deletes rows recorded longer ago than raw_events, a bounded batch at a time, by this index.
CREATE INDEX IF NOT EXISTS late_events_recorded_at_idx ON late_events (recorded_at);
