import type { OrderCohortCounts } from "../rollups/trading-analytics";
import type { OrderDelta, OrderTransitions } from "../rollups/order-lifecycle";
import type { Sql, SqlTransaction } from "./database";
import { orderFiguresFrom } from "./order-figures.reader";
import { orderMarksSql } from "./order-marks.sql";

type Db = Sql | SqlTransaction;

/** The breakdowns a cohort can be narrowed to, by their order_analytics column. */
export const ORDER_BREAKDOWN_COLUMNS = { symbol: "symbol", strategy: "strategy_id", side: "side" } as const;
export type OrderBreakdown = { dimension: keyof typeof ORDER_BREAKDOWN_COLUMNS; value: string };

/** orderKeyOf() over an events row in SQL: the order_id, else for an order.placed its event id. */
export const ORDER_KEY_SQL = `(case when jsonb_typeof(properties->'order_id') = 'string' and properties->>'order_id' <> '' then properties->>'order_id'
  when event_type = 'order.placed' then id::text end)`;

/** Orders placed in [from, to). */
export interface CohortRange {
  from: Date;
  to: Date;
}

export interface CohortBucket {
  bucketStartMs: number;
  counts: OrderCohortCounts;
}

// The descriptive columns follow the least (rank, time, event id) event of the order.
const INCOMING_SOURCE_WINS = "(excluded.source_rank, excluded.source_time, excluded.source_event_id) < (o.source_rank, o.source_time, o.source_event_id)";
const FROM_SOURCE = ["symbol", "side", "strategy_id", "order_type", "limit_price", "quantity", "source_rank", "source_time", "source_event_id"];
const LEAST = ["placed_at", "first_event_at", "first_fill_at", "final_fill_at", "canceled_at", "rejected_at"];
const GREATEST = ["last_event_at", "last_fill_at"];
const SUMMED = ["fill_count", "filled_quantity", "fill_notional"];
const MERGE_SET = [
  ...FROM_SOURCE.map((c) => `${c} = case when ${INCOMING_SOURCE_WINS} then excluded.${c} else o.${c} end`),
  ...LEAST.map((c) => `${c} = least(o.${c}, excluded.${c})`),
  ...GREATEST.map((c) => `${c} = greatest(o.${c}, excluded.${c})`),
  ...SUMMED.map((c) => `${c} = o.${c} + excluded.${c}`),
  "updated_at = now()",
].join(",\n    ");
const INPUT_COLUMNS = `order_id text, symbol text, side text, strategy_id text, order_type text, limit_price float8, quantity float8,
  source_rank smallint, source_time timestamptz, source_event_id uuid, placed_at timestamptz, first_event_at timestamptz,
  last_event_at timestamptz, fill_count integer, filled_quantity float8, fill_notional float8, first_fill_at timestamptz,
  last_fill_at timestamptz, final_fill_at timestamptz, canceled_at timestamptz, rejected_at timestamptz`;
const WRITTEN_COLUMNS = INPUT_COLUMNS.split(",").map((column) => column.trim().split(" ")[0]!).join(", ");
const MARK_COLUMNS = "arrival_price, arrival_source, arrival_quote_at, end_mid";
/**
 * The marks of a new row, from its input. None for an order stored before (b): it conflicts, and
 * MERGED_MARKS marks it from the merged values, so its quotes are not looked up twice.
 */
const INSERTED_MARKS = orderMarksSql({
  symbol: "x.symbol",
  placedAt: "case when b.order_id is null then x.placed_at end",
  limitPrice: "x.limit_price",
  endedAt: "coalesce(x.rejected_at, x.canceled_at)",
});
/** The marks of a merged row, from the values the merge gives it (MERGE_SET's rules). */
const MERGED_MARKS = orderMarksSql({
  symbol: `case when ${INCOMING_SOURCE_WINS} then excluded.symbol else o.symbol end`,
  placedAt: "least(o.placed_at, excluded.placed_at)",
  limitPrice: `case when ${INCOMING_SOURCE_WINS} then excluded.limit_price else o.limit_price end`,
  endedAt: "coalesce(least(o.rejected_at, excluded.rejected_at), least(o.canceled_at, excluded.canceled_at))",
});
/** A placed order in a state, as the transition counts see it. */
const REACHED = (row: string, status: string) => `(${row}.placed_at is not null and ${row}.status = '${status}')`;

// The cohort counts come from trading_order_figures (migration 0023), the figures' one definition.
const COHORT_COLUMNS = `f.placed::int, f.filled::int, f.partially_filled::int, f.canceled::int, f.rejected::int, f.open::int,
  f.ordered_quantity, f.filled_quantity`;

interface CohortRow {
  placed: number;
  filled: number;
  partially_filled: number;
  canceled: number;
  rejected: number;
  open: number;
  ordered_quantity: number;
  filled_quantity: number;
}

/**
 * order_analytics: one row per order (migration 0017). The aggregator merges each page's order
 * deltas in one statement inside its cycle's transaction; readers count cohorts of orders by
 * placement time.
 */
