-- Rollup rows are rewritten every time a bucket gains events. Leaving 30 % of each page free
-- lets PostgreSQL update them in place (HOT: no new index entries while no key column changes),
-- which keeps the upsert cheap and the indexes small.
ALTER TABLE metric_rollups SET (fillfactor = 70);
