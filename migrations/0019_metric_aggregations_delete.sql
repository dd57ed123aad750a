-- DELETE FROM metric_aggregations, as the reference's test clean-up runs it (002 Step 14), deletes
-- the rollup rows behind each deleted row: the view stays the one window on metric_rollups, and a
-- client that cleans up through it keeps working. Rows derived from other metrics (trading.*) go
-- with the rows they come from, so deleting them alone deletes nothing.
CREATE FUNCTION metric_aggregations_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    breakdown record;
BEGIN
    IF OLD.metric_name LIKE 'trading.%' THEN
        RETURN OLD;
    END IF;
    -- The cursor first, as a fold takes it before the rollups (no deadlock with a running cycle),
    -- with a new version: aggregators drop the rollup states they cache instead of writing them back.
    UPDATE aggregation_cursors SET updated_at = clock_timestamp() WHERE name = 'rollups';
    SELECT key, value INTO breakdown FROM jsonb_each_text(OLD.dimensions) LIMIT 1;
    DELETE FROM metric_rollups r
    WHERE r.metric_name = OLD.metric_name AND r.interval = OLD.interval AND r.bucket_start = OLD.time_bucket
      AND r.dimension = coalesce(breakdown.key, '') AND r.dimension_value = coalesce(breakdown.value, '');
    IF breakdown.key IS NULL THEN
        DELETE FROM rollup_members m
        WHERE m.metric_name = OLD.metric_name AND m.interval = OLD.interval AND m.bucket_start = OLD.time_bucket;
    END IF;
    -- The served copies of the series' blocks holding the bucket are stale now; the day's lock,
    -- shared, as every rollup writer takes it, so a compaction cannot copy the rows back meanwhile.
    PERFORM pg_advisory_xact_lock_shared(hashtext('metric_series_blocks'),
        floor(extract(epoch FROM OLD.time_bucket) / 86400)::int);
    DELETE FROM metric_series_blocks b
    WHERE b.metric_name = OLD.metric_name AND b.interval = OLD.interval
      AND b.dimension = coalesce(breakdown.key, '') AND b.dimension_value = coalesce(breakdown.value, '')
      AND b.block_start <= OLD.time_bucket AND OLD.time_bucket < b.block_start + make_interval(hours => b.block_hours);
    RETURN OLD;
END;
$$;

CREATE TRIGGER metric_aggregations_delete INSTEAD OF DELETE ON metric_aggregations
    FOR EACH ROW EXECUTE FUNCTION metric_aggregations_delete();
