-- Positions, one row per position_id: opened -> closed, with the realized PnL of the close. The
-- aggregator merges each page of events into it in the same transaction that folds the rollups
-- and moves the cursor, so every stored position event counts exactly once. Every merge is
-- commutative (least, greatest, the attributes of the least (source_rank, source_time,
-- source_event_id) event, the close of the least (closed_at, close_event_id) close), so
-- duplicates never reach it and late or out-of-order events (a close stored before its open)
-- give the same row in any order. See docs/trading.md, "Positions and PnL".
CREATE TABLE IF NOT EXISTS positions (
    position_id            text             PRIMARY KEY,
    symbol                 text,
    -- LONG or SHORT; anything else has no sign, so no computed PnL.
    side                   text,
    strategy_id            text,
    quantity               double precision,
    entry_price            double precision,
    -- Earliest position.opened; NULL until one is folded (such a position is never open).
    opened_at              timestamptz,
    -- The earliest position.closed (ties by event id) and what it said.
    closed_at              timestamptz,
    close_event_id         uuid,
    exit_price             double precision,
    -- realized_pnl as the close event reported it (NULL when it carried none).
    reported_realized_pnl  double precision,
    first_event_at         timestamptz      NOT NULL,
    last_event_at          timestamptz      NOT NULL,
    -- The event the descriptive columns come from: the earliest position.opened (rank 0), else
    -- the earliest position.closed; ties broken by event id.
    source_rank            smallint         NOT NULL,
    source_time            timestamptz      NOT NULL,
    source_event_id        uuid             NOT NULL,
    -- The close event's figure, else (exit - entry) * quantity, signed by side (+ LONG, - SHORT).
    realized_pnl           double precision GENERATED ALWAYS AS (CASE WHEN closed_at IS NOT NULL THEN COALESCE(
                               reported_realized_pnl,
                               (exit_price - entry_price) * quantity * CASE side WHEN 'LONG' THEN 1 WHEN 'SHORT' THEN -1 END) END) STORED,
    -- When it is open: [opened_at, closed_at), unbounded while not closed, empty if it closed
    -- before it opened, NULL before an opened event is folded. Indexed for "open at t".
    open_during            tstzrange        GENERATED ALWAYS AS (CASE WHEN opened_at IS NOT NULL THEN tstzrange(
                               opened_at, CASE WHEN closed_at IS NOT NULL THEN greatest(closed_at, opened_at) END, '[)') END) STORED,
    updated_at             timestamptz      NOT NULL DEFAULT now()
);

-- Realized PnL over a range of close times; the grouping columns and the figure ride along for index-only sums.
CREATE INDEX IF NOT EXISTS positions_closed_idx ON positions (closed_at) INCLUDE (strategy_id, symbol, realized_pnl) WHERE closed_at IS NOT NULL;
-- Open at a time t: open_during @> t (opened_at <= t < closed_at) in one index, for any t.
CREATE INDEX IF NOT EXISTS positions_open_during_idx ON positions USING gist (open_during);
CREATE INDEX IF NOT EXISTS positions_symbol_idx ON positions (symbol);
-- Retention deletes a position once all its events are gone (by last_event_at).
CREATE INDEX IF NOT EXISTS positions_last_event_idx ON positions (last_event_at);

