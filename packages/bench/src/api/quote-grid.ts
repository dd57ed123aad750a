// The bench month's market data: every symbol quoted on a regular grid of whole milliseconds, its
// mid a deterministic function of (symbol, quote index), and now and then a feed gap (quotes left
// out). Being deterministic, the quote in force at any time is computed, not looked up, so orders,
// fills and positions are priced off the very quotes stored, in the same INSERT ... SELECT.
// The TS functions and the SQL fragments below describe the same grid; the tests check the TS.
import { DEFAULT_SYMBOLS } from "@trading-analytics/core";

export interface GridSymbol {
  symbol: string;
  price: number;
  /** Typical quoted spread, in bps of the mid. */
  spreadBps: number;
  /** Decimals of prices and of quantities, as the demo's market walk uses. */
  priceDecimals: number;
  quantityDecimals: number;
}

export interface QuoteGrid {
  fromMs: number;
  symbols: GridSymbol[];
  /** Quotes per symbol (before gaps), each symbol's `intervalMs` apart. */
  perSymbol: number;
  intervalMs: number;
  /** Every `gapEvery` quotes a symbol's feed is silent for `gapLength` quotes. */
  gapEvery: number;
  gapLength: number;
}

const SPREADS_BPS = [1, 1.5, 3, 2, 4, 4, 6, 3];
const GAP_EVERY_MS = 6 * 3_600_000;
const GAP_MS = 90_000;
const MIN_GAP_QUOTES = 12; // a gap is many usual intervals long at any scale

export const GRID_SYMBOLS: readonly GridSymbol[] = DEFAULT_SYMBOLS.map((spec, index) => {
  const magnitude = Math.floor(Math.log10(spec.price));
  return {
    symbol: spec.symbol,
    price: spec.price,
    spreadBps: SPREADS_BPS[index % SPREADS_BPS.length]!,
    priceDecimals: Math.min(8, Math.max(2, 5 - magnitude)),
    quantityDecimals: Math.min(8, Math.max(0, magnitude + 2)),
  };
});

/** `quotes` quotes (before gaps) spread evenly over [fromMs, toMs) across the symbols. */
export function quoteGrid(fromMs: number, toMs: number, quotes: number, symbols: readonly GridSymbol[] = GRID_SYMBOLS): QuoteGrid {
  const perSymbol = Math.max(1, Math.floor(quotes / symbols.length));
  const intervalMs = Math.max(1, Math.floor((toMs - fromMs) / perSymbol));
  const gapLength = Math.max(MIN_GAP_QUOTES, Math.ceil(GAP_MS / intervalMs));
  const gapEvery = Math.max(gapLength * 20, Math.round(GAP_EVERY_MS / intervalMs));
  return { fromMs, symbols: [...symbols], perSymbol, intervalMs, gapEvery, gapLength };
}

/** Symbols are staggered within an interval, and their gaps within the gap period (never at index 0). */
export const phaseMs = (grid: QuoteGrid, s: number): number => Math.floor((s * grid.intervalMs) / grid.symbols.length);
export const gapOffset = (grid: QuoteGrid, s: number): number => Math.floor((grid.gapEvery * (s + 0.5)) / grid.symbols.length);

export const quoteTimeMs = (grid: QuoteGrid, s: number, k: number): number => grid.fromMs + k * grid.intervalMs + phaseMs(grid, s);

export const inGap = (grid: QuoteGrid, s: number, k: number): boolean => (k + grid.gapEvery - gapOffset(grid, s)) % grid.gapEvery < grid.gapLength;

/** Index of the quote in force at tMs (the latest stored at or before it); -1 when there is none. */
export function quoteIndexInForce(grid: QuoteGrid, s: number, tMs: number): number {
  const since = tMs - grid.fromMs - phaseMs(grid, s);
  if (since < 0) return -1;
  const k = Math.min(grid.perSymbol - 1, Math.floor(since / grid.intervalMs));
  if (!inGap(grid, s, k)) return k;
  return k - ((k + grid.gapEvery - gapOffset(grid, s)) % grid.gapEvery) - 1;
}

