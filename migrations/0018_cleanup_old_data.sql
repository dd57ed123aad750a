-- Retention as one SQL job: `SELECT cleanup_old_data();` (the reference's manual trigger, B25 001)
-- runs the same work as the aggregators' scheduled job and `pnpm retention run`, which call it.
--
-- The policy lives in retention_settings (one row). The apps write it from their configuration
-- (analytics.retention, analytics.ingestion.partitions_ahead_days, allowed_lateness) when they
-- start, so a psql caller uses the deployment's policy; until then it holds the config defaults.
--
-- What one call does, under the advisory lock the TypeScript job takes (7204119006), so two
-- runners never work at once (a second one reports "skipped"):
--   1. deletes rows that outlive the data they describe, at most max_rows per call:
--      event_ids and set_aside_events of the dropped days, late_events recorded before the
--      raw_events cutoff, order_analytics rows of orders placed before it, and series blocks
--      (0010) of expired rollups;
--   2. creates partitions ahead (events days, rollup months), each on its own;
--   3. drops every expired partition, each on its own: one that fails (a lock it cannot get
--      within drop_lock_timeout) is reported and the others still go.
-- Rows first: creating and dropping take exclusive locks held until the call commits, so they
-- come last and the writers wait for them only an instant. A call that ran out of max_rows
-- answers "more": true and keeps the events days whose ids it has not finished (they go on the
-- next call), so no call runs long and holds back the cluster's xmin (VACUUM, the aggregator's tail).

CREATE TABLE IF NOT EXISTS retention_settings (
    -- One row: the key can only be true.
    id                    boolean     PRIMARY KEY DEFAULT true CHECK (id),
    raw_events            interval    NOT NULL DEFAULT '90 days',
    minute_aggregates     interval    NOT NULL DEFAULT '365 days',
    hour_aggregates       interval    NOT NULL DEFAULT '730 days',
    daily_aggregates      interval    NOT NULL DEFAULT '3650 days',
    -- Events partitions kept ready this many days ahead.
    partitions_ahead_days integer     NOT NULL DEFAULT 7 CHECK (partitions_ahead_days BETWEEN 1 AND 90),
    -- Rollup partitions kept ready this far ahead: a job stopped for weeks still leaves the
    -- aggregator a partition to write to.
    rollups_ahead         interval    NOT NULL DEFAULT '92 days',
    -- How far back the aggregator still folds: rollup partitions exist from there.
    allowed_lateness      interval    NOT NULL DEFAULT '24 hours',
    -- Rows per DELETE statement.
    batch_size            integer     NOT NULL DEFAULT 10000 CHECK (batch_size > 0),
    -- Rows one call deletes at most when its caller gives no max_rows.
    max_rows_per_call     bigint      NOT NULL DEFAULT 1000000 CHECK (max_rows_per_call > 0),
    -- How long one DROP (or partition creation) waits for its table's lock before it is left
    -- for the next run: a DROP queued behind a long reader would queue every writer behind it.
    drop_lock_timeout     interval    NOT NULL DEFAULT '3 seconds',
    updated_at            timestamptz NOT NULL DEFAULT now(),
    updated_by            text        NOT NULL DEFAULT 'migration 0018'
);
INSERT INTO retention_settings DEFAULT VALUES ON CONFLICT (id) DO NOTHING;

COMMENT ON TABLE retention_settings IS
    'The retention policy cleanup_old_data() applies; written from the configuration by the aggregators and the retention CLI when they start.';

-- An interval as exact seconds: '90 days' is 90 * 24 hours whatever the session's time zone
-- (calendar arithmetic on timestamptz would move by an hour across a DST change).
CREATE OR REPLACE FUNCTION retention_exact(keeps interval) RETURNS interval
LANGUAGE sql IMMUTABLE AS $$
    SELECT make_interval(secs => extract(epoch FROM keeps))
$$;