-- Positions already folded before this migration: the position events below the cursor that the
-- aggregator folded (neither set aside nor recorded as late), merged by the fold's own rules. The
-- cursor row stays locked until commit, so no cycle folds events in between; times at millisecond
-- precision, as the fold has them.
WITH cursor AS (
    SELECT next_xid FROM aggregation_cursors WHERE name = 'rollups' FOR UPDATE
), ev AS (
    SELECT e.id AS event_id, e.event_type, date_trunc('milliseconds', e."timestamp") AS t, e.properties AS p,
           e.properties->>'position_id' AS position_id
    FROM events e, cursor c
    WHERE e.event_type IN ('position.opened', 'position.closed') AND e.write_xid < c.next_xid
      AND jsonb_typeof(e.properties->'position_id') = 'string' AND e.properties->>'position_id' <> ''
      AND NOT EXISTS (SELECT 1 FROM set_aside_events s WHERE s.event_id = e.id AND s.event_time = e."timestamp")
      AND NOT EXISTS (SELECT 1 FROM late_events l WHERE l.event_id = e.id)
), source AS (
    SELECT DISTINCT ON (position_id) position_id,
           CASE WHEN event_type = 'position.opened' THEN 0 ELSE 1 END AS source_rank, t AS source_time, event_id AS source_event_id,
           CASE WHEN jsonb_typeof(p->'symbol') = 'string' AND p->>'symbol' <> '' THEN p->>'symbol' END AS symbol,
           CASE WHEN jsonb_typeof(p->'side') = 'string' AND p->>'side' <> '' THEN p->>'side' END AS side,
           CASE WHEN jsonb_typeof(p->'strategy_id') = 'string' AND p->>'strategy_id' <> '' THEN p->>'strategy_id' END AS strategy_id,
           CASE WHEN jsonb_typeof(p->'quantity') = 'number' THEN (p->>'quantity')::float8 END AS quantity,
           CASE WHEN jsonb_typeof(p->'entry_price') = 'number' THEN (p->>'entry_price')::float8 END AS entry_price
    FROM ev ORDER BY position_id, event_type <> 'position.opened', t, event_id
), closing AS (
    SELECT DISTINCT ON (position_id) position_id, t AS closed_at, event_id AS close_event_id,
           CASE WHEN jsonb_typeof(p->'exit_price') = 'number' THEN (p->>'exit_price')::float8 END AS exit_price,
           CASE WHEN jsonb_typeof(p->'realized_pnl') = 'number' THEN (p->>'realized_pnl')::float8 END AS reported_realized_pnl
    FROM ev WHERE event_type = 'position.closed' ORDER BY position_id, t, event_id
), span AS (
    SELECT position_id, min(t) FILTER (WHERE event_type = 'position.opened') AS opened_at, min(t) AS first_event_at, max(t) AS last_event_at
    FROM ev GROUP BY position_id
)
INSERT INTO positions (position_id, symbol, side, strategy_id, quantity, entry_price, opened_at, closed_at, close_event_id,
                       exit_price, reported_realized_pnl, first_event_at, last_event_at, source_rank, source_time, source_event_id)
SELECT s.position_id, s.symbol, s.side, s.strategy_id, s.quantity, s.entry_price, w.opened_at, c.closed_at, c.close_event_id,
       c.exit_price, c.reported_realized_pnl, w.first_event_at, w.last_event_at, s.source_rank, s.source_time, s.source_event_id
FROM source s JOIN span w USING (position_id) LEFT JOIN closing c USING (position_id)
ON CONFLICT DO NOTHING;

