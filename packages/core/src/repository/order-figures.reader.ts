import type postgres from "postgres";
import type { Sql } from "./database";
import type { OrderBreakdown } from "./order-lifecycle.repository";

/** The attributes trading_order_figures() breaks a cohort down by (its p_by). */
export const ORDER_FIGURES_BY = ["symbol", "strategy", "side"] as const;
export type OrderFiguresBy = (typeof ORDER_FIGURES_BY)[number];

/** A call of trading_order_figures (migration 0023): the orders placed in [from, to). */
export interface OrderFiguresCall {
  from: Date;
  to: Date;
  by?: OrderFiguresBy;
  /** Narrows the cohort to one symbol, strategy or side before any breakdown. */
  filter?: OrderBreakdown;
  /** One row per bucket this wide (aligned to the epoch) instead of one for the range. */
  bucketMs?: number;
  /** False skips the percentiles: the counts alone read the index and nothing else. */
  timings: boolean;
}

/**
 * The FROM item `trading_order_figures(...) as f`, the one definition of the order lifecycle
 * figures; OrderLifecycleRepository's cohorts read it as well.
 */
export function orderFiguresFrom(sql: Sql, call: OrderFiguresCall): postgres.PendingQuery<postgres.Row[]> {
  const filter = (dimension: OrderBreakdown["dimension"]) => (call.filter?.dimension === dimension ? call.filter.value : null);
  const bucket = call.bucketMs === undefined ? null : `${call.bucketMs} milliseconds`;
  return sql`trading_order_figures(${call.from}::timestamptz, ${call.to}::timestamptz, p_by => ${call.by ?? null}::text,
    p_symbol => ${filter("symbol")}::text, p_strategy => ${filter("strategy")}::text, p_side => ${filter("side")}::text,
    p_bucket => ${bucket}::interval, p_timings => ${call.timings}::boolean) as f`;
}

export interface DurationFigures {
  /** Orders measured. */
  count: number;
  /** Percentiles in ms: the value at rank floor(q × (n − 1)), within 1 % (log bins); null with nothing measured. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface OrderFigures {
  orders: { placed: number; filled: number; partiallyFilled: number; canceled: number; rejected: number; open: number };
  /** filled / placed × 100 (by orders, at most 100); null with nothing placed. */
  fillRate: number | null;
  /** Σ min(filled, ordered) / Σ ordered × 100 over orders with an ordered quantity; null without one. */
  quantityFillRatio: number | null;
  /** canceled / filled orders; null with none filled. */
  cancelToFillRatio: number | null;
  /** first_fill_at − placed_at of the orders with a fill (negative when the fill's clock was behind). */
  timeToFirstFillMs: DurationFigures;
  /** filled_at − placed_at of the fully filled orders. */
  timeToFillMs: DurationFigures;
}

export interface OrderFiguresAnswer {
  overall: OrderFigures;
  /** Per value of `by` (null: orders without that attribute), when asked for; ordered by value. */
  breakdown?: Array<{ value: string | null; figures: OrderFigures }>;
}

interface FiguresRow {
  part: "overall" | "group";
  group_value: string | null;
  placed: number;
  filled: number;
  partially_filled: number;
  canceled: number;
  rejected: number;
  open: number;
  fill_rate: number | null;
  quantity_fill_ratio: number | null;
  cancel_to_fill_ratio: number | null;
  time_to_first_fill_count: number;
  time_to_first_fill_p50_ms: number | null;
  time_to_first_fill_p95_ms: number | null;
  time_to_first_fill_p99_ms: number | null;
  time_to_fill_count: number;
  time_to_fill_p50_ms: number | null;
  time_to_fill_p95_ms: number | null;
  time_to_fill_p99_ms: number | null;
}

const COLUMNS = `f.group_value, f.placed::int, f.filled::int, f.partially_filled::int, f.canceled::int, f.rejected::int, f.open::int,
  f.fill_rate, f.quantity_fill_ratio, f.cancel_to_fill_ratio,
  f.time_to_first_fill_count::int, f.time_to_first_fill_p50_ms, f.time_to_first_fill_p95_ms, f.time_to_first_fill_p99_ms,
  f.time_to_fill_count::int, f.time_to_fill_p50_ms, f.time_to_fill_p95_ms, f.time_to_fill_p99_ms`;

/**
 * Order lifecycle figures of the orders placed in a range, overall and per symbol, strategy or
 * side, as trading_order_figures() (migration 0023) computes them for every reader.
 */
export class OrderFiguresReader {
  constructor(private readonly sql: Sql) {}

  async figures(query: { from: Date; to: Date; filter?: OrderBreakdown; by?: OrderFiguresBy }): Promise<OrderFiguresAnswer> {
    const { sql } = this;
    const whole = orderFiguresFrom(sql, { from: query.from, to: query.to, filter: query.filter, timings: true });
    const rows = query.by
      ? await sql<FiguresRow[]>`
          select 'overall' as part, ${sql.unsafe(COLUMNS)} from ${whole}
          union all
          select 'group' as part, ${sql.unsafe(COLUMNS)} from ${orderFiguresFrom(sql, { ...query, timings: true })}`
      : await sql<FiguresRow[]>`select 'overall' as part, ${sql.unsafe(COLUMNS)} from ${whole}`;
    const overall = rows.find((row) => row.part === "overall");
    if (!overall) throw new Error("trading_order_figures returned no overall row");
    if (!query.by) return { overall: figuresOf(overall) };
    const breakdown = rows
      .filter((row) => row.part === "group")
      .map((row) => ({ value: row.group_value, figures: figuresOf(row) }))
      .sort((a, b) => (a.value === b.value ? 0 : a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : 1));
    return { overall: figuresOf(overall), breakdown };
  }
}

function figuresOf(row: FiguresRow): OrderFigures {
  return {
    orders: {
      placed: row.placed,
      filled: row.filled,
      partiallyFilled: row.partially_filled,
      canceled: row.canceled,
      rejected: row.rejected,
      open: row.open,
    },
    fillRate: row.fill_rate,
    quantityFillRatio: row.quantity_fill_ratio,
    cancelToFillRatio: row.cancel_to_fill_ratio,
    timeToFirstFillMs: { count: row.time_to_first_fill_count, p50: row.time_to_first_fill_p50_ms, p95: row.time_to_first_fill_p95_ms, p99: row.time_to_first_fill_p99_ms },
    timeToFillMs: { count: row.time_to_fill_count, p50: row.time_to_fill_p50_ms, p95: row.time_to_fill_p95_ms, p99: row.time_to_fill_p99_ms },
  };
}
