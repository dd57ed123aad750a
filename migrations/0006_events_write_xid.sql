-- The id of the transaction that stored each event, so the aggregator can tail the table
-- exactly once: every transaction whose id is below the current snapshot's xmin has ended,
-- so the rows with write_xid in [cursor, xmin) are final and can be folded, then the cursor
-- moves to xmin in the same transaction as the rollups. Late events, out-of-order commits and
-- concurrent ingester replicas need nothing more. COPY fills the column from its default.
--
-- All rows of one transaction share a value, so the btree deduplicates to almost nothing and
-- is appended at its right edge.
ALTER TABLE events ADD COLUMN IF NOT EXISTS write_xid xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE INDEX IF NOT EXISTS events_write_xid_idx ON events (write_xid);