export class OrderLifecycleRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Merges the deltas (one per order) into their rows in one upsert, marking each row it writes
   * with its execution marks from the quotes stored so far (so re-marking rewrites none of them),
   * and counts the placed orders that newly reached each state. Callers hold the aggregation cursor, so no other
   * merge runs between the read of the rows before and the upsert (one statement, one snapshot).
   */
  async merge(tx: Db, deltas: readonly OrderDelta[]): Promise<OrderTransitions> {
    if (deltas.length === 0) return { placed: 0, filled: 0, canceled: 0, rejected: 0 };
    const [row] = await tx.unsafe<{ placed: number; filled: number; canceled: number; rejected: number }[]>(
      `with input as (select * from jsonb_to_recordset($1::text::jsonb) as x(${INPUT_COLUMNS})),
       before as (select o.order_id, o.placed_at, o.status from order_analytics o where o.order_id in (select order_id from input)),
       after as (
         insert into order_analytics as o (${WRITTEN_COLUMNS}, ${MARK_COLUMNS})
         select ${WRITTEN_COLUMNS.split(", ").map((column) => `x.${column}`).join(", ")}, ${MARK_COLUMNS}
         from input x left join before b on b.order_id = x.order_id left join lateral (${INSERTED_MARKS}) m on true
         on conflict (order_id) do update set
         ${MERGE_SET},
         (${MARK_COLUMNS}) = (select ${MARK_COLUMNS} from (select) one left join lateral (${MERGED_MARKS}) m on true)
         returning o.order_id, o.placed_at, o.status)
       select count(*) filter (where a.placed_at is not null and b.placed_at is null)::int as placed,
              count(*) filter (where ${REACHED("a", "filled")} and not coalesce(${REACHED("b", "filled")}, false))::int as filled,
              count(*) filter (where ${REACHED("a", "canceled")} and not coalesce(${REACHED("b", "canceled")}, false))::int as canceled,
              count(*) filter (where ${REACHED("a", "rejected")} and not coalesce(${REACHED("b", "rejected")}, false))::int as rejected
       from after a left join before b on b.order_id = a.order_id`,
      [JSON.stringify(deltas.map(toInputRow))],
    );
    return row!;
  }

  /**
   * Deletes the rows of these orders (a rebuild refolds them); returns the span of event times
   * they covered, so the refold can read every event they had.
   */
  async deleteOrders(tx: Db, orderIds: readonly string[]): Promise<{ from: Date; to: Date } | undefined> {
    if (orderIds.length === 0) return undefined;
    const [row] = await tx<{ from: Date | null; to: Date | null }[]>`
      with gone as (delete from order_analytics where order_id = any(${tx.array([...orderIds])}::text[]) returning first_event_at, last_event_at)
      select min(first_event_at) as from, max(last_event_at) as to from gone`;
    return row?.from && row.to ? { from: row.from, to: row.to } : undefined;
  }

  /** The cohort of orders placed in the range: counts by status and quantities. */
  async cohort(range: CohortRange, breakdown?: OrderBreakdown): Promise<OrderCohortCounts> {
    const { sql } = this;
    const [row] = await sql<CohortRow[]>`
      select ${sql.unsafe(COHORT_COLUMNS)} from ${orderFiguresFrom(sql, { ...range, filter: breakdown, timings: false })}`;
    return toCounts(row!);
  }

  /** The cohorts of buckets `widthMs` wide (aligned to the epoch) starting in the range; empty buckets left out. */
  async cohortSeries(range: CohortRange & { widthMs: number }): Promise<CohortBucket[]> {
    const { sql } = this;
    const rows = await sql<(CohortRow & { bucket_start: Date })[]>`
      select f.bucket_start, ${sql.unsafe(COHORT_COLUMNS)}
      from ${orderFiguresFrom(sql, { from: range.from, to: range.to, bucketMs: range.widthMs, timings: false })}
      order by f.bucket_start`;
    return rows.map((row) => ({ bucketStartMs: row.bucket_start.getTime(), counts: toCounts(row) }));
  }

  /** The cohort of the range per strategy (orders naming one). */
  async cohortsByStrategy(range: CohortRange): Promise<Map<string, OrderCohortCounts>> {
    const { sql } = this;
    const rows = await sql<(CohortRow & { group_value: string })[]>`
      select f.group_value, ${sql.unsafe(COHORT_COLUMNS)}
      from ${orderFiguresFrom(sql, { ...range, by: "strategy", timings: false })}
      where f.group_value is not null`;
    return new Map(rows.map((row) => [row.group_value, toCounts(row)]));
  }
}

function toCounts(row: CohortRow): OrderCohortCounts {
  return {
    placed: row.placed,
    filled: row.filled,
    partiallyFilled: row.partially_filled,
    canceled: row.canceled,
    rejected: row.rejected,
    open: row.open,
    orderedQuantity: row.ordered_quantity,
    filledQuantity: row.filled_quantity,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toInputRow(delta: OrderDelta) {
  const { source } = delta;
  return {
    order_id: delta.orderId,
    symbol: source.symbol,
    side: source.side,
    strategy_id: source.strategyId,
    order_type: source.orderType,
    limit_price: source.limitPrice,
    quantity: source.quantity,
    source_rank: source.rank,
    source_time: iso(source.timeMs),
    source_event_id: source.eventId,
    placed_at: iso(delta.placedAtMs),
    first_event_at: iso(delta.firstEventAtMs),
    last_event_at: iso(delta.lastEventAtMs),
    fill_count: delta.fillCount,
    filled_quantity: delta.filledQuantity,
    fill_notional: delta.fillNotional,
    first_fill_at: iso(delta.firstFillAtMs),
    last_fill_at: iso(delta.lastFillAtMs),
    final_fill_at: iso(delta.finalFillAtMs),
    canceled_at: iso(delta.canceledAtMs),
    rejected_at: iso(delta.rejectedAtMs),
  };
}