/** SQL fragments over the grid; `s`, `k` and times (ms since the epoch, bigint) are SQL expressions. */
export function gridSql(grid: QuoteGrid) {
  const n = grid.symbols.length;
  const { fromMs, intervalMs: i, gapEvery: every, gapLength: length } = grid;
  const phase = (s: string) => `((${s})::bigint * ${i} / ${n})`;
  const offset = (s: string) => `floor(${every} * ((${s})::float8 + 0.5) / ${n})::bigint`;
  const cyclePosition = (s: string, k: string) => `(((${k}) + ${every} - ${offset(s)}) % ${every})`;
  // Deterministic noise in [0, 1) per (symbol, quote), so a quote can be recomputed anywhere.
  const noise = (s: string, k: string, a: number, b: number, c: number) => `sin((${k})::float8 * ${a} + (${s})::float8 * ${b}) * ${c}`;
  return {
    /** The symbols as a VALUES list: (s, symbol, base, spread_bps, pscale, qdec); prices are whole 1 / pscale. */
    symbolsValues: grid.symbols
      .map((sym, s) => `(${s}, '${sym.symbol}', ${sym.price}::float8, ${sym.spreadBps}::float8, ${10 ** sym.priceDecimals}::float8, ${sym.quantityDecimals})`)
      .join(", "),
    quoteTimeMs: (s: string, k: string) => `(${fromMs}::bigint + (${k})::bigint * ${i} + ${phase(s)})`,
    inGap: (s: string, k: string) => `(${cyclePosition(s, k)} < ${length})`,
    /** The index of the quote in force at tMs, as quoteIndexInForce (tMs at or after the symbol's first quote). */
    indexInForce: (s: string, tMs: string) => {
      const k = `least(${grid.perSymbol - 1}::bigint, ((${tMs}) - ${fromMs}::bigint - ${phase(s)}) / ${i})`;
      return `(case when ${cyclePosition(s, k)} < ${length} then ${k} - ${cyclePosition(s, k)} - 1 else ${k} end)`;
    },
    /**
     * A LATERAL subquery giving the quote of symbol `s` (joined to the symbols VALUES as `sym`)
     * at index `k`: its bid, ask, last price and mid (as market_quotes computes it), rounded like an exchange's.
     */
    quoteAt: (s: string, k: string) => {
      const t = `((${fromMs}::bigint + (${k})::bigint * ${i} + ${phase(s)})::float8 / 1000)`;
      // Rounded in float8 (round(x * 10^d) / 10^d prints as the decimal): numeric costs several times more.
      // OFFSET 0 keeps PostgreSQL from inlining each step into the next, which would compute the noise and the mid several times.
      const round = (value: string) => `round(${value} * sym.pscale) / sym.pscale`;
      return `(
      select bid, ask, last, (bid + ask) / 2 as mid
      from (select ${round("raw * (1 - hs)")} as bid, ${round("raw * (1 + hs)")} as ask, ${round("raw * (1 + (2 * (x3 - floor(x3)) - 1) * hs)")} as last
            from (select sym.base * exp(0.04 * sin(t / 84000 + (${s})) + 0.015 * sin(t / 12800 + 2 * (${s})) + 0.003 * sin(t / 450 + 3 * (${s}))
                                        + 0.0004 * (2 * (x1 - floor(x1)) - 1)) as raw,
                         sym.spread_bps / 2e4 * (0.6 + 0.8 * (x2 - floor(x2))) as hs, x3
                  from (select ${t} as t, ${noise(s, k, 12.9898, 78.233, 43758.5453)} as x1, ${noise(s, k, 39.3468, 11.135, 24634.6345)} as x2,
                               ${noise(s, k, 7.233, 3.71, 9631.17)} as x3 offset 0) n offset 0) m) rounded)`;
    },
  };
}
