import type { Sql } from "./database";

/** How realized PnL is broken down (trading_realized_pnl's p_by). */
export const PNL_BREAKDOWNS = ["strategy", "symbol", "strategy_symbol"] as const;
export type PnlBreakdown = (typeof PNL_BREAKDOWNS)[number];

export interface PnlFigures {
  realizedPnl: number;
  closedPositions: number;
}

export interface PnlGroup extends PnlFigures {
  strategy: string | null;
  symbol: string | null;
}

export interface PnlBucket extends PnlFigures {
  bucketStart: Date;
}

export interface RealizedPnl extends PnlFigures {
  breakdown: PnlGroup[];
  series: PnlBucket[];
}

export interface OpenPosition {
  positionId: string;
  symbol: string | null;
  side: string | null;
  strategy: string | null;
  quantity: number | null;
  entryPrice: number | null;
  openedAt: Date;
  markPrice: number | null;
  unrealizedPnl: number | null;
}

export interface SymbolExposure {
  symbol: string | null;
  netQuantity: number;
  longNotional: number;
  shortNotional: number;
  netNotional: number;
  unrealizedPnl: number | null;
  markPrice: number | null;
  markedAt: Date | null;
}

export interface OpenPositions {
  openPositions: number;
  /** Sum over the open positions that have a mark; null when none has. */
  unrealizedPnl: number | null;
  exposure: SymbolExposure[];
  /** The most recently opened first, at most `limit`. */
  positions: OpenPosition[];
}

export interface PositionFilter {
  strategy?: string;
  symbol?: string;
}

interface PnlRow {
  strategy: string | null;
  symbol: string | null;
  realized_pnl: number;
  closed_positions: string;
}

/**
 * Positions and PnL as the SQL functions of migration 0024 define them (the ones Grafana and psql
 * call): this reader only selects from them, so every reader gets the same figures.
 */
export class PositionsReader {
  constructor(private readonly sql: Sql) {}

  /** Positions closed in [from, to): the total, the breakdown, and one point per bucket `widthMs` wide. */
  async realizedPnl(range: { from: Date; to: Date; widthMs: number }, by: PnlBreakdown): Promise<RealizedPnl> {
    const { sql } = this;
    const [[total], breakdown, series] = await Promise.all([
      sql<PnlRow[]>`select * from trading_realized_pnl(${range.from}, ${range.to})`,
      sql<PnlRow[]>`select * from trading_realized_pnl(${range.from}, ${range.to}, ${by})`,
      sql<{ bucket_start: Date; realized_pnl: number; closed_positions: string }[]>`
        select * from trading_realized_pnl_series(${range.from}, ${range.to}, ${`${range.widthMs} milliseconds`}::interval)`,
    ]);
    return {
      ...figures(total!),
      breakdown: breakdown.map((row) => ({ strategy: row.strategy, symbol: row.symbol, ...figures(row) })),
      series: series.map((row) => ({ bucketStart: row.bucket_start, ...figures(row) })),
    };
  }

  /** The positions open at `at` (opened at or before it, not closed by then), marked at `at`. */
  async openAt(at: Date, filter: PositionFilter, limit: number): Promise<OpenPositions> {
    const { sql } = this;
    const where = sql`where true
      ${filter.strategy === undefined ? sql`` : sql`and strategy_id = ${filter.strategy}`}
      ${filter.symbol === undefined ? sql`` : sql`and symbol = ${filter.symbol}`}`;
    const [[totals], exposure, positions] = await Promise.all([
      sql<{ open_positions: string; unrealized_pnl: number | null }[]>`
        select count(*) as open_positions, sum(unrealized_pnl) as unrealized_pnl from trading_open_positions(${at}) ${where}`,
      sql<Array<{ symbol: string | null; net_quantity: number; long_notional: number; short_notional: number; net_notional: number; unrealized_pnl: number | null; mark_price: number | null; marked_at: Date | null }>>`
        select * from trading_exposure(${at}, ${filter.strategy ?? null})
        ${filter.symbol === undefined ? sql`` : sql`where symbol = ${filter.symbol}`}`,
      sql<Array<{ position_id: string; symbol: string | null; side: string | null; strategy_id: string | null; quantity: number | null; entry_price: number | null; opened_at: Date; mark_price: number | null; unrealized_pnl: number | null }>>`
        select * from trading_open_positions(${at}) ${where}
        order by opened_at desc, position_id limit ${limit}`,
    ]);
    return {
      openPositions: Number(totals!.open_positions),
      unrealizedPnl: totals!.unrealized_pnl,
      exposure: exposure.map((row) => ({
        symbol: row.symbol,
        netQuantity: row.net_quantity,
        longNotional: row.long_notional,
        shortNotional: row.short_notional,
        netNotional: row.net_notional,
        unrealizedPnl: row.unrealized_pnl,
        markPrice: row.mark_price,
        markedAt: row.marked_at,
      })),
      positions: positions.map((row) => ({
        positionId: row.position_id,
        symbol: row.symbol,
        side: row.side,
        strategy: row.strategy_id,
        quantity: row.quantity,
        entryPrice: row.entry_price,
        openedAt: row.opened_at,
        markPrice: row.mark_price,
        unrealizedPnl: row.unrealized_pnl,
      })),
    };
  }
}

function figures(row: { realized_pnl: number; closed_positions: string }): PnlFigures {
  return { realizedPnl: row.realized_pnl, closedPositions: Number(row.closed_positions) };
}