-- Realized PnL of the positions CLOSED in [p_from, p_to) (by closed_at): one row with strategy and
-- symbol NULL when p_by is NULL (zeros when none closed), else one row per strategy ('strategy'),
-- symbol ('symbol') or both ('strategy_symbol'). closed_positions counts every closed position;
-- realized_pnl sums those whose PnL is known (reported, or computable from side and prices).
CREATE OR REPLACE FUNCTION trading_realized_pnl(p_from timestamptz, p_to timestamptz, p_by text DEFAULT NULL)
RETURNS TABLE (strategy text, symbol text, realized_pnl double precision, closed_positions bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  IF p_by IS NULL THEN
    RETURN QUERY
    SELECT NULL::text, NULL::text, COALESCE(sum(p.realized_pnl), 0)::float8, count(*)
    FROM positions p WHERE p.closed_at >= p_from AND p.closed_at < p_to;
  ELSIF p_by IN ('strategy', 'symbol', 'strategy_symbol') THEN
    RETURN QUERY
    SELECT CASE WHEN p_by <> 'symbol' THEN p.strategy_id END, CASE WHEN p_by <> 'strategy' THEN p.symbol END,
           COALESCE(sum(p.realized_pnl), 0)::float8, count(*)
    FROM positions p WHERE p.closed_at >= p_from AND p.closed_at < p_to
    GROUP BY 1, 2 ORDER BY 1, 2;
  ELSE
    RAISE EXCEPTION 'trading_realized_pnl: p_by must be strategy, symbol, strategy_symbol or NULL, not %', p_by USING ERRCODE = '22023';
  END IF;
END
$$;

-- The same figure per bucket p_width wide (aligned to the epoch, the first and last clipped to
-- [p_from, p_to)), every bucket of the range, zeros where nothing closed.
CREATE OR REPLACE FUNCTION trading_realized_pnl_series(p_from timestamptz, p_to timestamptz, p_width interval)
RETURNS TABLE (bucket_start timestamptz, realized_pnl double precision, closed_positions bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH closed AS (
    SELECT date_bin(p_width, p.closed_at, timestamptz 'epoch') AS bucket_start, sum(p.realized_pnl) AS realized_pnl, count(*) AS closed_positions
    FROM positions p WHERE p.closed_at >= p_from AND p.closed_at < p_to
    GROUP BY 1)
  SELECT b.bucket_start, COALESCE(c.realized_pnl, 0)::float8, COALESCE(c.closed_positions, 0)
  FROM generate_series(date_bin(p_width, p_from, timestamptz 'epoch'), p_to - interval '1 microsecond', p_width) AS b(bucket_start)
  LEFT JOIN closed c USING (bucket_start)
  ORDER BY 1
$$;

-- The positions open at p_at (opened_at <= p_at < closed_at, or not closed), each marked at
-- p_at: mark_price = coalesce(price, mid) of quote_at(symbol, p_at) (migration 0022), marked_at
-- its time; unrealized_pnl = sign * (mark_price - entry_price) * quantity, + LONG, - SHORT, NULL
-- without a mark or a side. One quote lookup per symbol, not per position.
CREATE OR REPLACE FUNCTION trading_open_positions(p_at timestamptz)
RETURNS TABLE (position_id text, symbol text, side text, strategy_id text, quantity double precision, entry_price double precision,
               opened_at timestamptz, mark_price double precision, marked_at timestamptz, unrealized_pnl double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH open AS (
    SELECT p.position_id, p.symbol, p.side, p.strategy_id, p.quantity, p.entry_price, p.opened_at
    FROM positions p WHERE p.open_during @> p_at),
  marks AS (
    SELECT s.symbol, COALESCE(q.price, q.mid) AS mark_price, q.quoted_at AS marked_at
    FROM (SELECT DISTINCT o.symbol FROM open o WHERE o.symbol IS NOT NULL) s
    CROSS JOIN LATERAL quote_at(s.symbol, p_at) q)
  SELECT o.position_id, o.symbol, o.side, o.strategy_id, o.quantity, o.entry_price, o.opened_at, m.mark_price, m.marked_at,
         CASE o.side WHEN 'LONG' THEN 1 WHEN 'SHORT' THEN -1 END * (m.mark_price - o.entry_price) * o.quantity
  FROM open o LEFT JOIN marks m ON m.symbol = o.symbol
$$;

-- Exposure at p_at per symbol of the open positions (of one strategy when p_strategy is given):
-- net_quantity = long - short quantity; notionals = quantity * mark_price, at entry_price when the
-- symbol has no mark; short_notional is positive and net_notional = long - short; unrealized_pnl
-- the sum over the positions that have one. Positions with a side other than LONG/SHORT are left out.
CREATE OR REPLACE FUNCTION trading_exposure(p_at timestamptz, p_strategy text DEFAULT NULL)
RETURNS TABLE (symbol text, open_positions bigint, net_quantity double precision, long_notional double precision,
               short_notional double precision, net_notional double precision, unrealized_pnl double precision,
               mark_price double precision, marked_at timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH open AS (
    SELECT o.*, o.quantity * COALESCE(o.mark_price, o.entry_price) AS notional
    FROM trading_open_positions(p_at) o
    WHERE o.side IN ('LONG', 'SHORT') AND (p_strategy IS NULL OR o.strategy_id = p_strategy))
  SELECT o.symbol, count(*),
         COALESCE(sum(CASE WHEN o.side = 'LONG' THEN o.quantity ELSE -o.quantity END), 0)::float8,
         COALESCE(sum(o.notional) FILTER (WHERE o.side = 'LONG'), 0)::float8,
         COALESCE(sum(o.notional) FILTER (WHERE o.side = 'SHORT'), 0)::float8,
         (COALESCE(sum(o.notional) FILTER (WHERE o.side = 'LONG'), 0) - COALESCE(sum(o.notional) FILTER (WHERE o.side = 'SHORT'), 0))::float8,
         sum(o.unrealized_pnl), max(o.mark_price), max(o.marked_at)
  FROM open o
  GROUP BY o.symbol
  ORDER BY o.symbol
$$;

COMMENT ON TABLE positions IS 'One row per position_id (position.opened / position.closed), folded exactly once by the aggregator; realized PnL by trading_realized_pnl(), open positions marked to market by trading_open_positions(), exposure by trading_exposure().';