-- Per data kind: how long it is kept and the cutoff at `at` (rows older than it go).
CREATE OR REPLACE FUNCTION retention_cutoffs(at timestamptz DEFAULT now())
RETURNS TABLE (kind text, keeps interval, cutoff timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT k.kind, k.keeps, at - retention_exact(k.keeps)
    FROM retention_settings s
    CROSS JOIN LATERAL (VALUES ('raw_events', s.raw_events), ('minute_aggregates', s.minute_aggregates),
                               ('hour_aggregates', s.hour_aggregates), ('daily_aggregates', s.daily_aggregates)) AS k(kind, keeps)
$$;

-- The values of a list bound, "FOR VALUES IN ('1m', '5m', '15m')" -> {1m,5m,15m}; NULL for any
-- other bound or a malformed list.
CREATE OR REPLACE FUNCTION retention_list_values(bound text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
    list text := substring(bound FROM '^\s*FOR VALUES IN \((.*)\)\s*$');
BEGIN
    IF list IS NULL OR list !~ $re$^\s*'(?:[^']|'')*'\s*(?:,\s*'(?:[^']|'')*'\s*)*$$re$ THEN
        RETURN NULL;
    END IF;
    RETURN ARRAY(
        SELECT replace(m[1], '''''', '''')
        FROM regexp_matches(list, $re$'((?:[^']|'')*)'$re$, 'g') WITH ORDINALITY AS t(m, ord)
        ORDER BY ord
    );
END;
$fn$;

-- The kind whose retention governs a partition of `table_name` under a parent bound (rollups:
-- the interval list of its kind table). A list that mixes kinds is kept as long as its
-- longest-lived kind (keep, not lose); an unknown interval or table gives NULL (never dropped).
CREATE OR REPLACE FUNCTION retention_kind(table_name text, parent_bound text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    intervals text[];
    kinds     text[];
BEGIN
    IF table_name = 'events' THEN
        RETURN 'raw_events';
    END IF;
    IF table_name NOT IN ('metric_rollups', 'rollup_members') OR parent_bound IS NULL THEN
        RETURN NULL;
    END IF;
    intervals := retention_list_values(parent_bound);
    IF intervals IS NULL OR cardinality(intervals) = 0 THEN
        RETURN NULL;
    END IF;
    kinds := ARRAY(
        SELECT CASE i WHEN '1m' THEN 'minute_aggregates' WHEN '5m' THEN 'minute_aggregates' WHEN '15m' THEN 'minute_aggregates'
                      WHEN '1h' THEN 'hour_aggregates' WHEN '1d' THEN 'daily_aggregates' END
        FROM unnest(intervals) AS i
    );
    IF array_position(kinds, NULL) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT c.kind FROM retention_cutoffs() c WHERE c.kind = ANY (kinds) ORDER BY c.keeps DESC, c.kind LIMIT 1);
END;
$$;

-- Every leaf partition of the tables retention manages, with its UTC range (the bound is printed
-- and cast back in the same session, so its TimeZone cancels out).
CREATE OR REPLACE FUNCTION retention_partitions()
RETURNS TABLE (table_name text, partition_name text, parent text, parent_bound text, range_from timestamptz, range_to timestamptz,
               is_default boolean, parent_has_default boolean, detach_pending boolean, bytes bigint)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE tree AS (
        SELECT c.oid AS relid, c.relname::text AS root
        FROM pg_class c
        WHERE c.relkind = 'p' AND c.relnamespace = current_schema()::regnamespace
          AND c.relname IN ('events', 'metric_rollups', 'rollup_members')
        UNION ALL
        SELECT i.inhrelid, t.root FROM pg_inherits i JOIN tree t ON i.inhparent = t.relid
    )
    SELECT t.root, c.relname::text, p.relname::text,
           CASE WHEN p.relispartition THEN pg_get_expr(p.relpartbound, p.oid) END,
           bound.m[1]::timestamptz, bound.m[2]::timestamptz,
           pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT',
           pp.partdefid <> 0,
           i.inhdetachpending,
           pg_total_relation_size(c.oid)
    FROM tree t
    JOIN pg_class c ON c.oid = t.relid AND c.relkind = 'r'
    JOIN pg_inherits i ON i.inhrelid = c.oid
    JOIN pg_class p ON p.oid = i.inhparent
    JOIN pg_partitioned_table pp ON pp.partrelid = p.oid
    LEFT JOIN LATERAL (
        SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), '^FOR VALUES FROM \(''([^'']+)''\) TO \(''([^'']+)''\)$') AS m
    ) bound ON true
    ORDER BY t.root, bound.m[1]::timestamptz NULLS FIRST, c.relname
$$;

-- The plan at `at`: every partition with its kind and status. expired: its upper bound is at or
-- before its kind's cutoff (every row is past retention); kept; default (never dropped);
-- unclassified (kind unknown: never dropped). method: detach_concurrently where no DEFAULT sits
-- beside it (readers never wait; a statement only a client can run, see cleanup_old_data's
-- leave_detachable) or to finish an interrupted detach, else drop.
CREATE OR REPLACE FUNCTION retention_plan(at timestamptz DEFAULT now())
RETURNS TABLE (table_name text, partition_name text, parent text, range_from timestamptz, range_to timestamptz, kind text,
               cutoff timestamptz, status text, method text, detach_pending boolean, bytes bigint)
LANGUAGE sql STABLE AS $$
    SELECT p.table_name, p.partition_name, p.parent, p.range_from, p.range_to, k.kind, c.cutoff,
           CASE WHEN p.is_default THEN 'default'
                WHEN k.kind IS NULL THEN 'unclassified'
                WHEN p.range_to IS NOT NULL AND p.range_to <= c.cutoff THEN 'expired'
                ELSE 'kept' END,
           CASE WHEN p.detach_pending OR NOT p.parent_has_default THEN 'detach_concurrently' ELSE 'drop' END,
           p.detach_pending, p.bytes
    FROM retention_partitions() p
    LEFT JOIN LATERAL (SELECT CASE WHEN NOT p.is_default THEN retention_kind(p.table_name, p.parent_bound) END AS kind) k ON true
    LEFT JOIN retention_cutoffs(at) c ON c.kind = k.kind
    ORDER BY p.table_name, p.range_from NULLS FIRST, p.partition_name
$$;

-- Deletes rows of `relation` matching `condition`, batch_size per statement, until none is left
-- or `budget` rows went. Returns how many went.
CREATE OR REPLACE FUNCTION retention_delete_batched(relation text, condition text, batch_size integer, budget bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    deleted bigint := 0;
    n       bigint;
BEGIN
    WHILE deleted < budget LOOP
        EXECUTE format('DELETE FROM %I WHERE ctid = ANY (ARRAY(SELECT ctid FROM %I WHERE %s LIMIT %s))',
                       relation, relation, condition, least(batch_size::bigint, budget - deleted));
        GET DIAGNOSTICS n = ROW_COUNT;
        deleted := deleted + n;
        EXIT WHEN n < least(batch_size::bigint, budget - deleted + n);
    END LOOP;
    RETURN deleted;
END;
$$;

-- THE retention job (see the top of this file). dry_run: report what would go, change nothing,
-- take no lock. max_rows: rows deleted per call at most (default retention_settings.max_rows_per_call;
-- the call stops at the first statement past it); "more": true when it ran out, call again.
-- leave_detachable: partitions whose method is detach_concurrently are left to the caller (the
-- TypeScript job detaches them CONCURRENTLY, which PostgreSQL refuses inside a function, so that
-- readers of events never wait); a psql caller drops them with a lock held for an instant.
-- Returns a report:
--   {status: done|skipped, dry_run, now, cutoffs: {kind: time}, keeps: {kind: interval}, ids_cutoff,
--    partitions: [{kind, table, partition, from, to, bytes, parent, method, detach_pending,
--                  action: dropped|would_drop|failed|left_to_caller|deferred, error?}],
--    unclassified: [name], kept, created: {events, rollups},
--    deleted (would_delete on a dry run): {event_ids, set_aside_events, late_events, order_analytics, series_blocks},
--    failures: [{step, name, error}], more}
-- deferred: an expired events day whose ids this call did not finish; the next call drops it.
CREATE OR REPLACE FUNCTION cleanup_old_data(dry_run boolean DEFAULT false, max_rows bigint DEFAULT NULL, leave_detachable boolean DEFAULT false)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    settings       retention_settings;
    started        timestamptz := now();
    raw_cutoff     timestamptz;
    ids_cutoff     timestamptz;
    blocks_cutoff  timestamptz;
    orders_where   text;
    budget         bigint;
    used           bigint := 0;
    n              bigint;
    ids            bigint := 0;
    more           boolean := false;
    deleted        jsonb := '{}';
    failures       jsonb := '[]';
    dropped        jsonb := '[]';
    created_events integer := 0;
    created_rollups integer := 0;
    old_lock_timeout text := current_setting('lock_timeout');
    part           record;
    wanted         record;
    win_from       timestamptz;
    win_to         timestamptz;
    action         text;
    failure        text;
BEGIN
    SELECT * INTO settings FROM retention_settings WHERE id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'cleanup_old_data: retention_settings has no row (migration 0018 inserts it, the apps write it at start)';
    END IF;
    -- The same lock as the TypeScript job's session lock: a caller already holding it (that job,
    -- on its own connection) gets it again; anyone else is skipped.
    IF NOT dry_run AND NOT pg_try_advisory_xact_lock(7204119006) THEN
        RETURN jsonb_build_object('status', 'skipped', 'dry_run', false, 'now', started,
                                  'reason', 'another runner holds the retention lock (an aggregator''s scheduled job or the retention CLI)');
    END IF;
    -- Until an app has written its configured policy, the row holds this migration's defaults,
    -- which may keep less than the deployment does: what they would drop could not be brought back.
    IF NOT dry_run AND settings.updated_by = 'migration 0018' THEN
        RETURN jsonb_build_object('status', 'skipped', 'dry_run', false, 'now', started,
                                  'reason', 'no app has written its retention policy yet: start an aggregator (its retention job writes it at start) or run `analytics retention` once; a dry run shows what the defaults would drop');
    END IF;
    budget := coalesce(max_rows, settings.max_rows_per_call);
    IF budget <= 0 THEN
        RAISE EXCEPTION 'cleanup_old_data: max_rows must be positive, not %', budget;
    END IF;
    SELECT c.cutoff INTO raw_cutoff FROM retention_cutoffs(started) c WHERE c.kind = 'raw_events';
    -- Ids, set-aside records and orders go with the days dropped whole: before the UTC midnight
    -- at or below the raw_events cutoff, so an id of a day still partly kept is never stored twice.
    ids_cutoff := date_trunc('day', raw_cutoff AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    -- Series blocks (1m and 5m, minute_aggregates) of days before the cutoff's day: none outlives its rollups.
    SELECT date_trunc('day', c.cutoff AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' INTO blocks_cutoff
    FROM retention_cutoffs(started) c WHERE c.kind = 'minute_aggregates';
    -- Orders placed before the cutoff; never placed: first seen before it (order_analytics, 0017).
    orders_where := format('placed_at < %1$L OR (placed_at IS NULL AND first_event_at < %1$L)', ids_cutoff);

    IF dry_run THEN
        SELECT count(*) INTO n FROM event_ids WHERE event_time < ids_cutoff;
        deleted := deleted || jsonb_build_object('event_ids', n);
        SELECT count(*) INTO n FROM set_aside_events WHERE event_time < ids_cutoff;
        deleted := deleted || jsonb_build_object('set_aside_events', n);
        SELECT count(*) INTO n FROM late_events WHERE recorded_at < raw_cutoff;
        deleted := deleted || jsonb_build_object('late_events', n);
        n := 0;
        IF to_regclass('order_analytics') IS NOT NULL THEN
            EXECUTE 'SELECT count(*) FROM order_analytics WHERE ' || orders_where INTO n;
        END IF;
        deleted := deleted || jsonb_build_object('order_analytics', n);
        SELECT count(*) INTO n FROM metric_series_blocks WHERE interval IN ('1m', '5m') AND block_start < blocks_cutoff;
        deleted := deleted || jsonb_build_object('series_blocks', n);
        SELECT coalesce(jsonb_agg(jsonb_build_object('kind', p.kind, 'table', p.table_name, 'partition', p.partition_name,
                                                     'from', p.range_from, 'to', p.range_to, 'bytes', p.bytes, 'parent', p.parent,
                                                     'method', p.method, 'detach_pending', p.detach_pending,
                                                     'action', 'would_drop')), '[]')
        INTO dropped FROM retention_plan(started) p WHERE p.status = 'expired';
    ELSE
        -- 1. Rows, small tables first so the ids never starve them; each step only while the budget lasts.
        n := retention_delete_batched('metric_series_blocks', format('interval IN (''1m'', ''5m'') AND block_start < %L', blocks_cutoff),
                                      settings.batch_size, budget - used);
        used := used + n;
        deleted := deleted || jsonb_build_object('series_blocks', n);
        n := retention_delete_batched('late_events', format('recorded_at < %L', raw_cutoff), settings.batch_size, budget - used);
        used := used + n;
        deleted := deleted || jsonb_build_object('late_events', n);
        n := retention_delete_batched('set_aside_events', format('event_time < %L', ids_cutoff), settings.batch_size, budget - used);
        used := used + n;
        deleted := deleted || jsonb_build_object('set_aside_events', n);
        n := 0;
        IF to_regclass('order_analytics') IS NOT NULL THEN
            n := retention_delete_batched('order_analytics', orders_where, settings.batch_size, budget - used);
        END IF;
        used := used + n;
        deleted := deleted || jsonb_build_object('order_analytics', n);
        -- event_ids by one-minute windows over each expired events day: each statement finds its
        -- rows through the BRIN index once (LIMIT batches would re-read the dead rows of earlier
        -- batches); then, by batches, whatever older ids are left (days dropped by hand).
        <<days>>
        FOR part IN SELECT * FROM retention_plan(started) p WHERE p.table_name = 'events' AND p.status = 'expired' LOOP
            win_from := part.range_from;
            WHILE win_from < part.range_to LOOP
                EXIT days WHEN used >= budget;
                win_to := least(win_from + interval '1 minute', part.range_to);
                DELETE FROM event_ids WHERE event_time >= win_from AND event_time < win_to;
                GET DIAGNOSTICS n = ROW_COUNT;
                ids := ids + n;
                used := used + n;
                win_from := win_to;
            END LOOP;
        END LOOP;
        IF used < budget THEN
            n := retention_delete_batched('event_ids', format('event_time < %L', ids_cutoff), settings.batch_size, budget - used);
            ids := ids + n;
            used := used + n;
        END IF;
        deleted := deleted || jsonb_build_object('event_ids', ids);
        -- Out of budget: some rows may be left (the next call may also find none).
        more := used >= budget;

        -- 2. Partitions ahead, each on its own (a subtransaction): one that cannot be made is reported.
        PERFORM set_config('lock_timeout', (extract(epoch FROM settings.drop_lock_timeout) * 1000)::bigint::text, true);
        BEGIN
            created_events := ensure_events_partitions(((started - interval '1 day') AT TIME ZONE 'UTC')::date,
                                                       ((started + retention_exact(make_interval(days => settings.partitions_ahead_days))) AT TIME ZONE 'UTC')::date);
        EXCEPTION WHEN OTHERS THEN
            failures := failures || jsonb_build_object('step', 'create', 'name', 'events', 'error', SQLERRM);
        END;
        FOR wanted IN
            SELECT * FROM rollup_partitions_wanted(started - retention_exact(settings.allowed_lateness) - interval '1 day',
                                                   started + retention_exact(settings.rollups_ahead)) w
            WHERE to_regclass(w.partition_name) IS NULL
        LOOP
            BEGIN
                IF ensure_rollup_partition(wanted.kind_table, wanted.width, wanted.fill_factor, wanted.bucket_start) THEN
                    created_rollups := created_rollups + 1;
                END IF;
            EXCEPTION WHEN OTHERS THEN
                failures := failures || jsonb_build_object('step', 'create', 'name', wanted.partition_name, 'error', SQLERRM);
            END;
        END LOOP;

        -- 3. Expired partitions, each on its own; events last, so no rollup drop waits while the
        -- events table is locked.
        FOR part IN
            SELECT * FROM retention_plan(started) p WHERE p.status = 'expired'
            ORDER BY p.table_name = 'events', p.table_name, p.range_from, p.partition_name
        LOOP
            failure := NULL;
            IF leave_detachable AND part.method = 'detach_concurrently' THEN
                action := 'left_to_caller';
            ELSIF part.table_name = 'events' AND more THEN
                action := 'deferred';
            ELSE
                BEGIN
                    IF part.detach_pending THEN
                        EXECUTE format('ALTER TABLE %I DETACH PARTITION %I FINALIZE', part.parent, part.partition_name);
                    END IF;
                    EXECUTE format('DROP TABLE %I', part.partition_name);
                    action := 'dropped';
                EXCEPTION WHEN OTHERS THEN
                    action := 'failed';
                    failure := SQLERRM;
                    failures := failures || jsonb_build_object('step', 'drop', 'name', part.partition_name, 'error', failure);
                END;
            END IF;
            dropped := dropped || jsonb_strip_nulls(jsonb_build_object(
                'kind', part.kind, 'table', part.table_name, 'partition', part.partition_name, 'from', part.range_from,
                'to', part.range_to, 'bytes', part.bytes, 'parent', part.parent, 'method', part.method,
                'detach_pending', part.detach_pending, 'action', action, 'error', failure));
        END LOOP;
        PERFORM set_config('lock_timeout', old_lock_timeout, true);
    END IF;

    RETURN jsonb_build_object(
        'status', 'done',
        'dry_run', dry_run,
        'now', started,
        'cutoffs', (SELECT jsonb_object_agg(c.kind, c.cutoff) FROM retention_cutoffs(started) c),
        'ids_cutoff', ids_cutoff,
        'keeps', (SELECT jsonb_object_agg(c.kind, c.keeps::text) FROM retention_cutoffs(started) c),
        'partitions', dropped,
        'unclassified', (SELECT coalesce(jsonb_agg(p.partition_name), '[]') FROM retention_plan(started) p WHERE p.status = 'unclassified'),
        'kept', (SELECT count(*) FROM retention_plan(started) p WHERE p.status <> 'expired'),
        'created', jsonb_build_object('events', created_events, 'rollups', created_rollups),
        CASE WHEN dry_run THEN 'would_delete' ELSE 'deleted' END, deleted,
        'failures', failures,
        'more', more
    );
END;
$$;

COMMENT ON FUNCTION cleanup_old_data(boolean, bigint, boolean) IS
    'Retention (analytics.retention, stored in retention_settings): drops expired partitions, deletes the rows that go with them, creates partitions ahead; returns a jsonb report.';
