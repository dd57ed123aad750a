// The stored events the API is queried over: N events spread at random over 30 days, made by
// one INSERT ... SELECT over generate_series (as the aggregator's query leg does), with the
// properties the rollups and the dashboard read (symbol, strategy, side, price, quantity,
// latency). The month runs until an hour after the bench starts, so "now" (the dashboard's
// last five minutes, today, the last day) stays inside the data for the whole run.
import type { Sql } from "@trading-analytics/core";

export const BENCH_EVENT_TYPES = ["market.data.update", "order.placed", "order.filled", "order.canceled", "order.rejected", "signal.generated"] as const;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
export const MONTH_DAYS = 30;

export interface MonthOfEvents {
  count: number;
  fromMs: number;
  toMs: number;
}

/** [now − 30 days, now + 1 hour), on whole minutes. */
export function monthRange(nowMs: number): { fromMs: number; toMs: number } {
  const minute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  return { fromMs: minute - MONTH_DAYS * DAY_MS, toMs: minute + HOUR_MS };
}

export async function insertMonthOfEvents(sql: Sql, count: number, nowMs: number): Promise<MonthOfEvents> {
  const { fromMs, toMs } = monthRange(nowMs);
  const from = new Date(fromMs);
  await sql`select ensure_events_partitions(${from}::timestamptz::date - 1, ${new Date(toMs)}::timestamptz::date + 1)`;
  await sql`
    insert into events (id, event_type, "timestamp", created_at, user_id, session_id, properties)
    select gen_random_uuid(),
           (${BENCH_EVENT_TYPES as unknown as string[]}::text[])[1 + g % ${BENCH_EVENT_TYPES.length}],
           t, t + interval '20 milliseconds', 'user-' || g % 500, 'session-' || g % 2000,
           jsonb_build_object('symbol', (array['BTCUSDT', 'ETHUSDT', 'SOLUSDT'])[1 + g % 3],
                              'strategy_id', 'strategy-' || g % 7,
                              'side', (array['buy', 'sell'])[1 + g % 2],
                              'price', round((100 + random() * 900)::numeric, 2),
                              'quantity', round((0.01 + random() * 5)::numeric, 3),
                              'latency_ms', round((1 + random() * 40)::numeric, 1))
    from (select g, ${from}::timestamptz + random() * (${toMs - fromMs}::bigint * interval '1 millisecond') as t
          from generate_series(1, ${count}::int) g) spread`;
  return { count, fromMs, toMs };
}
