-- Execution quality: each order's arrival price (and the mid when it ended), each fill with the
-- quote in force when it executed, and trading_execution_figures(), the one definition of
-- slippage, effective spread and implementation shortfall. The aggregator keeps the marks exact in
-- the fold's transaction: after the quotes and the order merge it recomputes the marks of the
-- orders placed or ended in the page, and of the orders and fills a late quote now governs (those
-- between it and the symbol's next quote). See docs/trading.md "Execution quality".

-- Arrival price: the mid of quote_at(symbol, placed_at), else the limit price (order.placed
-- price); NULL when neither. arrival_quote_at is the time of the quote used (mid only).
ALTER TABLE order_analytics
    ADD COLUMN IF NOT EXISTS arrival_price    double precision,
    ADD COLUMN IF NOT EXISTS arrival_source   text CHECK (arrival_source IN ('mid', 'limit')),
    ADD COLUMN IF NOT EXISTS arrival_quote_at timestamptz,
    -- The mid of the quote in force when a canceled or rejected order ended (coalesce(rejected_at,
    -- canceled_at), as its status says); the implementation shortfall's opportunity cost.
    ADD COLUMN IF NOT EXISTS end_mid          double precision;

-- A late quote re-marks the orders of its symbol placed, or ended, between it and the next quote.
CREATE INDEX IF NOT EXISTS order_analytics_symbol_placed_idx ON order_analytics (symbol, placed_at) WHERE placed_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS order_analytics_symbol_ended_idx ON order_analytics (symbol, (coalesce(rejected_at, canceled_at)))
    WHERE placed_at IS NOT NULL AND coalesce(rejected_at, canceled_at) IS NOT NULL;

-- One row per folded order.filled with an order key (order_analytics' rule: the order_id), with the
-- quote in force at the fill. Rows are their events: no merge rules, duplicates never reach it.
CREATE TABLE IF NOT EXISTS order_fills (
    event_id           uuid             PRIMARY KEY,
    order_id           text             NOT NULL,
    -- The fill's own symbol and side (the quote is looked up by this symbol).
    symbol             text,
    side               text,
    filled_at          timestamptz      NOT NULL,
    price              double precision,
    quantity           double precision,
    fee                double precision,
    -- mid and spread_bps of quote_at(symbol, filled_at); NULL without a two-sided quote in force.
    mid_at_fill        double precision,
    spread_at_fill_bps double precision,
    -- The order's placed_at (NULL until its placement is folded), so a cohort reads its fills by range.
    placed_at          timestamptz
);

CREATE INDEX IF NOT EXISTS order_fills_order_idx ON order_fills (order_id);
CREATE INDEX IF NOT EXISTS order_fills_symbol_filled_idx ON order_fills (symbol, filled_at);
-- Retention and rebuild delete by the fill's time.
CREATE INDEX IF NOT EXISTS order_fills_filled_at_idx ON order_fills (filled_at);
CREATE INDEX IF NOT EXISTS order_fills_placed_idx ON order_fills (placed_at) WHERE placed_at IS NOT NULL;

COMMENT ON TABLE order_fills IS 'One row per folded order.filled with an order_id, with mid_at_fill and spread_at_fill_bps of the quote in force (quote_at) at filled_at.';

-- The per-order and per-fill definitions, shared by trading_execution_figures and the order route.
-- +1 for BUY, -1 for SELL, any case (bench data sends lower case); NULL for anything else.
CREATE OR REPLACE FUNCTION execution_side_sign(p_side text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE upper(p_side) WHEN 'BUY' THEN 1 WHEN 'SELL' THEN -1 END $$;

-- Slippage of an order against its arrival price in bps, signed so a positive value is a cost.
CREATE OR REPLACE FUNCTION execution_slippage_bps(p_side text, p_avg_fill_price double precision, p_arrival double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT execution_side_sign(p_side) * (p_avg_fill_price - p_arrival) / nullif(p_arrival, 0) * 1e4 $$;

-- Effective spread of a fill against the mid in force in bps: twice the signed distance to the mid.
CREATE OR REPLACE FUNCTION execution_effective_spread_bps(p_side text, p_price double precision, p_mid double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 2 * execution_side_sign(p_side) * (p_price - p_mid) / nullif(p_mid, 0) * 1e4 $$;

-- Execution quality of the orders PLACED in [p_from, p_to), overall (one row, group_value NULL) or
-- per p_by ('symbol', 'strategy' or 'side'); p_symbol / p_strategy narrow the cohort. side_sign is
-- +1 for BUY, -1 for SELL (case-insensitive); orders of another side are left out. Positive = cost.
--   slippage_bps per order  = side_sign × (avg_fill_price − arrival_price) / arrival_price × 1e4, over
--                             orders with fills and an arrival; volume-weighted = Σ side_sign × (vwap −
--                             arrival) × filled qty / Σ arrival × filled qty × 1e4.
--   effective spread (bps)  = 2 × side_sign × (price − mid_at_fill) / mid_at_fill × 1e4 per fill of the
--                             cohort with a mid; notional-weighted by price × quantity.
--   implementation shortfall = execution cost Σ side_sign × (fill notional − arrival × filled qty)
--                             + opportunity cost Σ side_sign × (end_mid − arrival) × unfilled qty of
--                               canceled / rejected orders + fees of the fills; bps of Σ arrival × ordered qty.
-- Percentiles are exact (percentile_cont).
CREATE OR REPLACE FUNCTION trading_execution_figures(p_from timestamptz, p_to timestamptz, p_by text DEFAULT NULL,
                                                     p_symbol text DEFAULT NULL, p_strategy text DEFAULT NULL)
RETURNS TABLE (
    group_value               text,
    orders_measured           bigint,
    arrival_mid               bigint,
    arrival_limit             bigint,
    slippage_count            bigint,
    slippage_p50              double precision,
    slippage_p95              double precision,
    slippage_p99              double precision,
    slippage_volume_weighted  double precision,
    spread_count              bigint,
    spread_p50                double precision,
    spread_p95                double precision,
    spread_p99                double precision,
    spread_volume_weighted    double precision,
    execution_cost            double precision,
    opportunity_cost          double precision,
    fees                      double precision,
    shortfall_cost            double precision,
    shortfall_bps             double precision,
    arrival_notional          double precision
)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  IF p_by IS NOT NULL AND p_by NOT IN ('symbol', 'strategy', 'side') THEN
    RAISE EXCEPTION 'trading_execution_figures: p_by must be symbol, strategy or side, not %', p_by USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
  WITH cohort AS (
    SELECT o.order_id,
           CASE p_by WHEN 'symbol' THEN o.symbol WHEN 'strategy' THEN o.strategy_id WHEN 'side' THEN upper(o.side) END AS grp,
           execution_side_sign(o.side) AS sign, o.side,
           o.arrival_price AS arrival, o.arrival_source, o.avg_fill_price, o.filled_quantity, o.fill_notional, o.fill_count,
           o.quantity, o.status, o.end_mid
    FROM order_analytics o
    WHERE o.placed_at >= p_from AND o.placed_at < p_to
      AND (p_symbol IS NULL OR o.symbol = p_symbol) AND (p_strategy IS NULL OR o.strategy_id = p_strategy)
  ),
  priced AS (SELECT * FROM cohort c WHERE c.sign IS NOT NULL AND c.arrival > 0),
  cohort_fills AS (
    SELECT c.order_id, c.grp, c.sign, c.side, c.arrival, f.price, f.quantity, f.fee, f.mid_at_fill
    FROM order_fills f JOIN cohort c ON c.order_id = f.order_id
    WHERE f.placed_at >= p_from AND f.placed_at < p_to AND c.sign IS NOT NULL
  ),
  -- Per order, the fills that carry a price: a fill without one says nothing about cost.
  priced_fills AS (
    SELECT f.order_id, sum(f.quantity) AS qty, sum(f.price * f.quantity) AS notional
    FROM cohort_fills f WHERE f.price IS NOT NULL AND f.quantity IS NOT NULL
    GROUP BY f.order_id
  ),
  slipped AS (
    SELECT p.grp, p.arrival_source, pf.qty AS filled_quantity, p.arrival,
           execution_slippage_bps(p.side, pf.notional / pf.qty, p.arrival) AS bps,
           p.sign * (pf.notional - p.arrival * pf.qty) AS cost
    FROM priced p JOIN priced_fills pf ON pf.order_id = p.order_id
    WHERE pf.qty > 0
  ),
  slippage AS (
    SELECT s.grp, count(*) AS n,
           count(*) FILTER (WHERE s.arrival_source = 'mid') AS mid, count(*) FILTER (WHERE s.arrival_source = 'limit') AS lim,
           percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY s.bps) AS pct,
           sum(s.cost) / nullif(sum(s.arrival * s.filled_quantity), 0) * 1e4 AS vw
    FROM slipped s GROUP BY s.grp
  ),
  spread AS (
    SELECT f.grp, count(*) AS n,
           percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY execution_effective_spread_bps(f.side, f.price, f.mid_at_fill)) AS pct,
           sum(execution_effective_spread_bps(f.side, f.price, f.mid_at_fill) * f.price * f.quantity) / nullif(sum(f.price * f.quantity), 0) AS vw
    FROM cohort_fills f WHERE f.mid_at_fill > 0 AND f.price IS NOT NULL AND f.quantity > 0
    GROUP BY f.grp
  ),
  fee AS (
    -- Fees of the fills of the orders the shortfall measures (those with an arrival price).
    SELECT f.grp, sum(f.fee) AS fees FROM cohort_fills f WHERE f.arrival > 0 GROUP BY f.grp
  ),
  shortfall AS (
    SELECT p.grp,
           coalesce((SELECT sum(s.cost) FROM slipped s WHERE s.grp IS NOT DISTINCT FROM p.grp), 0) AS execution,
           coalesce(sum(p.sign * (p.end_mid - p.arrival) * greatest(p.quantity - p.filled_quantity, 0))
                    FILTER (WHERE p.status IN ('canceled', 'rejected') AND p.end_mid IS NOT NULL), 0) AS opportunity,
           sum(p.arrival * p.quantity) FILTER (WHERE p.quantity > 0) AS notional
    FROM priced p GROUP BY p.grp
  ),
  groups AS (
    SELECT DISTINCT c.grp FROM cohort c WHERE p_by IS NOT NULL
    UNION ALL SELECT NULL::text WHERE p_by IS NULL
  )
  SELECT g.grp, coalesce(sl.n, 0), coalesce(sl.mid, 0), coalesce(sl.lim, 0),
         coalesce(sl.n, 0), sl.pct[1], sl.pct[2], sl.pct[3], sl.vw,
         coalesce(sp.n, 0), sp.pct[1], sp.pct[2], sp.pct[3], sp.vw,
         sh.execution, sh.opportunity, fe.fees, sh.execution + sh.opportunity + coalesce(fe.fees, 0),
         (sh.execution + sh.opportunity + coalesce(fe.fees, 0)) / nullif(sh.notional, 0) * 1e4, sh.notional
  FROM groups g
  LEFT JOIN slippage sl ON sl.grp IS NOT DISTINCT FROM g.grp
  LEFT JOIN spread sp ON sp.grp IS NOT DISTINCT FROM g.grp
  LEFT JOIN shortfall sh ON sh.grp IS NOT DISTINCT FROM g.grp
  LEFT JOIN fee fe ON fe.grp IS NOT DISTINCT FROM g.grp
  ORDER BY g.grp NULLS LAST;
END
$$;

COMMENT ON FUNCTION trading_execution_figures(timestamptz, timestamptz, text, text, text) IS
  'Slippage vs arrival, effective spread and implementation shortfall of the orders placed in [p_from, p_to); see docs/trading.md "Execution quality".';
