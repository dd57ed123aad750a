-- Market quotes, one row per folded market.data.update event with a symbol: the quote in force at
-- any time, which execution quality (arrival mid, the quote at a fill), position marks and
-- market-data health read. The aggregator inserts each page's quotes in the same transaction that
-- folds the rollups and moves the cursor, so every stored update is here exactly once; rows are
-- keyed by their event, so the order they arrive in does not matter. See docs/trading.md.
--
-- Market data is most of a trading system's events, so its quotes are partitioned by day like the
-- events: a quotes partition is made with each events partition, and retention drops both at the
-- raw_events cutoff instead of deleting rows.
CREATE TABLE IF NOT EXISTS market_quotes (
    symbol      text             NOT NULL,
    quoted_at   timestamptz      NOT NULL,
    event_id    uuid             NOT NULL,
    -- Last traded price, when the update carries one.
    price       double precision,
    bid         double precision,
    ask         double precision,
    -- A two-sided quote only: a crossed or one-sided update has no mid.
    mid         double precision GENERATED ALWAYS AS (CASE WHEN bid > 0 AND ask >= bid THEN (bid + ask) / 2 END) STORED,
    spread_bps  double precision GENERATED ALWAYS AS (CASE WHEN bid > 0 AND ask >= bid THEN (ask - bid) / ((bid + ask) / 2) * 10000 END) STORED,
    PRIMARY KEY (symbol, quoted_at, event_id)
) PARTITION BY RANGE (quoted_at);

-- The day's events partition and its quotes partition, each made when missing; true when the
-- events partition was new (what callers count). No DEFAULT partition beside either, as 0009 explains.
CREATE OR REPLACE FUNCTION ensure_events_partition(day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    events_name text := format('events_%s', to_char(day, 'YYYYMMDD'));
    quotes_name text := format('market_quotes_%s', to_char(day, 'YYYYMMDD'));
    lower_bound timestamptz := day::timestamp AT TIME ZONE 'UTC';
    upper_bound timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
    created     boolean := false;
BEGIN
    IF to_regclass(events_name) IS NOT NULL AND to_regclass(quotes_name) IS NOT NULL THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('ensure_events_partition'));
    -- Re-check in pg_class: to_regclass reads the relation cache, which an advisory lock does
    -- not refresh, so it can miss a partition another session just committed.
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = events_name AND relnamespace = current_schema()::regnamespace) THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', events_name, lower_bound, upper_bound);
        created := true;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = quotes_name AND relnamespace = current_schema()::regnamespace) THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF market_quotes FOR VALUES FROM (%L) TO (%L)', quotes_name, lower_bound, upper_bound);
    END IF;
    RETURN created;
END;
$$;

-- A quotes partition for every day that has an events partition already.
DO $$
DECLARE
    part record;
BEGIN
    FOR part IN
        SELECT to_date(substring(c.relname FROM '^events_(\d{8})$'), 'YYYYMMDD') AS day
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'events' AND p.relnamespace = current_schema()::regnamespace AND c.relname ~ '^events_\d{8}$'
    LOOP
        PERFORM ensure_events_partition(part.day);
    END LOOP;
END;
$$;

-- Retention manages the quotes partitions with the events' cutoff (0018's functions, one more table).
CREATE OR REPLACE FUNCTION retention_kind(table_name text, parent_bound text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    intervals text[];
    kinds     text[];
BEGIN
    IF table_name IN ('events', 'market_quotes') THEN
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


-- Every leaf partition of the tables retention manages (0018's list, and market_quotes).
CREATE OR REPLACE FUNCTION retention_partitions()
RETURNS TABLE (table_name text, partition_name text, parent text, parent_bound text, range_from timestamptz, range_to timestamptz,
               is_default boolean, parent_has_default boolean, detach_pending boolean, bytes bigint)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE tree AS (
        SELECT c.oid AS relid, c.relname::text AS root
        FROM pg_class c
        WHERE c.relkind = 'p' AND c.relnamespace = current_schema()::regnamespace
          AND c.relname IN ('events', 'market_quotes', 'metric_rollups', 'rollup_members')
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

-- The quote in force at p_at: the latest update of the symbol at or before it, ties broken by
-- event id, so one answer whatever order the updates were stored in. NULL when there is none.
CREATE OR REPLACE FUNCTION quote_at(p_symbol text, p_at timestamptz) RETURNS market_quotes
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT q.* FROM market_quotes q
  WHERE q.symbol = p_symbol AND q.quoted_at <= p_at
  ORDER BY q.quoted_at DESC, q.event_id DESC
  LIMIT 1
$$;

COMMENT ON TABLE market_quotes IS 'One row per folded market.data.update with a symbol (bid, ask, price, mid, spread_bps); quote_at(symbol, t) gives the quote in force at t.';
