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

COMMENT ON TABLE positions IS 'One row per position_id (position.opened / position.closed), folded exactly once by the aggregator; realized PnL by trading_realized_pnl(), open positions marked to market by trading_open_positions(), exposure by trading_exposure().';
