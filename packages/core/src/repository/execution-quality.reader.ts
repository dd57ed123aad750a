import type { Sql } from "./database";

/** The groups trading_execution_figures can break a cohort down by. */
export const EXECUTION_BREAKDOWNS = ["symbol", "strategy", "side"] as const;
export type ExecutionBreakdown = (typeof EXECUTION_BREAKDOWNS)[number];

export interface ExecutionQuery {
  from: Date;
  to: Date;
  by?: ExecutionBreakdown;
  symbol?: string;
  strategy?: string;
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  volumeWeighted: number | null;
}

/** One row of trading_execution_figures (migration 0026). */
export interface ExecutionFigures {
  /** The group's value with a breakdown (null: orders without one); null overall. */
  group: string | null;
  ordersMeasured: number;
  arrivalSource: { mid: number; limit: number };
  slippageBps: Percentiles;
  effectiveSpreadBps: Percentiles;
  implementationShortfall: {
    cost: number | null;
    bps: number | null;
    arrivalNotional: number | null;
    executionCost: number | null;
    opportunityCost: number | null;
    fees: number | null;
  };
}

export interface OrderExecution {
  order: Record<string, unknown> & { order_id: string };
  fills: Array<Record<string, unknown>>;
}

interface FiguresRow {
  group_value: string | null;
  orders_measured: number;
  arrival_mid: number;
  arrival_limit: number;
  slippage_count: number;
  slippage_p50: number | null;
  slippage_p95: number | null;
  slippage_p99: number | null;
  slippage_volume_weighted: number | null;
  spread_count: number;
  spread_p50: number | null;
  spread_p95: number | null;
  spread_p99: number | null;
  spread_volume_weighted: number | null;
  execution_cost: number | null;
  opportunity_cost: number | null;
  fees: number | null;
  shortfall_cost: number | null;
  shortfall_bps: number | null;
  arrival_notional: number | null;
}

/**
 * Execution quality as trading_execution_figures() defines it (the one definition Grafana and psql
 * read too), and one order's execution: its order_analytics row with its arrival and slippage
 * (execution_slippage_bps) and its fills with the quote in force (execution_effective_spread_bps).
 */
export class ExecutionQualityReader {
  constructor(private readonly sql: Sql) {}

  async figures(query: ExecutionQuery): Promise<ExecutionFigures[]> {
    const rows = await this.sql<FiguresRow[]>`
      select group_value, orders_measured::int, arrival_mid::int, arrival_limit::int, slippage_count::int,
             slippage_p50, slippage_p95, slippage_p99, slippage_volume_weighted, spread_count::int,
             spread_p50, spread_p95, spread_p99, spread_volume_weighted,
             execution_cost, opportunity_cost, fees, shortfall_cost, shortfall_bps, arrival_notional
      from trading_execution_figures(${query.from}, ${query.to}, ${query.by ?? null}, ${query.symbol ?? null}, ${query.strategy ?? null})`;
    return rows.map(toFigures);
  }

  /** The order's row and fills, or undefined when no such order was folded. */
  async order(orderId: string): Promise<OrderExecution | undefined> {
    const [order] = await this.sql<Array<OrderExecution["order"]>>`
      select order_id, symbol, side, strategy_id, order_type, status, limit_price, quantity, filled_quantity, fill_count,
             avg_fill_price, placed_at, first_fill_at, last_fill_at, filled_at, canceled_at, rejected_at,
             arrival_price, arrival_source, arrival_quote_at, end_mid,
             case when fill_count > 0 and filled_quantity > 0 then execution_slippage_bps(side, avg_fill_price, arrival_price) end as slippage_bps
      from order_analytics where order_id = ${orderId}`;
    if (!order) return undefined;
    const fills = await this.sql<Array<Record<string, unknown>>>`
      select f.event_id::text, f.filled_at, f.price, f.quantity, f.fee, f.mid_at_fill, f.spread_at_fill_bps,
             execution_effective_spread_bps(o.side, f.price, f.mid_at_fill) as effective_spread_bps
      from order_fills f join order_analytics o on o.order_id = f.order_id
      where f.order_id = ${orderId}
      order by f.filled_at, f.event_id`;
    return { order, fills };
  }
}

function toFigures(row: FiguresRow): ExecutionFigures {
  return {
    group: row.group_value,
    ordersMeasured: row.orders_measured,
    arrivalSource: { mid: row.arrival_mid, limit: row.arrival_limit },
    slippageBps: { count: row.slippage_count, p50: row.slippage_p50, p95: row.slippage_p95, p99: row.slippage_p99, volumeWeighted: row.slippage_volume_weighted },
    effectiveSpreadBps: { count: row.spread_count, p50: row.spread_p50, p95: row.spread_p95, p99: row.spread_p99, volumeWeighted: row.spread_volume_weighted },
    implementationShortfall: {
      cost: row.shortfall_cost,
      bps: row.shortfall_bps,
      arrivalNotional: row.arrival_notional,
      executionCost: row.execution_cost,
      opportunityCost: row.opportunity_cost,
      fees: row.fees,
    },
  };
}
