// The query leg's data, made by SQL rather than through the aggregator (10M events would take
// too long to fold here): raw events over 30 days from one INSERT ... SELECT over
// generate_series, and the 1m count rollups the aggregator would have written for them,
// computed by SQL from those events.
import type { Sql } from "@trading-analytics/core";

export const QUERY_EVENT_TYPES = ["market.data.update", "order.placed", "order.filled", "order.canceled", "position.closed", "page.view"] as const;
const DAYS = 30;
const DAY_MS = 86_400_000;

export interface MonthOfEvents {
  fromMs: number;
  toMs: number;
}

export async function insertMonthOfRawEvents(sql: Sql, count: number, toMs: number): Promise<MonthOfEvents> {
  const fromMs = toMs - DAYS * DAY_MS;
  const from = new Date(fromMs);
  await sql`select ensure_events_partitions(${from}::timestamptz::date - 1, ${new Date(toMs)}::timestamptz::date + 1)`;
  await sql`
    insert into events (id, event_type, "timestamp", created_at, user_id, session_id, properties)
    select gen_random_uuid(),
           (${QUERY_EVENT_TYPES as unknown as string[]}::text[])[1 + g % ${QUERY_EVENT_TYPES.length}],
           t, t + interval '20 milliseconds', 'user-' || g % 25, 'session-' || g % 40,
           jsonb_build_object('symbol', (array['BTCUSDT', 'ETHUSDT', 'SOLUSDT'])[1 + g % 3],
                              'price', round((100 + random() * 900)::numeric, 2), 'quantity', round((0.01 + random() * 5)::numeric, 3))
    from (select g, ${from}::timestamptz + random() * ${DAYS}::int * interval '1 day' as t
          from generate_series(1, ${count}::int) g) spread`;
  return { fromMs, toMs };
}

/** The 1m count rows the aggregator keeps (events.count.<type>, overall) for every type. */
export async function fillMinuteCountRollups(sql: Sql): Promise<number> {
  const result = await sql`
    insert into metric_rollups (metric_name, interval, bucket_start, dimension, dimension_value, count, sum)
    select 'events.count.' || event_type, '1m', date_trunc('minute', "timestamp"), '', '', count(*), 0
    from events group by 1, 3`;
  return result.count;
}
