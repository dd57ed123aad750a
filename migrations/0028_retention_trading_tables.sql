-- Retention for the trading tables after 0017: rows of the days the raw_events retention drops go
-- with them (order_fills, closed positions, user_sessions; order_analytics as 0018 does it,
-- market_quotes by partition as 0022 does it). Open positions stay.
-- A day's quotes partition now waits with its events partition while that day's ids are being
-- deleted, so a day goes as one.
--
-- cleanup_old_data() is 0018's with two changes: the loop over retention_derived_tables(), and
-- market_quotes deferred with events.

-- The tables whose rows retention deletes, and which rows: `condition` is a format() string
-- whose %1$L is the ids cutoff (the UTC midnight at or below the raw_events cutoff). A table not
-- created yet is skipped.
CREATE OR REPLACE FUNCTION retention_derived_tables() RETURNS TABLE (table_name text, condition text)
LANGUAGE sql IMMUTABLE AS $$
    VALUES
        -- A fill goes with its order (order_analytics goes by placed_at); a fill of an order never placed, by its own time.
        ('order_fills', 'placed_at < %1$L OR (placed_at IS NULL AND filled_at < %1$L)'),
        -- A closed position once all its events are gone; an open one stays, or exposure would silently shrink.
        ('positions', 'closed_at IS NOT NULL AND last_event_at < %1$L'),
        -- A session once its last event is gone: a session across the cutoff keeps its row while its later events stay.
        ('user_sessions', 'ended_at < %1$L'),
        -- Market-data health's hourly bins go with the quotes partitions of their days (0027).
        ('market_quote_bins', 'bucket_start < %1$L')
$$;

-- Retention finds expired sessions by their last event.
CREATE INDEX IF NOT EXISTS user_sessions_ended_idx ON user_sessions (ended_at);

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
    derived        record;
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
        FOR derived IN SELECT * FROM retention_derived_tables() LOOP
            n := 0;
            IF to_regclass(derived.table_name) IS NOT NULL THEN
                EXECUTE format('SELECT count(*) FROM %I WHERE ', derived.table_name) || format(derived.condition, ids_cutoff) INTO n;
            END IF;
            deleted := deleted || jsonb_build_object(derived.table_name, n);
        END LOOP;
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
        FOR derived IN SELECT * FROM retention_derived_tables() LOOP
            n := 0;
            IF to_regclass(derived.table_name) IS NOT NULL THEN
                n := retention_delete_batched(derived.table_name, format(derived.condition, ids_cutoff),
                                              settings.batch_size, budget - used);
            END IF;
            used := used + n;
            deleted := deleted || jsonb_build_object(derived.table_name, n);
        END LOOP;
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
            ELSIF part.table_name IN ('events', 'market_quotes') AND more THEN
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
    'Retention (analytics.retention, stored in retention_settings): drops expired partitions, deletes the rows that go with them (retention_derived_tables() too), creates partitions ahead; returns a jsonb report.';

-- The trading figures' functions read one range of an indexed table; planned without the range
-- (a generic plan, or psql's first call), their cost looks like a whole table and PostgreSQL's JIT
-- spent longer compiling than the query takes. 0027 sets the same on market data health's.
DO $$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace
          AND p.proname IN ('trading_order_figures', 'trading_execution_figures', 'trading_realized_pnl', 'trading_realized_pnl_series',
                            'trading_open_positions', 'trading_exposure', 'session_figures', 'dashboard_metrics_at')
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET jit = off', fn);
    END LOOP;
END;
$$;
