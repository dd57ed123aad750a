import type { Sql } from "./database";

export interface MarketDataHealthQuery {
  from: Date;
  to: Date;
  /** A gap is an interval longer than this many usual intervals. */
  gapFactor: number;
  symbol?: string;
  /** Most gaps listed (the longest first); all are counted. */
  gapLimit: number;
}

export interface SymbolHealth {
  symbol: string;
  updates: number;
  updatesPerSecond: number;
  /** Median positive interval between consecutive updates, within 1 %; null with fewer than two updates. */
  usualIntervalMs: number | null;
  gaps: number;
  /** The longest gap; null without one. */
  longestGapMs: number | null;
  spreadP50Bps: number | null;
  spreadP95Bps: number | null;
}

export interface MarketDataGap {
  symbol: string;
  from: Date;
  to: Date;
  durationMs: number;
}

/** Market-data health per symbol: market_data_health and market_data_gaps (migration 0027), the one definition Grafana and psql use too. */
export class MarketDataHealthReader {
  constructor(private readonly sql: Sql) {}

  async health(query: MarketDataHealthQuery): Promise<{ symbols: SymbolHealth[]; gaps: MarketDataGap[] }> {
    const { from, to, gapFactor } = query;
    const symbol = query.symbol ?? null;
    const [symbols, gaps] = await Promise.all([
      this.sql<Array<{ symbol: string; updates: string; updates_per_second: number; usual_interval_ms: number | null; gaps: string; longest_gap_ms: number | null; spread_p50_bps: number | null; spread_p95_bps: number | null }>>`
        select * from market_data_health(${from}, ${to}, ${gapFactor}::float8, ${symbol}::text) order by symbol`,
      this.sql<Array<{ symbol: string; gap_from: Date; gap_to: Date; duration_ms: number }>>`
        select * from market_data_gaps(${from}, ${to}, ${gapFactor}::float8, ${symbol}::text)
        order by duration_ms desc, gap_to, symbol limit ${query.gapLimit}`,
    ]);
    return {
      symbols: symbols.map((row) => ({
        symbol: row.symbol,
        updates: Number(row.updates),
        updatesPerSecond: row.updates_per_second,
        usualIntervalMs: row.usual_interval_ms,
        gaps: Number(row.gaps),
        longestGapMs: row.longest_gap_ms,
        spreadP50Bps: row.spread_p50_bps,
        spreadP95Bps: row.spread_p95_bps,
      })),
      gaps: gaps.map((row) => ({ symbol: row.symbol, from: row.gap_from, to: row.gap_to, durationMs: row.duration_ms })),
    };
  }
}
