-- Series points are now written as compact JSON ({"bucket_start":"...","count":12,...}, joined
-- by ',') instead of json_build_object's spaced form (13 % fewer bytes for a month of prices).
-- Blocks in the old form are removed rather than mixed with new ones: readers serve their
-- ranges from metric_rollups until the aggregator's compaction writes them again (its full
-- pass, every 20th run, covers every retained day). A query-api older than this migration
-- cannot cut blocks of the new form at a range's edges: upgrade the query-api first (a newer one
-- reads blocks of both forms, so it serves what an older aggregator writes meanwhile).
DELETE FROM metric_series_blocks;
